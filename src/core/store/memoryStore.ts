import * as fs from 'node:fs';
import type { Database } from './driver';
import { type Citation, describeCitation, type MemoryKind, MEMORY_KIND_NAMES } from '../memories/model';
import { filterClause, type MemoryFilter } from './memoryFilter';
import { type ImportMode, type MemoryChanges, type MemoryRecord, type NewMemory, type NewMemoryRecord, type PreparedMemory, prepare, type Row,
  toRecord, withoutUndefined } from './memoryRecords';
import { indexableText, pathWords } from '../text/identifiers';
import { sqliteCode, writeIfFree } from './database';

export type { MemoryKind } from '../memories/model';
export type { MemoryFilter } from './memoryFilter';
export type { ImportMode, MemoryChanges, MemoryRecord, NewMemory, NewMemoryRecord } from './memoryRecords';

/** The format of backups and exports (memories/exchange.ts reads both versions). */
export const MEMORY_FILE_VERSION = 2;

/** Where the copy of a database's memories is kept; undefined for an in-memory database. */
export function memoryBackupPath(dbFile: string): string | undefined {
  return dbFile && dbFile !== ':memory:' ? `${dbFile}.memories.json` : undefined;
}

/** How long a memory write keeps trying for the lock (each try waits out the busy timeout, 5 s). */
const MEMORY_WRITE_PATIENCE_MS = 30_000;


/** Stores memories and keeps their full-text rows in step. Secrets are redacted before anything is written. */
export class MemoryStore {
  private readonly s;
  /**
   * Gives written citations the anchor of the code they cite (memories/citations.ts); set by a workspace's
   * system. A citation the memory already had keeps its anchor, so an edit does not hide that its code changed.
   */
  anchorCitations: ((citations: Citation[]) => Citation[]) | undefined;

  constructor(private readonly db: Database) {
    const p = (sql: string) => db.prepare(sql);
    const columns = 'kind, title, text, file_path, tags, citations, source, metadata, content_hash';
    const values = '@kind, @title, @text, @filePath, @tags, @citations, @source, @metadata, @contentHash';
    this.s = {
      changes: p('SELECT total_changes()').pluck(),
      fingerprint: p(`SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(updated_at), 0) || ':' ||
                      coalesce(sum(stale_since), 0) FROM memories`).pluck(),
      insert: p(`INSERT INTO memories (${columns}, created_at, updated_at, last_used_at, use_count)
                 VALUES (${values}, @createdAt, @updatedAt, @lastUsedAt, @useCount)`),
      update: p(`UPDATE memories SET kind = @kind, title = @title, text = @text, file_path = @filePath, tags = @tags,
                 citations = @citations, metadata = @metadata, content_hash = @contentHash, updated_at = @updatedAt WHERE id = @id`),
      get: p('SELECT * FROM memories WHERE id = ?'),
      delete: p('DELETE FROM memories WHERE id = ?'),
      restore: p(`INSERT INTO memories (id, ${columns}, created_at, updated_at, last_used_at, use_count)
                  VALUES (@id, ${values}, @createdAt, @updatedAt, @lastUsedAt, @useCount)`),
      insertFts: p('INSERT INTO memories_fts (rowid, title, body, path) VALUES (?, ?, ?, ?)'),
      deleteFts: p('DELETE FROM memories_fts WHERE rowid = ?'),
      byFiles: p('SELECT * FROM memories WHERE file_path IN (SELECT value FROM json_each(?)) ORDER BY updated_at DESC LIMIT ?'),
      byHash: p('SELECT * FROM memories WHERE content_hash = ? ORDER BY id'),
      countByKind: p('SELECT kind, count(*) AS n FROM memories GROUP BY kind'),
      all: p('SELECT * FROM memories ORDER BY id'),
      used: p('UPDATE memories SET last_used_at = ?, use_count = use_count + 1 WHERE id IN (SELECT value FROM json_each(?))'),
      // A text search of the citations' JSON, not a parse of every row: a save checks this on every memory (a path
      // that is part of another is a harmless extra; a memory partly anchored is caught by the next full check).
      citing: p(`SELECT * FROM memories WHERE citations <> '[]' AND (@paths IS NULL OR stale_reason IS NOT NULL
                   OR instr(citations, '"fileHash"') = 0
                   OR EXISTS (SELECT 1 FROM json_each(@paths) p WHERE instr(memories.citations, json_quote(p.value)) > 0))
                 ORDER BY id`),
      checked: p(`UPDATE memories SET citations = @citations, file_path = @filePath, content_hash = @contentHash,
                    stale_reason = @staleReason, stale_since = @staleSince WHERE id = @id`),
    };
  }

  add(memory: NewMemory): number {
    const row = prepare(this.anchored(memory, []));
    return this.write(() => this.insert(row, Date.now()));
  }

  get(id: number): MemoryRecord | undefined {
    const row = this.s.get.get(id) as Row | undefined;
    return row && toRecord(row);
  }

