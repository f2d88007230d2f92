import { hash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Database } from './driver';
import { indexableText, pathWords } from '../text/identifiers';
import { redactSecrets, redactValues } from '../text/redact';
import { sqliteCode } from './database';

const BACKUP_VERSION = 1;

/** Where the copy of a database's memories is kept; undefined for an in-memory database. */
export function memoryBackupPath(dbFile: string): string | undefined {
  return dbFile && dbFile !== ':memory:' ? `${dbFile}.memories.json` : undefined;
}

/** The memories in a backup file (see MemoryStore.backUp); a file that is not one is a clear error. */
export function readMemoryBackup(file: string): MemoryRecord[] {
  let parsed: { version?: unknown; memories?: unknown } | undefined;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof parsed;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code ? `cannot read ${file}: ${code}` : `${file} is not a Code Memory backup (not JSON)`);
  }
  const memories = parsed?.version === BACKUP_VERSION && Array.isArray(parsed.memories) ? parsed.memories : undefined;
  const valid = memories?.every((m: Partial<MemoryRecord>) =>
    (m.kind === 'documentation' || m.kind === 'debugging' || m.kind === 'note') && typeof m.text === 'string' && typeof m.title === 'string');
  if (!memories || !valid) throw new Error(`${file} is not a Code Memory backup`);
  return memories as MemoryRecord[];
}

/** How long a memory write keeps trying for the lock (each try waits out the busy timeout, 5 s). */
const MEMORY_WRITE_PATIENCE_MS = 30_000;

/** Memories that are not code: what the user documented, debugged or asked to remember. */
export type MemoryKind = 'documentation' | 'debugging' | 'note';

export interface MemoryRecord {
  id: number;
  kind: MemoryKind;
  title: string;
  text: string;
  filePath: string | null;
  metadata: Record<string, unknown>;
  contentHash: string;
  createdAt: number;
  updatedAt: number;
}

export interface NewMemory {
  kind: MemoryKind;
  title: string;
  text: string;
  filePath?: string | null;
  metadata?: Record<string, unknown>;
}

interface Row {
  id: number;
  kind: MemoryKind;
  title: string;
  text: string;
  file_path: string | null;
  metadata: string;
  content_hash: string;
  created_at: number;
  updated_at: number;
}

/** Stores memories and keeps their full-text rows in step. Secrets are redacted before anything is written. */
export class MemoryStore {
  private readonly s;

