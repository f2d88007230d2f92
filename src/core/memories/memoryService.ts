import type { CodeMemorySystem } from '../codeMemorySystem';
import type { MemorySystem } from '../memorySystem';
import type { CodeContext } from '../retrieval/types';
import { personalDatabasePath } from '../store/location';
import type { ImportMode, MemoryChanges, MemoryFilter, MemoryRecord, MemoryStore, NewMemory } from '../store/memoryStore';
import { MEMORY_FILE_VERSION } from '../store/memoryStore';
import { workspaceRelative } from '../text/modulePath';
import { InputError } from '../workspaceIndex';
import { type CleanupReason, type CleanupRules, planCleanup } from './cleanup';
import { type InvalidRecord, type MemoryFile, parseMemoryFile } from './exchange';
import { FILE_SOURCES, isMemoryKind, type MemoryKind, type MemoryScope, MEMORY_KIND_NAMES, normalizeTags } from './model';
import { PersonalMemories } from './personal';
import { type SearchOptions, type SearchResult, searchWorkspaces } from './search';
import { findSimilar } from './similar';
import { checkedMemory, firstLine, memoryId, type MemoryView, parseId, refuseFileMemory, type SimilarView, view } from './views';

/** Kinds that belong to the person, not the project: stored in the personal database unless a scope is given. */
const PERSONAL_KINDS: ReadonlySet<MemoryKind> = new Set(['user_preference']);
/** Results per page when the caller does not say. */
const DEFAULT_PAGE = 20;

/** What a caller gives to store a memory; unknown or malformed fields are an InputError saying which. */
export interface StoreInput {
  kind?: MemoryKind;
  title?: string;
  content: string;
  tags?: unknown[];
  citations?: unknown[];
  scope?: MemoryScope;
  source: string;
  metadata?: Record<string, unknown>;
}

export interface StoreResult {
  memory: MemoryView;
  /** False when the very same memory was already stored: `memory` is that one. */
  created: boolean;
  /** Memories it repeats or may contradict: offer to update one of those instead. */
  similar: SimilarView[];
}

export interface ListOptions extends Omit<MemoryFilter, 'ids'> {
  text?: string;
  scope?: MemoryScope;
  offset?: number;
  limit?: number;
}

export interface ImportReport {
  added: number;
  replaced: number;
  skipped: number;
  invalid: InvalidRecord[];
}

/**
 * Every memory operation of the engine, for every front end (chat, commands, CLI, agent tools, MCP server):
 * they call this and render what it returns. One workspace's memories plus the user's personal ones.
 */
export class MemoryService {
  private readonly personalMemories: PersonalMemories | undefined;

  /**
   * `personal`: the user's own memories, shared by every service of a process (a front end with several
   * workspaces passes one and closes it); a path opens them for this service alone; false: none.
   */
  constructor(readonly workspace: CodeMemorySystem, private readonly personal: PersonalMemories | string | false = personalDatabasePath()) {
    this.personalMemories = personal === false ? undefined : typeof personal === 'string' ? new PersonalMemories(personal) : personal;
  }

  private system(scope: MemoryScope, create = true) {
    return scope === 'personal' ? this.personalMemories?.open(create) : this.workspace;
  }

  store(input: StoreInput): StoreResult {
    const kind = input.kind ?? 'note';
    if (!isMemoryKind(kind)) throw new InputError(`kind must be one of ${MEMORY_KIND_NAMES.join(', ')}`);
    const scope = input.scope ?? (PERSONAL_KINDS.has(kind) ? 'personal' : 'workspace');
    const memory = checkedMemory({ kind, title: input.title ?? '', text: input.content, tags: input.tags, citations: input.citations }, (f) => this.relative(f));
    const system = this.system(scope);
    if (!system) throw new InputError('personal memories are turned off here');
    const same = system.memories.sameContent(memory)[0];
    if (same) return { memory: view(same, scope), created: false, similar: [] };
    const similar = this.similar(system, memory);
    const id = system.memories.add({ ...memory, source: input.source, metadata: input.metadata });
    system.memoriesChanged();
    return { memory: view(system.memories.get(id)!, scope), created: true, similar };
  }

  /** A debugging session: what went wrong, the error, what fixed it, optionally the diff that did. */
  recordDebugSession(input: { problem: string; error?: string; solution: string; file?: string; diff?: string; tags?: unknown[];
    citations?: unknown[]; source: string }): StoreResult {
    if (!input.problem?.trim() || !input.solution?.trim()) throw new InputError('a debugging session needs a problem and a solution');
    const parts = [`Problem: ${input.problem.trim()}`, `Error: ${input.error?.trim() ?? ''}`, `Solution: ${input.solution.trim()}`];
    if (input.diff?.trim()) parts.push(`Diff:\n${input.diff.trim()}`);
    const citations = [...(input.file ? [{ file: input.file }] : []), ...(input.citations ?? [])];
    return this.store({
      kind: 'debugging', title: firstLine(input.problem), content: parts.join('\n'), tags: input.tags, citations,
      source: input.source, metadata: { description: input.problem, error: input.error ?? '', solution: input.solution },
    });
  }