  /** Memories whose content (kind, title, text, file) is exactly this one's. */
  sameContent(memory: NewMemory): MemoryRecord[] {
    return (this.s.byHash.all(prepare(memory).contentHash) as Row[]).map(toRecord);
  }

  /** Replaces the given fields; returns false when there is no such memory. */
  update(id: number, changes: MemoryChanges): boolean {
    return this.write(() => {
      const current = this.get(id);
      if (!current) return false;
      const row = prepare(this.anchored({ ...current, ...withoutUndefined(changes), source: current.source }, current.citations));
      this.s.update.run({ ...row, id, updatedAt: Date.now() });
      this.s.deleteFts.run(id);
      this.indexText(id, row);
      return true;
    });
  }

  /**
   * Deletes a memory if it is still the version the caller saw (`updatedAt`, when given). Returns what was
   * deleted, so it can be restored; `changed` when it was edited since.
   */
  delete(id: number, updatedAt?: number): MemoryRecord | 'missing' | 'changed' {
    return this.write(() => {
      const current = this.get(id);
      if (!current) return 'missing';
      if (updatedAt !== undefined && current.updatedAt !== updatedAt) return 'changed';
      this.s.delete.run(id);
      this.s.deleteFts.run(id);
      return current;
    });
  }

  /**
   * Deletes these memories in one transaction; one given with the `updatedAt` the caller saw is kept if it has
   * changed since. Returns the ids of those deleted and of those kept as changed.
   */
  deleteMany(items: readonly (number | { id: number; updatedAt: number })[]): { deleted: number[]; changed: number[] } {
    return this.write(() => {
      const outcome = { deleted: [] as number[], changed: [] as number[] };
      for (const item of items) {
        const [id, seen] = typeof item === 'number' ? [item, undefined] : [item.id, item.updatedAt];
        if (seen !== undefined && this.get(id)?.updatedAt !== seen) {
          if (this.get(id)) outcome.changed.push(id);
          continue;
        }
        if (!this.s.delete.run(id).changes) continue;
        this.s.deleteFts.run(id);
        outcome.deleted.push(id);
      }
      return outcome;
    });
  }

  /** Puts a deleted memory back under its own id (ids are never handed out twice, so it is still free). */
  restore(memory: MemoryRecord): boolean {
    return this.write(() => {
      if (this.get(memory.id)) return false;
      const row = prepare(memory);
      this.s.restore.run({ ...row, id: memory.id, createdAt: memory.createdAt, updatedAt: memory.updatedAt,
        lastUsedAt: memory.lastUsedAt ?? null, useCount: memory.useCount ?? 0 });
      this.indexText(memory.id, row);
      return true;
    });
  }

  /**
   * Notes that retrieval put these memories in a prompt. Best effort, and never waiting: while another process
   * holds the write lock, the count is skipped rather than the answer delayed.
   */
  markUsed(ids: readonly number[], at = Date.now()): void {
    if (ids.length) writeIfFree(this.db, () => this.s.used.run(at, JSON.stringify(ids)));
  }

  /** Several reads and writes as one write transaction (another process sees all of them or none). */
  transact<T>(work: () => T): T {
    return this.write(work);
  }

  /**
   * One write transaction, tried again while another process (an index run, another window) holds the lock
   * past the busy timeout: a memory is what the user asked to keep, so it waits rather than fails.
   */
  private write<T>(work: () => T, backUp = true): T {
    const deadline = Date.now() + MEMORY_WRITE_PATIENCE_MS;
    for (;;) {
      try {
        const before = this.s.changes.get();
        const result = this.db.transaction(work).immediate();
        // A write that changed nothing (a knowledge sync of unchanged files, say) leaves the copy as it is.
        if (backUp && this.s.changes.get() !== before) this.backUp();
        return result;
      } catch (error) {
        if (sqliteCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      }
    }
  }

  /** Every memory, oldest first. */
  all(): MemoryRecord[] {
    return (this.s.all.all() as Row[]).map(toRecord);
  }

  /** The memories a filter admits, newest change first (or in the order of `filter.ids`), one page of them. */
  list(filter: MemoryFilter, page: { offset?: number; limit?: number } = {}): { memories: MemoryRecord[]; total: number } {
    const { clause, params } = filterClause(filter);
    const rows = this.db.prepare(`SELECT * FROM memories ${clause} ORDER BY updated_at DESC, id DESC`).all(...params) as Row[];
    if (filter.ids) {
      const order = new Map(filter.ids.map((id, i) => [id, i]));
      rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    }
    const offset = page.offset ?? 0;
    return { memories: rows.slice(offset, offset + (page.limit ?? rows.length)).map(toRecord), total: rows.length };
  }

  /**
   * Writes records from a backup or an export in one transaction. A record whose content is already stored is
   * skipped, replaces the stored one (`overwrite`: under its id, keeping its creation time), or is added anyway.
   */
  importRecords(records: readonly NewMemoryRecord[], mode: ImportMode = 'skip-duplicates'): { added: number; replaced: number; skipped: number } {
    return this.write(() => {
      const counts = { added: 0, replaced: 0, skipped: 0 };
      for (const record of records) {
        const row = prepare(record);
        const existing = mode === 'keep-both' ? undefined : (this.s.byHash.get(row.contentHash) as Row | undefined);
        if (existing && mode === 'skip-duplicates') {
          counts.skipped++;
        } else if (existing) {
          this.s.update.run({ ...row, id: existing.id, updatedAt: record.updatedAt ?? Date.now() });
          this.s.deleteFts.run(existing.id);
          this.indexText(existing.id, row);
          counts.replaced++;
        } else {
          this.insert(row, record.updatedAt ?? Date.now(), record);
          counts.added++;
        }
      }
      return counts;
    });
  }

  /**
   * Keeps a copy of every memory beside the database (user-only, replaced atomically): code can be indexed
   * again, but a damaged database must not take what the user asked to remember with it.
   */
  private backUp(): void {
    const file = memoryBackupPath(this.db.name);
    if (!file) return;
    try {
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify({ version: MEMORY_FILE_VERSION, memories: this.all() }), { mode: 0o600 });
      fs.renameSync(temporary, file);
    } catch {
      // The memory is stored; only its copy is not current. The next write tries again.
    }
  }