  constructor(private readonly db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert: p(`INSERT INTO memories (kind, title, text, file_path, metadata, content_hash, created_at, updated_at)
                 VALUES (@kind, @title, @text, @filePath, @metadata, @contentHash, @now, @now)`),
      update: p(`UPDATE memories SET title = @title, text = @text, file_path = @filePath, metadata = @metadata,
                 content_hash = @contentHash, updated_at = @now WHERE id = @id`),
      get: p('SELECT * FROM memories WHERE id = ?'),
      delete: p('DELETE FROM memories WHERE id = ?'),
      restore: p(`INSERT INTO memories (id, kind, title, text, file_path, metadata, content_hash, created_at, updated_at)
                  VALUES (@id, @kind, @title, @text, @filePath, @metadata, @contentHash, @createdAt, @updatedAt)`),
      insertFts: p('INSERT INTO memories_fts (rowid, title, body, path) VALUES (?, ?, ?, ?)'),
      deleteFts: p('DELETE FROM memories_fts WHERE rowid = ?'),
      byFiles: p('SELECT * FROM memories WHERE file_path IN (SELECT value FROM json_each(?)) ORDER BY updated_at DESC LIMIT ?'),
      countByKind: p('SELECT kind, count(*) AS n FROM memories GROUP BY kind'),
      all: p('SELECT * FROM memories ORDER BY id'),
      hashes: p('SELECT content_hash FROM memories').pluck(),
    };
  }

  add(memory: NewMemory): number {
    const row = prepare(memory);
    return this.write(() => {
      const id = Number(this.s.insert.run({ ...row, now: Date.now() }).lastInsertRowid);
      this.indexText(id, row);
      return id;
    });
  }

  get(id: number): MemoryRecord | undefined {
    const row = this.s.get.get(id) as Row | undefined;
    return row && toRecord(row);
  }

  /** Replaces the given fields; returns false when there is no such memory. */
  update(id: number, changes: Partial<Pick<NewMemory, 'title' | 'text' | 'filePath' | 'metadata'>>): boolean {
    return this.write(() => {
      const current = this.get(id);
      if (!current) return false;
      const row = prepare({
        kind: current.kind,
        title: changes.title ?? current.title,
        text: changes.text ?? current.text,
        filePath: changes.filePath === undefined ? current.filePath : changes.filePath,
        metadata: changes.metadata ?? current.metadata,
      });
      this.s.update.run({ ...row, id, now: Date.now() });
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

  /** Puts a deleted memory back under its own id (ids are never handed out twice, so it is still free). */
  restore(memory: MemoryRecord): boolean {
    return this.write(() => {
      if (this.get(memory.id)) return false;
      const row = { ...memory, metadata: JSON.stringify(memory.metadata) };
      this.s.restore.run(row);
      this.indexText(memory.id, memory);
      return true;
    });
  }

  /**
   * One write transaction, tried again while another process (an index run, another window) holds the lock
   * past the busy timeout: a memory is what the user asked to keep, so it waits rather than fails.
   */
  private write<T>(work: () => T): T {
    const deadline = Date.now() + MEMORY_WRITE_PATIENCE_MS;
    for (;;) {
      try {
        const result = this.db.transaction(work).immediate();
        this.backUp();
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

  /** Adds the memories this store does not hold yet (by content); returns how many were added. */
  importRecords(records: readonly MemoryRecord[]): number {
    return this.write(() => {
      const known = new Set(this.s.hashes.all() as string[]);
      let added = 0;
      for (const record of records) {
        const row = prepare(record);
        if (known.has(row.contentHash)) continue;
        known.add(row.contentHash);
        const id = Number(this.s.insert.run({ ...row, now: record.updatedAt || Date.now() }).lastInsertRowid);
        this.indexText(id, row);
        added++;
      }
      return added;
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
      fs.writeFileSync(temporary, JSON.stringify({ version: BACKUP_VERSION, memories: this.all() }), { mode: 0o600 });
      fs.renameSync(temporary, file);
    } catch {
      // The memory is stored; only its copy is not current. The next write tries again.
    }
  }

  private indexText(id: number, memory: { title: string; text: string; filePath: string | null }): void {
    this.s.insertFts.run(id, indexableText(memory.title), indexableText(memory.text), memory.filePath ? pathWords(memory.filePath) : '');
  }

  /** Memories about any of these files, newest first. */
  aboutFiles(paths: readonly string[], limit: number): MemoryRecord[] {
    if (!paths.length) return [];
    return (this.s.byFiles.all(JSON.stringify(paths), limit) as Row[]).map(toRecord);
  }

  countByKind(): Record<MemoryKind, number> {
    const counts: Record<MemoryKind, number> = { documentation: 0, debugging: 0, note: 0 };
    for (const { kind, n } of this.s.countByKind.all() as { kind: MemoryKind; n: number }[]) counts[kind] = n;
    return counts;
  }
}

function prepare(memory: NewMemory) {
  const title = redactSecrets(memory.title.trim());
  const text = redactSecrets(memory.text.trim());
  const filePath = memory.filePath ? memory.filePath.replace(/\\/g, '/').replace(/^\.\//, '') : null;
  const metadata = JSON.stringify(redactValues(memory.metadata ?? {}));
  const contentHash = hash('sha1', [memory.kind, title, text, filePath ?? ''].join('\0')).slice(0, 16);
  return { kind: memory.kind, title, text, filePath, metadata, contentHash };
}

function toRecord(row: Row): MemoryRecord {
  return {
    id: row.id, kind: row.kind, title: row.title, text: row.text, filePath: row.file_path,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>, contentHash: row.content_hash,
    createdAt: row.created_at, updatedAt: row.updated_at,
  };
}
