import type { MemoryRecord, NewMemory } from '../store/memoryStore';
import { InputError } from '../workspaceIndex';
import { type Citation, FILE_SOURCES, MAX_TEXT_CHARS, MAX_TITLE_CHARS, type MemoryKind, type MemoryScope, normalizeCitation, normalizeTags, plainCitation } from './model';
import type { SimilarReason } from './similar';

/** A memory as every front end shows it. Ids: `mem:<n>` in the workspace, `personal:<n>` in the user's own store. */
export interface MemoryView {
  id: string;
  scope: MemoryScope;
  kind: MemoryKind;
  title: string;
  content: string;
  tags: string[];
  citations: Citation[];
  source: string;
  /** ISO 8601 times. */
  created: string;
  updated: string;
  lastUsed?: string;
  useCount: number;
  /** The file an instruction-file or team-note memory comes from: change it there. */
  origin?: string;
  /** Why its cited code is not what it was when it was written (memories/citations.ts); absent while it is. */
  stale?: string;
}

export interface SimilarView {
  memory: MemoryView;
  reason: SimilarReason;
  overlap: number;
}

/** `mem:12` → workspace 12; `personal:3` → personal 3; anything else is an InputError that shows the forms. */
export function parseId(id: string): { scope: MemoryScope; number: number } {
  const match = /^(mem|personal):(\d+)$/.exec(id.trim());
  if (match) return { scope: match[1] === 'mem' ? 'workspace' : 'personal', number: Number(match[2]) };
  if (/^code:\d+$/.test(id.trim())) throw new InputError(`${id} is code: it changes with its source file, not through memories`);
  throw new InputError(`not a memory id: ${id} (expected mem:<number> or personal:<number>)`);
}

/** A memory's id as callers see it: `mem:N` in the workspace, `personal:N` in the personal memories. */
export function memoryId(scope: MemoryScope, number: number): string {
  return `${scope === 'personal' ? 'personal' : 'mem'}:${number}`;
}

export function view(record: MemoryRecord, scope: MemoryScope): MemoryView {
  return {
    id: memoryId(scope, record.id), scope, kind: record.kind, title: record.title, content: record.text,
    tags: record.tags, citations: record.citations.map(plainCitation), source: record.source, created: new Date(record.createdAt).toISOString(),
    updated: new Date(record.updatedAt).toISOString(), lastUsed: record.lastUsedAt ? new Date(record.lastUsedAt).toISOString() : undefined,
    useCount: record.useCount, origin: typeof record.metadata.origin === 'string' ? record.metadata.origin : undefined,
    ...(record.stale ? { stale: record.stale.reason } : {}),
  };
}


/** A memory as a caller gave it, checked and normalised (citations through `relative`); an InputError says what is wrong. */
export function checkedMemory(memory: { kind: MemoryKind; title: string; text: string; tags?: unknown[]; citations?: unknown[] },
  relative: (file: string) => string): NewMemory {
  if (typeof memory.text !== 'string' || typeof memory.title !== 'string') throw new InputError('title and content must be text');
  if (!memory.text.trim() && !memory.title.trim()) throw new InputError('a memory needs some content');
  if (memory.title.length > MAX_TITLE_CHARS) throw new InputError(`a title takes at most ${MAX_TITLE_CHARS} characters`);
  if (memory.text.length > MAX_TEXT_CHARS) throw new InputError(`a memory takes at most ${MAX_TEXT_CHARS} characters`);
  if (memory.tags !== undefined && !Array.isArray(memory.tags)) throw new InputError('tags must be a list of words');
  if (memory.citations !== undefined && !Array.isArray(memory.citations)) throw new InputError('citations must be a list');
  try {
    const citations = (memory.citations ?? []).map((c) => normalizeCitation(c, relative));
    return { kind: memory.kind, title: memory.title.trim() || firstLine(memory.text), text: memory.text, tags: normalizeTags(memory.tags), citations };
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

/** The error a debugging session recorded: its metadata's, or the `Error:` line of its text. */
export function recordedError(text: string, metadata: Record<string, unknown>): string | undefined {
  if (typeof metadata.error === 'string' && metadata.error.trim()) return metadata.error;
  return /^Error: (.+)$/m.exec(text)?.[1]?.trim() || undefined;
}

/** A title from text: its first line, cut to a readable length. */
export function firstLine(text: string): string {
  const line = text.trim().split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** Memories of instruction files and team notes follow their files: they are changed by editing the file. */
export function refuseFileMemory(record: MemoryRecord, id: string): void {
  if (FILE_SOURCES.has(record.source)) {
    throw new InputError(`${id} comes from ${String(record.metadata.origin ?? 'a file')}: edit that file to change it`);
  }
}