  get(id: string): MemoryView | undefined {
    const { scope, number } = parseId(id);
    const record = this.system(scope, false)?.memories.get(number);
    return record && view(record, scope);
  }

  /** Changes the given fields; undefined when there is no such memory. Returns what it may now repeat. */
  update(id: string, changes: { kind?: MemoryKind; title?: string; content?: string; tags?: unknown[]; citations?: unknown[] }):
    { memory: MemoryView; similar: SimilarView[] } | undefined {
    const { scope, number } = parseId(id);
    const system = this.system(scope, false);
    const current = system?.memories.get(number);
    if (!system || !current) return undefined;
    refuseFileMemory(current, id);
    if (changes.kind !== undefined && !isMemoryKind(changes.kind)) throw new InputError(`kind must be one of ${MEMORY_KIND_NAMES.join(', ')}`);
    const next = checkedMemory({
      kind: changes.kind ?? current.kind, title: changes.title ?? current.title, text: changes.content ?? current.text,
      tags: changes.tags ?? current.tags, citations: changes.citations ?? current.citations,
    }, (f) => this.relative(f));
    // Only the fields given are written (the store merges them under its lock): a change another process made to
    // the other fields meanwhile is kept.
    const stored: MemoryChanges = {
      kind: changes.kind, title: changes.title === undefined ? undefined : next.title, text: changes.content === undefined ? undefined : next.text,
      tags: changes.tags === undefined ? undefined : next.tags, citations: changes.citations === undefined ? undefined : next.citations,
      filePath: changes.citations === undefined ? undefined : null,
    };
    system.memories.update(number, stored);
    system.memoriesChanged();
    return { memory: view(system.memories.get(number)!, scope), similar: this.similar(system, next, number) };
  }

  /** Undoes delete: the memory comes back under its own id (false if that id is in use). */
  restore(record: MemoryRecord, scope: MemoryScope): boolean {
    const system = this.system(scope)!;
    const restored = system.memories.restore(record);
    if (restored) system.memoriesChanged();
    return restored;
  }

  /**
   * "Update that one instead": the older memory takes the content, tags and citations of the one just stored,
   * which goes. Undefined when either is gone.
   */
  updateInstead(newId: string, oldId: string): MemoryView | undefined {
    const fresh = this.get(newId);
    if (!fresh || !this.get(oldId)) return undefined;
    const updated = this.update(oldId, { title: fresh.title, content: fresh.content, tags: fresh.tags, citations: fresh.citations });
    this.delete(newId);
    return updated?.memory;
  }

  /** Deletes a memory if it is still the version the caller saw (`seen`: its `updated`). */
  /**
   * A stale memory found still valid: its citations anchored to today's code, so it is current until that code
   * changes. Undefined when there is no such memory.
   */
  reanchor(id: string): MemoryView | undefined {
    const { scope, number } = parseId(id);
    if (scope !== 'workspace') throw new InputError(`${id} is personal: it cites no workspace code`);
    const record = this.workspace.memories.get(number);
    if (!record) return undefined;
    refuseFileMemory(record, id);
    this.workspace.reanchor(number);
    return this.get(id);
  }

  delete(id: string, seen?: string): { status: 'deleted'; memory: MemoryView; record: MemoryRecord } | { status: 'missing' | 'changed' } {
    const { scope, number } = parseId(id);
    const system = this.system(scope, false);
    const current = system?.memories.get(number);
    if (current) refuseFileMemory(current, id);
    const outcome = system?.memories.delete(number, seen === undefined ? undefined : Date.parse(seen)) ?? 'missing';
    if (typeof outcome === 'string') return { status: outcome };
    system!.memoriesChanged();
    return { status: 'deleted', memory: view(outcome, scope), record: outcome };
  }

  /** Lists memories of one scope or both (newest change first, or by relevance to `text`), a page at a time. */
  list(options: ListOptions = {}): { memories: MemoryView[]; total: number; offset: number } {
    const offset = options.offset ?? 0;
    const limit = options.limit ?? DEFAULT_PAGE;
    const scopes: MemoryScope[] = options.scope ? [options.scope] : ['workspace', 'personal'];
    const all = scopes.flatMap((scope) => {
      const system = this.system(scope, false);
      if (!system) return [];
      const ids = options.text?.trim() ? system.memoriesLike(options.text, 1000).map((m) => m.id) : undefined;
      const filter = { ...options, tags: options.tags && normalizeTags(options.tags), file: options.file && this.relative(options.file), ids };
      return system.memories.list(filter).memories.map((record) => ({ record, scope, rank: ids?.indexOf(record.id) ?? 0 }));
    });
    if (!options.text?.trim()) all.sort((a, b) => b.record.updatedAt - a.record.updatedAt);
    else all.sort((a, b) => a.rank - b.rank);
    return { memories: all.slice(offset, offset + limit).map(({ record, scope }) => view(record, scope)), total: all.length, offset };
  }

