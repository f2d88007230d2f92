import type Database from 'better-sqlite3';
import type { FileExtraction, LanguageId } from '../types';
import { pathWords } from '../text/identifiers';
import type { EntitySearchText } from '../search/searchText';

export interface FileRow {
  id: number;
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
}

/** A parsed file ready to be written. */
export interface FileUpdate {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
  language: LanguageId;
  extraction: FileExtraction;
  /** Full-text columns, one per entity, in the same order. */
  searchTexts: EntitySearchText[];
}

/** What a write changed, so resolution can revisit only the affected calls. */
export interface WriteEffects {
  /** Names of entities that appeared or disappeared: calls to these names may now resolve differently. */
  names: Set<string>;
  /** Files whose calls were rewritten: their calls need resolving. */
  files: Set<number>;
  /** Files whose import list changed: their imports need resolving (and then their calls). */
  importFiles: Set<number>;
  /** True when files appeared or disappeared: import paths may now resolve differently. */
  fileSetChanged: boolean;
}

export function emptyEffects(): WriteEffects {
  return { names: new Set(), files: new Set(), importFiles: new Set(), fileSetChanged: false };
}

interface EntityRow {
  id: number;
  parent_id: number | null;
  kind: string;
  qualified_name: string;
  name: string;
  signature: string;
  doc: string;
  start_line: number;
  end_line: number;
  content_hash: string;
}

/**
 * All SQL of the code index. Writes are diffs: an unchanged entity keeps its row and id, so re-indexing
 * an edited file touches only what the edit changed.
 */
export class CodeStore {
  private readonly s;

