import type { Database } from './driver';
import type { FileExtraction, LanguageId } from '../types';
import { pathWords } from '../text/identifiers';
import { importLeaf } from '../text/modulePath';
import type { UnitSearchText } from '../search/searchText';

export interface FileRow {
  id: number;
  path: string;
  hash: string;
  size: number;
  /** 0 when the file was modified too close to being read for its mtime to prove it unchanged later. */
  mtimeMs: number;
  indexedAt: number;
}

/**
 * A file modified this close to being read may change again within the same timestamp (2 s on FAT and SMB
 * shares): its mtime is not stored, so the next run compares content instead (git's "racily clean" rule).
 */
const RACY_MS = 2000;

function trustworthyMtime(mtimeMs: number, now: number): number {
  return now - mtimeMs < RACY_MS ? 0 : mtimeMs;
}

/** A parsed file ready to be written. */
export interface FileUpdate {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
  language: LanguageId;
  extraction: FileExtraction;
  /** Full-text columns, one per unit, in the same order. */
  searchTexts: UnitSearchText[];
}

/** What a write changed, so linking can revisit only what could now resolve differently. */
export interface WriteEffects {
  /** Entity names that gained or lost definitions, with the net change in their number. */
  names: Map<string, number>;
  /**
   * Files whose definitions changed, and the files importing them: where a changed name can resolve
   * differently even when it stays ambiguous workspace-wide (same-file and imported-file rules).
   */
  nameScopes: Set<number>;
  /** Files whose calls were rewritten: their calls need resolving. */
  files: Set<number>;
  /** Files whose import list changed: their imports need resolving (and then their calls). */
  importFiles: Set<number>;
  /** Files that appeared or disappeared: imports that could name them need resolving again. */
  pathsAddedOrRemoved: Set<string>;
  /** When set, every entity and call inserted is also recorded here (see InsertedGraph). */
  inserted?: InsertedGraph;
}

export function emptyEffects(): WriteEffects {
  return { names: new Map(), nameScopes: new Set(), files: new Set(), importFiles: new Set(), pathsAddedOrRemoved: new Set() };
}

/** An entity as linking sees it. */
export interface GraphEntity {
  id: number;
  fileId: number;
  parentId: number | null;
  name: string;
}

/**
 * The entities and calls a run inserted. A run that starts from an empty index holds the whole graph here, so
 * linking it need not read 100,000s of rows back from the database while the parse workers sit idle.
 */
export class InsertedGraph {
  readonly entities: GraphEntity[] = [];
  /** Calls as parallel lists: the calling entity's index in `entities`, and the called name. */
  readonly callers: number[] = [];
  readonly callNames: string[] = [];
  private readonly dataVersion: number;
  private readonly graphWrites: number;

  constructor(private readonly store: CodeStore) {
    this.dataVersion = store.dataVersion();
    this.graphWrites = store.graphWrites;
  }

  /**
   * Whether the database still holds exactly what was recorded here on top of what it held at the start, still
   * unlinked: no other connection committed, every entity or call row this connection wrote since was recorded,
   * and no call has a target yet (a `reindexFile` in between links what it wrote).
   */
  get complete(): boolean {
    return this.store.dataVersion() === this.dataVersion &&
      this.store.graphWrites - this.graphWrites === this.entities.length + this.callNames.length &&
      !this.store.hasLinkedCalls();
  }
}