  /** Code and memories for a question, ranked together with the personal memories (search.ts). */
  search(context: CodeContext, options: SearchOptions = {}): Promise<SearchResult> {
    return searchWorkspaces([{ name: '', workspace: this.workspace }], this.personalSystem(), context, options);
  }

  /** The personal memories' system, if there are any (reading never creates the database). */
  personalSystem(): MemorySystem | undefined {
    return this.system('personal', false);
  }

  /** Memories as one versioned JSON document, everything or what the options admit. */
  export(given: Omit<ListOptions, 'offset' | 'limit' | 'text'> = {}): MemoryFile {
    const options = { ...given, file: given.file && this.relative(given.file) };
    const scopes: MemoryScope[] = options.scope ? [options.scope] : ['workspace', 'personal'];
    // Instruction files and team notes travel as files, not in exports.
    const memories = scopes.flatMap((scope) => (this.system(scope, false)?.memories.list(options).memories ?? [])
      .filter((record) => !FILE_SOURCES.has(record.source)).map((record) => ({ ...record, scope })));
    return { version: MEMORY_FILE_VERSION, exportedAt: new Date().toISOString(), memories };
  }

  /** Imports a memory document; each record is validated and a bad one reported by its index, the rest kept. */
  import(document: unknown, mode: ImportMode = 'skip-duplicates'): ImportReport {
    const { records, invalid } = parseMemoryFile(document);
    const report: ImportReport = { added: 0, replaced: 0, skipped: 0, invalid };
    for (const scope of ['workspace', 'personal'] as const) {
      const mine = records.filter((r) => (r.scope ?? 'workspace') === scope).map(({ scope: _, ...r }) => r);
      if (!mine.length) continue;
      const system = this.system(scope)!;
      const counts = system.memories.importRecords(mine, mode);
      system.memoriesChanged();
      report.added += counts.added;
      report.replaced += counts.replaced;
      report.skipped += counts.skipped;
    }
    return report;
  }

  /**
   * Memories the rules would remove (old and never used, duplicates, over a size limit), in both scopes; with
   * `apply`, those it removed. Team notes and instruction files are never touched.
   */
  cleanup(rules: CleanupRules, apply = false): { memory: MemoryView; reason: CleanupReason; keptId?: string }[] {
    const plan = (['workspace', 'personal'] as const).flatMap((scope) => {
      const system = this.system(scope, false);
      if (!system) return [];
      return planCleanup(system.memories, rules, (text) => system.memoriesLike(text, 10).map((m) => m.id)).map(({ record, reason, keptId }) => ({
        memory: view(record, scope), reason, keptId: keptId === undefined ? undefined : memoryId(scope, keptId),
      }));
    });
    if (!apply) return plan;
    // Applied: what was removed (a memory changed since the plan was made is kept).
    const { deleted } = this.deleteUnchanged(plan.map((p) => p.memory));
    return plan.filter((p) => deleted.includes(p.memory.id));
  }

  /**
   * Deletes memories in one transaction per scope, each only if it is still the version the caller saw (its
   * `updated`): one changed meanwhile by another window or process is kept and reported.
   */
  deleteUnchanged(seen: readonly Pick<MemoryView, 'id' | 'updated'>[]): { deleted: string[]; changed: string[] } {
    const outcome = { deleted: [] as string[], changed: [] as string[] };
    for (const scope of ['workspace', 'personal'] as const) {
      const mine = seen.map((m) => ({ ...parseId(m.id), updatedAt: Date.parse(m.updated) })).filter((m) => m.scope === scope);
      const system = this.system(scope, false);
      if (!mine.length || !system) continue;
      for (const { number } of mine) {
        const record = system.memories.get(number);
        if (record) refuseFileMemory(record, memoryId(scope, number));
      }
      const { deleted, changed } = system.memories.deleteMany(mine.map(({ number, updatedAt }) => ({ id: number, updatedAt })));
      if (deleted.length) system.memoriesChanged();
      outcome.deleted.push(...deleted.map((id) => memoryId(scope, id)));
      outcome.changed.push(...changed.map((id) => memoryId(scope, id)));
    }
    return outcome;
  }

  /** Changes whenever a memory of either scope changes, whichever process changed it: views poll it. */
  fingerprint(): string {
    return `${this.workspace.memories.fingerprint()}/${this.personalSystem()?.memories.fingerprint() ?? ''}`;
  }

  /** Closes the personal memories if this service opened them (the workspace's system belongs to the caller). */
  close(): void {
    if (typeof this.personal === 'string') this.personalMemories?.close();
  }

  private similar(system: { memories: MemoryStore; memoriesLike: (text: string, limit: number) => { id: number }[] }, memory: NewMemory,
    exceptId?: number): SimilarView[] {
    const scope: MemoryScope = system === this.workspace ? 'workspace' : 'personal';
    return findSimilar(system.memories, memory, (text) => system.memoriesLike(text, 10).map((m) => m.id), exceptId)
      .map(({ record, reason, overlap }) => ({ memory: view(record, scope), reason, overlap }));
  }

  private relative(file: string): string {
    return workspaceRelative(this.workspace.index.root, file);
  }
}