  constructor(readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      allFiles: p('SELECT id, path, hash, size, mtime_ms AS mtimeMs FROM files'),
      fileByPath: p('SELECT id, path, hash, size, mtime_ms AS mtimeMs FROM files WHERE path = ?'),
      insertFile: p(`INSERT INTO files (path, hash, size, mtime_ms, language, has_errors, indexed_at)
                     VALUES (@path, @hash, @size, @mtimeMs, @language, @hasErrors, @now)`),
      updateFile: p(`UPDATE files SET hash = @hash, size = @size, mtime_ms = @mtimeMs, language = @language,
                     has_errors = @hasErrors, indexed_at = @now WHERE id = @id`),
      touchFile: p('UPDATE files SET size = ?, mtime_ms = ? WHERE id = ?'),
      deleteFile: p('DELETE FROM files WHERE id = ?'),
      entitiesOfFile: p(`SELECT id, parent_id, kind, qualified_name, name, signature, doc, start_line, end_line,
                         content_hash FROM entities WHERE file_id = ? ORDER BY id`),
      entityIdsAndNamesOfFile: p('SELECT id, name FROM entities WHERE file_id = ?'),
      insertEntity: p(`INSERT INTO entities (file_id, parent_id, kind, name, qualified_name, signature, doc,
                       start_line, end_line, content_hash)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      updateEntity: p(`UPDATE entities SET parent_id = ?, signature = ?, doc = ?, start_line = ?, end_line = ?,
                       content_hash = ? WHERE id = ?`),
      deleteEntity: p('DELETE FROM entities WHERE id = ?'),
      insertFts: p('INSERT INTO entities_fts (rowid, name, scope, path, body) VALUES (?, ?, ?, ?, ?)'),
      deleteFts: p('DELETE FROM entities_fts WHERE rowid = ?'),
      deleteCalls: p('DELETE FROM calls WHERE entity_id = ?'),
      insertCall: p('INSERT INTO calls (entity_id, name) VALUES (?, ?)'),
      importsOfFile: p('SELECT module FROM imports WHERE file_id = ?'),
      deleteImports: p('DELETE FROM imports WHERE file_id = ?'),
      insertImport: p('INSERT INTO imports (file_id, module) VALUES (?, ?)'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      deleteMeta: p('DELETE FROM meta WHERE key = ?'),
      totalChanges: p('SELECT total_changes() AS n'),
    };
  }

  files(): FileRow[] {
    return this.s.allFiles.all() as FileRow[];
  }

  file(relativePath: string): FileRow | undefined {
    return this.s.fileByPath.get(relativePath) as FileRow | undefined;
  }

  /** Records a new size/mtime for a file whose content hash did not change. */
  touchFile(id: number, size: number, mtimeMs: number): void {
    this.s.touchFile.run(size, mtimeMs, id);
  }

  /** Writes one parsed file as a diff against what is stored. Call inside a transaction. */
  writeFile(update: FileUpdate, effects: WriteEffects): void {
    const now = Date.now();
    const existing = this.file(update.path);
    const row = { ...update, hasErrors: update.extraction.hasErrors ? 1 : 0, now };
    let fileId: number;
    if (existing) {
      fileId = existing.id;
      this.s.updateFile.run({ ...row, id: fileId });
    } else {
      fileId = Number(this.s.insertFile.run(row).lastInsertRowid);
      effects.fileSetChanged = true;
    }
    // A new file has nothing stored to diff against: skip the lookups (most of a cold index).
    this.writeEntities(fileId, update, existing !== undefined, effects);
    this.writeImports(fileId, update.extraction.imports, existing !== undefined, effects);
  }

  /** Removes a file and everything extracted from it. Call inside a transaction. */
  deleteFile(id: number, effects: WriteEffects): void {
    for (const { id: entityId, name } of this.s.entityIdsAndNamesOfFile.all(id) as { id: number; name: string }[]) {
      this.s.deleteFts.run(entityId);
      effects.names.add(name);
    }
    this.s.deleteFile.run(id);
    effects.fileSetChanged = true;
  }

  private writeEntities(fileId: number, update: FileUpdate, hadRows: boolean, effects: WriteEffects): void {
    const { entities } = update.extraction;
    const old = hadRows ? this.s.entitiesOfFile.all(fileId) as EntityRow[] : [];
    const oldByKey = new Map<string, EntityRow>();
    const oldCount = new Map<string, number>();
    for (const row of old) {
      const base = `${row.kind}\0${row.qualified_name}`;
      const n = oldCount.get(base) ?? 0;
      oldCount.set(base, n + 1);
      oldByKey.set(`${base}\0${n}`, row);
    }
    const newCount = new Map<string, number>();
    const ids: number[] = [];
    const words = pathWords(update.path);
    let callsChanged = false;
    for (let i = 0; i < entities.length; i++) {
      const entity = entities[i];
      const base = `${entity.kind}\0${entity.qualifiedName}`;
      const n = newCount.get(base) ?? 0;
      newCount.set(base, n + 1);
      const key = `${base}\0${n}`;
      const parentId = entity.parent >= 0 ? ids[entity.parent] : null;
      const previous = oldByKey.get(key);
      if (previous) {
        oldByKey.delete(key);
        ids.push(previous.id);
        if (
          previous.parent_id !== parentId || previous.signature !== entity.signature || previous.doc !== entity.doc ||
          previous.start_line !== entity.startLine || previous.end_line !== entity.endLine ||
          previous.content_hash !== entity.contentHash
        ) {
          this.s.updateEntity.run(parentId, entity.signature, entity.doc, entity.startLine, entity.endLine,
            entity.contentHash, previous.id);
        }
        if (previous.signature !== entity.signature || previous.doc !== entity.doc) {
          this.s.deleteFts.run(previous.id);
          this.insertFts(previous.id, update.searchTexts[i], words);
        }
        if (previous.content_hash !== entity.contentHash) {
          this.s.deleteCalls.run(previous.id);
          this.insertCalls(previous.id, entity.calls);
          callsChanged = true;
        }
      } else {
        const id = Number(this.s.insertEntity.run(fileId, parentId, entity.kind, entity.name, entity.qualifiedName,
          entity.signature, entity.doc, entity.startLine, entity.endLine, entity.contentHash).lastInsertRowid);
        ids.push(id);
        this.insertFts(id, update.searchTexts[i], words);
        this.insertCalls(id, entity.calls);
        effects.names.add(entity.name);
        callsChanged = true;
      }
    }
    // Children first, so the parent's cascade does not race the explicit deletes.
    for (const row of [...oldByKey.values()].reverse()) {
      this.s.deleteFts.run(row.id);
      this.s.deleteEntity.run(row.id);
      effects.names.add(row.name);
    }
    if (callsChanged) effects.files.add(fileId);
  }

  private insertFts(id: number, text: EntitySearchText, pathText: string): void {
    this.s.insertFts.run(id, text.name, text.scope, pathText, text.body);
  }

  private insertCalls(entityId: number, names: string[]): void {
    for (const name of names) this.s.insertCall.run(entityId, name);
  }

  private writeImports(fileId: number, modules: string[], hadRows: boolean, effects: WriteEffects): void {
    if (hadRows) {
      const old = (this.s.importsOfFile.all(fileId) as { module: string }[]).map((r) => r.module);
      if (old.length === modules.length && old.every((m) => modules.includes(m))) return;
      this.s.deleteImports.run(fileId);
    }
    for (const module of modules) this.s.insertImport.run(fileId, module);
    effects.importFiles.add(fileId);
  }

  meta(key: string): string | undefined {
    return (this.s.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.s.deleteMeta.run(key);
    else this.s.setMeta.run(key, value);
  }

  /** Rows changed by this connection since it opened: lets callers prove a no-op run wrote nothing. */
  totalChanges(): number {
    return (this.s.totalChanges.get() as { n: number }).n;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}
