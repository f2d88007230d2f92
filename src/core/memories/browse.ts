import { type Citation, isMemoryKind, MEMORY_KIND_NAMES, MEMORY_KINDS, type MemoryKind, type MemoryScope } from './model';
import { sameCode } from './similar';
import type { MemoryView } from './views';

/**
 * Browsing memories (the Code Memory view, and anything else that lists them for people): a filter typed as one
 * line, groups by kind and then by tag or file, and memories that may disagree about the same code.
 */

/** A memory of one workspace folder (named when several are open), or a personal one. */
export type BrowsedMemory = MemoryView & { folder?: string };

export interface BrowseFilter {
  text?: string;
  kinds?: MemoryKind[];
  tags?: string[];
  scope?: MemoryScope;
  /** Only memories that cite the same code as another and say something else. */
  conflicting?: boolean;
  /** Only memories whose cited code changed since they were written. */
  stale?: boolean;
}

export const FILTER_HELP = 'words, kind:debugging, tag:billing, scope:personal or scope:workspace, is:conflicting, is:stale';

/** `kind:debugging tag:billing rounding` → a filter; an unknown key or kind is a one-line problem. */
export function parseBrowseFilter(line: string): { filter: BrowseFilter } | { problem: string } {
  const filter: BrowseFilter = {};
  const words: string[] = [];
  for (const token of line.trim().split(/\s+/).filter(Boolean)) {
    const match = /^(kind|tag|scope|is):(.*)$/i.exec(token);
    if (!match) {
      words.push(token);
      continue;
    }
    const [, key, value] = [match[0], match[1].toLowerCase(), match[2].trim()];
    if (!value) return { problem: `${key}: needs a value (${FILTER_HELP})` };
    if (key === 'kind') {
      if (!isMemoryKind(value)) return { problem: `kind:${value} is not a kind; kinds: ${MEMORY_KIND_NAMES.join(', ')}` };
      (filter.kinds ??= []).push(value);
    } else if (key === 'tag') {
      (filter.tags ??= []).push(value.toLowerCase());
    } else if (key === 'scope') {
      if (value !== 'personal' && value !== 'workspace') return { problem: `scope:${value}: say scope:personal or scope:workspace` };
      filter.scope = value;
    } else {
      if (value !== 'conflicting' && value !== 'stale') return { problem: `is:${value}: say is:conflicting or is:stale` };
      filter[value] = true;
    }
  }
  if (words.length) filter.text = words.join(' ');
  return { filter };
}

/** The filter as the line that gives it (shown in the view and offered for editing). */
export function describeBrowseFilter(filter: BrowseFilter): string {
  return [
    ...(filter.kinds ?? []).map((k) => `kind:${k}`), ...(filter.tags ?? []).map((t) => `tag:${t}`),
    ...(filter.scope ? [`scope:${filter.scope}`] : []), ...(filter.conflicting ? ['is:conflicting'] : []),
    ...(filter.stale ? ['is:stale'] : []), ...(filter.text ? [filter.text] : []),
  ].join(' ');
}

/**
 * For each memory that cites code another memory also cites (the same entity, or overlapping lines) and is not the
 * same statement, the ids of those others: they may disagree, and nobody notices unless they are shown together.
 * Whole-file citations do not count here: two notes written with the same file open need not be about one thing.
 */
export function conflictsAmong(memories: readonly BrowsedMemory[]): Map<string, string[]> {
  const key = (m: BrowsedMemory) => `${m.folder ?? ''}\0${m.id}`;
  const byTarget = new Map<string, BrowsedMemory[]>();
  for (const memory of memories) {
    // A whole file is cited by anything written while it was open: only lines or an entity say "this code".
    for (const citation of memory.citations.filter(precise)) {
      const target = 'entity' in citation ? `entity\0${citation.entity}` : `file\0${citation.file}`;
      const group = byTarget.get(target) ?? [];
      if (!group.includes(memory)) group.push(memory);
      byTarget.set(target, group);
    }
  }
  const conflicts = new Map<string, Set<string>>();
  for (const group of byTarget.values()) {
    for (const a of group) {
      for (const b of group) {
        if (a === b || a.folder !== b.folder || a.content.trim() === b.content.trim()) continue;
        if (!a.citations.filter(precise).some((ca) => b.citations.filter(precise).some((cb) => sameCode(ca, cb)))) continue;
        conflicts.set(key(a), (conflicts.get(key(a)) ?? new Set()).add(b.id));
      }
    }
  }
  return new Map([...conflicts].map(([k, ids]) => [k, [...ids].sort()]));
}

function precise(citation: Citation): boolean {
  return 'entity' in citation || citation.startLine !== undefined;
}

/** Whether a memory passes the filter (`conflicts`: from conflictsAmong). */
export function admits(filter: BrowseFilter, memory: BrowsedMemory, conflicts: ReadonlyMap<string, string[]>): boolean {
  if (filter.kinds?.length && !filter.kinds.includes(memory.kind)) return false;
  if (filter.tags?.length && !filter.tags.every((t) => memory.tags.includes(t))) return false;
  if (filter.scope && memory.scope !== filter.scope) return false;
  if (filter.conflicting && !conflicts.has(`${memory.folder ?? ''}\0${memory.id}`)) return false;
  if (filter.stale && !memory.stale) return false;
  if (filter.text) {
    const haystack = `${memory.title}\n${memory.content}\n${memory.tags.join(' ')}\n${memory.origin ?? ''}`.toLowerCase();
    if (!filter.text.toLowerCase().split(/\s+/).every((word) => haystack.includes(word))) return false;
  }
  return true;
}

export type GroupBy = 'tag' | 'file';

export interface MemoryGroup {
  /** `kind:debugging`, then `tag:billing` or `file:src/app.ts` under it. */
  key: string;
  label: string;
  /** Memories in the group and its subgroups (a memory with two tags is counted once). */
  count: number;
  groups: MemoryGroup[];
  /** Memories directly in the group (under a kind: those without a tag or file). */
  memories: BrowsedMemory[];
}

/**
 * Kind groups in the table's order (empty kinds left out), each split by tag or by cited file; a memory with two
 * tags is under both. Newest change first everywhere.
 */
export function groupMemories(memories: readonly BrowsedMemory[], by: GroupBy): MemoryGroup[] {
  const newest = (a: BrowsedMemory, b: BrowsedMemory) => b.updated.localeCompare(a.updated) || a.id.localeCompare(b.id);
  return MEMORY_KIND_NAMES.flatMap((kind) => {
    const mine = memories.filter((m) => m.kind === kind).sort(newest);
    if (!mine.length) return [];
    const sub = new Map<string, BrowsedMemory[]>();
    const loose: BrowsedMemory[] = [];
    for (const memory of mine) {
      const keys = by === 'tag' ? memory.tags : [...new Set(memory.citations.flatMap((c) => (c.file ? [c.file] : [])))];
      if (!keys.length) loose.push(memory);
      for (const k of keys) sub.set(k, [...(sub.get(k) ?? []), memory]);
    }
    const groups = [...sub].sort(([a], [b]) => a.localeCompare(b)).map(([k, list]): MemoryGroup => ({
      key: `kind:${kind}/${by}:${k}`, label: by === 'tag' ? `#${k}` : k, count: list.length, groups: [], memories: list,
    }));
    return [{ key: `kind:${kind}`, label: MEMORY_KINDS[kind].label, count: mine.length, groups, memories: loose }];
  });
}