function countName(effects: WriteEffects, name: string, delta: number): void {
  effects.names.set(name, (effects.names.get(name) ?? 0) + delta);
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

interface UnitRow {
  id: number;
  entity_id: number | null;
  kind: string;
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
  /** Entity and call rows (or whole files of them) this connection inserted, changed or deleted. */
  graphWrites = 0;

  constructor(readonly db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      allFiles: p('SELECT id, path, hash, size, mtime_ms AS mtimeMs, indexed_at AS indexedAt FROM files'),
      fileByPath: p('SELECT id, path, hash, size, mtime_ms AS mtimeMs, indexed_at AS indexedAt FROM files WHERE path = ?'),
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
      unitsOfFile: p('SELECT id, entity_id, kind, start_line, end_line, content_hash FROM units WHERE file_id = ?'),
      unitIdsOfFile: p('SELECT id FROM units WHERE file_id = ?').pluck(),
      insertUnit: p(`INSERT INTO units (file_id, entity_id, kind, start_line, end_line, content_hash)
                     VALUES (?, ?, ?, ?, ?, ?)`),
      updateUnit: p('UPDATE units SET entity_id = ?, start_line = ?, end_line = ? WHERE id = ?'),
      deleteUnit: p('DELETE FROM units WHERE id = ?'),
      insertFts: p('INSERT INTO units_fts (rowid, name, scope, path, body) VALUES (?, ?, ?, ?, ?)'),
      deleteFts: p('DELETE FROM units_fts WHERE rowid = ?'),
      deleteCalls: p('DELETE FROM calls WHERE entity_id = ?'),
      insertCall: p('INSERT INTO calls (entity_id, name) VALUES (?, ?)'),
      importsOfFile: p('SELECT module FROM imports WHERE file_id = ?'),
      deleteImports: p('DELETE FROM imports WHERE file_id = ?'),
      insertImport: p('INSERT INTO imports (file_id, module, leaf) VALUES (?, ?, ?)'),
      importersOf: p('SELECT DISTINCT file_id AS id FROM imports WHERE target_file_id = ?'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      deleteMeta: p('DELETE FROM meta WHERE key = ?'),
      totalChanges: p('SELECT total_changes() AS n'),
      dataVersion: p('PRAGMA data_version').pluck(),
      anyLinkedCall: p('SELECT 1 FROM calls WHERE target_id IS NOT NULL LIMIT 1').pluck(),
    };
  }

  files(): FileRow[] {
    return this.s.allFiles.all() as FileRow[];
  }

  file(relativePath: string): FileRow | undefined {
    return this.s.fileByPath.get(relativePath) as FileRow | undefined;
  }

  /** Records a new size/mtime for a file whose content hash did not change. */
  touchFile(row: FileRow, size: number, mtimeMs: number): void {
    if (row.size === size && row.mtimeMs === mtimeMs) return;
    this.s.touchFile.run(size, trustworthyMtime(mtimeMs, Date.now()), row.id);
  }

  /**
   * Writes one parsed file as a diff against what is stored. Call inside a transaction. `readAfter`: skip the
   * write if the stored row is newer (a single-file update landed while a long run was parsing).
   * `newSearchText`: the extractor changed, so even an unchanged unit's full-text row is written again.
   */
  writeFile(update: FileUpdate, effects: WriteEffects, readAfter = 0, newSearchText = false): boolean {
    const now = Date.now();
    const existing = this.file(update.path);
    if (existing && existing.indexedAt > readAfter && readAfter > 0) return false;
    const row = {
      ...update, mtimeMs: trustworthyMtime(update.mtimeMs, now), hasErrors: update.extraction.hasErrors ? 1 : 0, now,
    };
    let fileId: number;
    if (existing) {
      fileId = existing.id;
      this.s.updateFile.run({ ...row, id: fileId });
    } else {
      fileId = Number(this.s.insertFile.run(row).lastInsertRowid);
      effects.pathsAddedOrRemoved.add(update.path);
    }
    // A new file has nothing stored to diff against: skip the lookups (most of a cold index).
    const entityIds = this.writeEntities(fileId, update, existing !== undefined, effects);
    this.writeUnits(fileId, update, entityIds, existing !== undefined, newSearchText);
    this.writeImports(fileId, update.extraction.imports, existing !== undefined, effects);
    return true;
  }

  /** Removes a file and everything extracted from it. Call inside a transaction. */
  deleteFile(row: { id: number; path: string }, effects: WriteEffects): void {
    const entities = this.s.entityIdsAndNamesOfFile.all(row.id) as { id: number; name: string }[];
    for (const { name } of entities) countName(effects, name, -1);
    for (const unitId of this.s.unitIdsOfFile.all(row.id) as number[]) this.s.deleteFts.run(unitId);
    // Importers are looked up now: the delete clears their import targets.
    if (entities.length) this.noteNameScope(row.id, effects);
    this.s.deleteFile.run(row.id);
    this.graphWrites++;
    effects.pathsAddedOrRemoved.add(row.path);
  }

  private noteNameScope(fileId: number, effects: WriteEffects): void {
    effects.nameScopes.add(fileId);
    for (const { id } of this.s.importersOf.all(fileId) as { id: number }[]) effects.nameScopes.add(id);
  }

  /** Returns the row id of every extracted entity, in extraction order. */
  private writeEntities(fileId: number, update: FileUpdate, hadRows: boolean, effects: WriteEffects): number[] {
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
    let callsChanged = false;
    let namesChanged = false;
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
          this.graphWrites++;
        }
        if (previous.content_hash !== entity.contentHash) {
          this.s.deleteCalls.run(previous.id);
          this.graphWrites++;
          this.insertCalls(previous.id, entity.calls);
          callsChanged = true;
        }
      } else {
        const id = Number(this.s.insertEntity.run(fileId, parentId, entity.kind, entity.name, entity.qualifiedName,
          entity.signature, entity.doc, entity.startLine, entity.endLine, entity.contentHash).lastInsertRowid);
        this.graphWrites++;
        ids.push(id);
        this.insertCalls(id, entity.calls);
        const graph = effects.inserted;
        if (graph) {
          const index = graph.entities.push({ id, fileId, parentId, name: entity.name }) - 1;
          for (const name of entity.calls) {
            graph.callers.push(index);
            graph.callNames.push(name);
          }
        }
        countName(effects, entity.name, +1);
        namesChanged = true;
        callsChanged = true;
      }
    }
    // An unmatched parent cascades to its unmatched children.
    for (const row of oldByKey.values()) {
      this.s.deleteEntity.run(row.id);
      this.graphWrites++;
      countName(effects, row.name, -1);
      namesChanged = true;
    }
    if (callsChanged) effects.files.add(fileId);
    if (namesChanged) this.noteNameScope(fileId, effects);
    return ids;
  }

  /**
   * Units are matched by kind, entity and content: one that only moved keeps its row and full-text entry, so an
   * edit rewrites the units it touched, not the file.
   */
  private writeUnits(fileId: number, update: FileUpdate, entityIds: number[], hadRows: boolean, newSearchText: boolean): void {
    const { units, entities } = update.extraction;
    const keyOf = (kind: string, entity: string, contentHash: string) => `${kind}\0${entity}\0${contentHash}`;
    const old = new Map<string, UnitRow[]>();
    if (hadRows) {
      const names = new Map(entities.map((e, i) => [entityIds[i], e.qualifiedName]));
      for (const row of this.s.unitsOfFile.all(fileId) as UnitRow[]) {
        // A unit whose entity is gone cannot be matched: its entity is new.
        const entity = row.entity_id === null ? '' : names.get(row.entity_id);
        const key = entity === undefined ? `gone\0${row.id}` : keyOf(row.kind, entity, row.content_hash);
        const list = old.get(key) ?? [];
        list.push(row);
        old.set(key, list);
      }
    }
    let words: string | undefined;
    const insertFts = (id: number, text: UnitSearchText) =>
      this.s.insertFts.run(id, text.name, text.scope, (words ??= pathWords(update.path)), text.body);
    units.forEach((unit, i) => {
      const entityId = unit.entity >= 0 ? entityIds[unit.entity] : null;
      const previous = old.get(keyOf(unit.kind, unit.entity >= 0 ? entities[unit.entity].qualifiedName : '', unit.contentHash))?.shift();
      if (previous) {
        if (previous.entity_id !== entityId || previous.start_line !== unit.startLine || previous.end_line !== unit.endLine) {
          this.s.updateUnit.run(entityId, unit.startLine, unit.endLine, previous.id);
        }
        if (newSearchText) {
          this.s.deleteFts.run(previous.id);
          insertFts(previous.id, update.searchTexts[i]);
        }
        return;
      }
      const id = Number(this.s.insertUnit.run(fileId, entityId, unit.kind, unit.startLine, unit.endLine, unit.contentHash).lastInsertRowid);
      insertFts(id, update.searchTexts[i]);
    });
    for (const rows of old.values()) {
      for (const row of rows) {
        this.s.deleteFts.run(row.id);
        this.s.deleteUnit.run(row.id);
      }
    }
  }

  private insertCalls(entityId: number, names: string[]): void {
    for (const name of names) this.s.insertCall.run(entityId, name);
    this.graphWrites += names.length;
  }

  private writeImports(fileId: number, modules: string[], hadRows: boolean, effects: WriteEffects): void {
    if (hadRows) {
      const old = (this.s.importsOfFile.all(fileId) as { module: string }[]).map((r) => r.module);
      if (old.length === modules.length && old.every((m) => modules.includes(m))) return;
      this.s.deleteImports.run(fileId);
    }
    for (const module of modules) this.s.insertImport.run(fileId, module, importLeaf(module));
    effects.importFiles.add(fileId);
  }

  meta(key: string): string | undefined {
    return (this.s.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.s.deleteMeta.run(key);
    else this.s.setMeta.run(key, value);
  }

  /** Whether any call has a target (answered by the partial index on targets). */
  hasLinkedCalls(): boolean {
    return this.s.anyLinkedCall.get() !== undefined;
  }

  /** Changes when another connection commits (SQLite's `PRAGMA data_version`). */
  dataVersion(): number {
    return this.s.dataVersion.get() as number;
  }

  /** Rows changed by this connection since it opened: lets callers prove a no-op run wrote nothing. */
  totalChanges(): number {
    return (this.s.totalChanges.get() as { n: number }).n;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}
