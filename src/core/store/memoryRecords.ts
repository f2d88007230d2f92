import { hash } from 'node:crypto';
import { type Citation, citedFile, type MemoryKind } from '../memories/model';
import { redactSecrets, redactValues } from '../text/redact';

// Memories as stored: the records callers get, and the rows they come from (memoryStore.ts writes them).

export interface MemoryRecord {
  id: number;
  kind: MemoryKind;
  title: string;
  text: string;
  /** The file the memory is about (the first cited one), workspace-relative. */
  filePath: string | null;
  tags: string[];
  citations: Citation[];
  source: string;
  metadata: Record<string, unknown>;
  contentHash: string;
  createdAt: number;
  updatedAt: number;
  /** When retrieval last put it in a prompt (ms since epoch), and how often it has. */
  lastUsedAt: number | null;
  useCount: number;
  /** Why its cited code is not what it was when it was written, and since when; null while it is. */
  stale: { reason: string; since: number } | null;
}

export interface NewMemory {
  kind: MemoryKind;
  title: string;
  text: string;
  filePath?: string | null;
  tags?: string[];
  citations?: Citation[];
  source?: string;
  metadata?: Record<string, unknown>;
}

export type MemoryChanges = Partial<Pick<NewMemory, 'kind' | 'title' | 'text' | 'filePath' | 'tags' | 'citations' | 'metadata'>>;

/** How an import treats a memory whose content is already stored. */
export type ImportMode = 'skip-duplicates' | 'overwrite' | 'keep-both';

export interface Row {
  id: number; kind: MemoryKind; title: string; text: string; file_path: string | null; tags: string; citations: string;
  source: string; metadata: string; content_hash: string; created_at: number; updated_at: number;
  last_used_at: number | null; use_count: number; stale_reason: string | null; stale_since: number | null;
}

/** A record as an import brings it: new, with the times it had where it came from. */
export type NewMemoryRecord = NewMemory & Partial<Pick<MemoryRecord, 'createdAt' | 'updatedAt' | 'lastUsedAt' | 'useCount'>>;

export type PreparedMemory = ReturnType<typeof prepare>;

export function prepare(memory: NewMemory) {
  const title = redactSecrets(memory.title.trim());
  const text = redactSecrets(memory.text.trim());
  const citations = redactValues(memory.citations ?? []);
  const given = memory.filePath ? memory.filePath.replace(/\\/g, '/').replace(/^\.\//, '') : null;
  const filePath = given ?? citedFile(citations) ?? null;
  const metadata = JSON.stringify(redactValues(memory.metadata ?? {}));
  const contentHash = hash('sha1', [memory.kind, title, text, filePath ?? ''].join('\0')).slice(0, 16);
  return {
    kind: memory.kind, title, text, filePath, metadata, contentHash, source: memory.source ?? 'user',
    tags: JSON.stringify(redactValues(memory.tags ?? [])), citations: JSON.stringify(citations),
  };
}

export function withoutUndefined<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toRecord(row: Row): MemoryRecord {
  return {
    id: row.id, kind: row.kind, title: row.title, text: row.text, filePath: row.file_path,
    tags: JSON.parse(row.tags) as string[], citations: JSON.parse(row.citations) as Citation[], source: row.source,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>, contentHash: row.content_hash,
    createdAt: row.created_at, updatedAt: row.updated_at, lastUsedAt: row.last_used_at, useCount: row.use_count,
    stale: row.stale_reason === null ? null : { reason: row.stale_reason, since: row.stale_since ?? row.updated_at },
  };
}