  /** Citations kept from `previous` keep their anchors; new ones get one now. */
  private anchored(memory: NewMemory, previous: readonly Citation[]): NewMemory {
    if (!memory.citations?.length) return memory;
    const kept = new Map(previous.map((citation) => [describeCitation(citation), citation]));
    const citations = memory.citations.map((citation) => (citation.fileHash ? citation : kept.get(describeCitation(citation)) ?? citation));
    return { ...memory, citations: this.anchorCitations?.(citations) ?? citations };
  }

  private insert(row: PreparedMemory, updatedAt: number, times: Partial<Pick<MemoryRecord, 'createdAt' | 'lastUsedAt' | 'useCount'>> = {}): number {
    const id = Number(this.s.insert.run({
      ...row, createdAt: times.createdAt ?? updatedAt, updatedAt, lastUsedAt: times.lastUsedAt ?? null, useCount: times.useCount ?? 0,
    }).lastInsertRowid);
    this.indexText(id, row);
    return id;
  }

  /** Tags search like title words: a tag says what the memory is about. */
  private indexText(id: number, memory: PreparedMemory): void {
    const tags = (JSON.parse(memory.tags) as string[]).join(' ');
    this.s.insertFts.run(id, indexableText(`${memory.title} ${tags}`), indexableText(memory.text), memory.filePath ? pathWords(memory.filePath) : '');
  }

  /** Memories about any of these files, newest first. */
  aboutFiles(paths: readonly string[], limit: number): MemoryRecord[] {
    if (!paths.length) return [];
    return (this.s.byFiles.all(JSON.stringify(paths), limit) as Row[]).map(toRecord);
  }

  /**
   * Memories whose citations need a look after these workspace-relative files changed (all that cite code, when
   * undefined): those citing them, those stale (their code may be back, or moved here), those never anchored.
   */
  citing(paths?: readonly string[]): MemoryRecord[] {
    return (this.s.citing.all({ paths: paths ? JSON.stringify(paths) : null }) as Row[]).map(toRecord);
  }

  /**
   * Writes what checking citations found, in one transaction; a memory edited since it was read is left for the
   * next check. Not a change of the memory: its update time stays. Returns how many were written.
   */
  recordChecks(checks: readonly { memory: MemoryRecord; citations: Citation[]; stale: string | undefined }[], now = Date.now()): number {
    if (!checks.length) return 0;
    // Not copied to the backup: a check can be made again, and copying every memory on each save would cost more.
    return this.write(() => {
      let written = 0;
      for (const { memory, citations, stale } of checks) {
        if (this.get(memory.id)?.updatedAt !== memory.updatedAt) continue;
        const row = prepare({ ...memory, citations, filePath: undefined });
        const since = stale === undefined ? null : stale === memory.stale?.reason ? memory.stale.since : now;
        written += Number(this.s.checked.run({ id: memory.id, citations: row.citations, filePath: row.filePath, contentHash: row.contentHash,
          staleReason: stale ?? null, staleSince: since }).changes);
        // Followed to another file: its path words are searched too.
        if (row.filePath !== memory.filePath) {
          this.s.deleteFts.run(memory.id);
          this.indexText(memory.id, row);
        }
      }
      return written;
    }, false);
  }

  /** Changes when any memory is added, changed or removed, by this process or another (one aggregate). */
  fingerprint(): string {
    return String(this.s.fingerprint.get());
  }

  countByKind(): Record<MemoryKind, number> {
    const counts = Object.fromEntries(MEMORY_KIND_NAMES.map((k) => [k, 0])) as Record<MemoryKind, number>;
    for (const { kind, n } of this.s.countByKind.all() as { kind: MemoryKind; n: number }[]) counts[kind] = n;
    return counts;
  }
}
