import * as path from 'node:path';
import type { Database } from '../store/driver';
import type { GraphEntity, InsertedGraph, WriteEffects } from '../store/codeStore';
import { fileLeaves, folderOf, SOURCE_EXTENSION } from '../text/modulePath';

/**
 * Links the graph: import specifiers to workspace files, call names to entities. Runs after each batch of
 * writes over only what the writes could have affected (see WriteEffects); `full` redoes everything.
 */
export function resolveGraph(db: Database, effects: WriteEffects, full: boolean): void {
  applyLinks(db, planLinks(db, effects, full), 0, Infinity);
}

/** Link targets that differ from what the database holds, as UPDATE parameters. */
export interface LinkPlan {
  imports: [target: number | null, fileId: number, module: string][];
  calls: [target: number | null, entityId: number, name: string][];
}

/** Reads only: what linking would change. Adds the files whose imports now resolve differently to `effects.files`. */
export function planLinks(db: Database, effects: WriteEffects, full: boolean): LinkPlan {
  const imports = planImports(db, effects, full);
  for (const [, fileId] of imports) effects.files.add(fileId);
  return { imports, calls: planCalls(db, effects, full, imports) };
}

/** Number of updates in a plan: `applyLinks` positions run over imports, then calls. */
export function planSize(plan: LinkPlan): number {
  return plan.imports.length + plan.calls.length;
}

/** Checking the clock every update would cost more than some updates. */
const CLOCK_EVERY_UPDATES = 256;

/** Writes a plan's updates from position `from` until done or `budgetMs` has passed; returns where it stopped. */
export function applyLinks(db: Database, plan: LinkPlan, from: number, budgetMs: number): number {
  const started = performance.now();
  const updateImport = db.prepare('UPDATE imports SET target_file_id = ? WHERE file_id = ? AND module = ?');
  const updateCall = db.prepare('UPDATE calls SET target_id = ? WHERE entity_id = ? AND name = ?');
  const size = planSize(plan);
  let i = from;
  while (i < size) {
    if (i < plan.imports.length) updateImport.run(...plan.imports[i]);
    else updateCall.run(...plan.calls[i - plan.imports.length]);
    i++;
    if (i % CLOCK_EVERY_UPDATES === 0 && performance.now() - started >= budgetMs) break;
  }
  return i;
}

/** Where a file can be named from: its path without extension; an index file also names its folder. */
class PathIndex {
  /** Keys naming real files take precedence over keys naming a folder through its index file. */
  private readonly files = new Map<string, number[]>();
  private readonly folders = new Map<string, number[]>();
  private readonly fileSuffixes = new Map<string, number[]>();
  private readonly folderSuffixes = new Map<string, number[]>();

  constructor(files: { id: number; path: string }[]) {
    for (const { id, path: p } of files) {
      this.add(this.files, this.fileSuffixes, p.replace(SOURCE_EXTENSION, ''), id);
      const folder = folderOf(p);
      if (folder) this.add(this.folders, this.folderSuffixes, folder, id);
    }
  }

  private add(exact: Map<string, number[]>, suffixes: Map<string, number[]>, key: string, id: number): void {
    push(exact, key, id);
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) push(suffixes, parts.slice(i).join('/'), id);
  }

  private exact(key: string): number | undefined {
    return unique(this.files.get(key)) ?? unique(this.folders.get(key));
  }

  /** The one file an import names, or undefined when none or several fit. */
  resolve(module: string, importerPath: string, language: string): number | undefined {
    const dir = path.posix.dirname(importerPath);
    let spec = module.trim();
    if (language === 'python' && /^\.+/.test(spec)) {
      const dots = spec.match(/^\.+/)![0].length;
      const rest = spec.slice(dots).replace(/\./g, '/');
      return this.exact(path.posix.join(dir, ...Array(dots - 1).fill('..'), rest));
    }
    if (spec.startsWith('./') || spec.startsWith('../')) {
      return this.exact(path.posix.join(dir, spec).replace(SOURCE_EXTENSION, ''));
    }
    spec = spec.replace(/::|\\/g, '/').replace(/^(crate|self)\//, '').replace(/^\/+/, '');
    if ((language === 'python' || language === 'java') && !spec.includes('/')) spec = spec.replace(/\./g, '/');
    spec = spec.replace(SOURCE_EXTENSION, '');
    if (!spec || spec.endsWith('*')) return undefined;
    return this.exact(path.posix.join(dir, spec)) ?? this.exact(spec) ??
      unique(this.fileSuffixes.get(spec)) ?? unique(this.folderSuffixes.get(spec));
  }
}

/** Appends unless already last: ids arrive in order, so this keeps lists duplicate-free in O(1). */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}

function unique<T>(list: T[] | undefined): T | undefined {
  return list && list.length === 1 ? list[0] : undefined;
}

const json = (values: Iterable<unknown>) => JSON.stringify([...values]);

interface ImportRow {
  file_id: number;
  module: string;
  target_file_id: number | null;
  path: string;
  language: string;
}

function planImports(db: Database, effects: WriteEffects, full: boolean): LinkPlan['imports'] {
  const select = `SELECT i.file_id, i.module, i.target_file_id, f.path, f.language
                  FROM imports i JOIN files f ON f.id = i.file_id`;
  let rows: ImportRow[];
  if (full) {
    rows = db.prepare(select).all() as ImportRow[];
  } else {
    // Rewritten import lists, plus imports whose last name matches a file that appeared or disappeared
    // (and bare relative ones, `from . import x`, which name a folder's index file).
    const leaves = [...effects.pathsAddedOrRemoved].flatMap(fileLeaves);
    if (!effects.importFiles.size && !leaves.length) return [];
    rows = db.prepare(`${select} WHERE i.file_id IN (SELECT value FROM json_each(?))
      OR i.leaf IN (SELECT value FROM json_each(?)) OR (i.leaf = '' AND ?)`)
      .all(json(effects.importFiles), json(leaves), leaves.length ? 1 : 0) as ImportRow[];
  }
  if (!rows.length) return [];
  const index = new PathIndex(db.prepare('SELECT id, path FROM files ORDER BY id').all() as { id: number; path: string }[]);
  const changes: LinkPlan['imports'] = [];
  for (const row of rows) {
    let target = index.resolve(row.module, row.path, row.language) ?? null;
    if (target === row.file_id) target = null;
    if (target !== row.target_file_id) changes.push([target, row.file_id, row.module]);
  }
  return changes;
}

interface CallRow {
  entity_id: number;
  name: string;
  target_id: number | null;
  file_id: number;
  parent_id: number | null;
}

interface Candidate {
  id: number;
  fileId: number;
  parentId: number | null;
}

/** Above this many calls to revisit, one scan of all entities beats a lookup per name. */
const BULK_LOOKUP_CALLS = 5000;

/**
 * Which calls to revisit after a write: those of rewritten files, and calls to names whose definitions
 * changed. A name that had one definition, or has one now, can change any call to it (the workspace-wide
 * rule); a name ambiguous before and after can only change calls in the files around the change.
 */
function callsToRevisit(db: Database, effects: WriteEffects): CallRow[] {
  const count = db.prepare('SELECT count(*) AS n FROM entities WHERE name = ?');
  const everywhere: string[] = [];
  const nearby: string[] = [];
  for (const [name, delta] of effects.names) {
    const after = (count.get(name) as { n: number }).n;
    (after <= 1 || after - delta <= 1 ? everywhere : nearby).push(name);
  }
  const select = `SELECT c.entity_id, c.name, c.target_id, e.file_id, e.parent_id
                  FROM calls c JOIN entities e ON e.id = c.entity_id`;
  return db.prepare(`${select} WHERE e.file_id IN (SELECT value FROM json_each(?))
    UNION ${select} WHERE c.name IN (SELECT value FROM json_each(?))
    UNION ${select} WHERE c.name IN (SELECT value FROM json_each(?)) AND e.file_id IN (SELECT value FROM json_each(?))`)
    .all(json(effects.files), json(everywhere), json(nearby), json(effects.nameScopes)) as CallRow[];
}

/** Call target changes; `importChanges` are planned import targets the database does not hold yet. */
function planCalls(db: Database, effects: WriteEffects, full: boolean, importChanges: LinkPlan['imports']): LinkPlan['calls'] {
  if (!full && effects.files.size === 0 && effects.names.size === 0) return [];
  const calls = full ? (insertedCalls(effects.inserted) ?? allCalls(db)) : revisitedCalls(db, effects);
  if (calls.rows.length === 0) return [];

  const importSelect = 'SELECT file_id, module, target_file_id FROM imports WHERE target_file_id IS NOT NULL';
  const importRows = (full
    ? db.prepare(importSelect).raw().all()
    : db.prepare(`${importSelect} AND file_id IN (SELECT value FROM json_each(?))`).raw().all(json(new Set(calls.rows.map((r) => r.file_id))))
  ) as [number, string, number][];
  const key = (fileId: number, module: string) => `${fileId}\0${module}`;
  const planned = new Set(importChanges.map(([, fileId, module]) => key(fileId, module)));
  const imported = new Map<number, Set<number>>();
  const addImport = (fileId: number, target: number) => {
    let set = imported.get(fileId);
    if (!set) imported.set(fileId, (set = new Set()));
    set.add(target);
  };
  for (const [fileId, module, target] of importRows) if (!planned.size || !planned.has(key(fileId, module))) addImport(fileId, target);
  for (const [target, fileId] of importChanges) if (target !== null) addImport(fileId, target);

  const changes: LinkPlan['calls'] = [];
  for (const row of calls.rows) {
    const target = pickTarget(row, calls.byName.get(row.name) ?? [], imported.get(row.file_id)) ?? null;
    if (target !== row.target_id) changes.push([target, row.entity_id, row.name]);
  }
  return changes;
}

/** Calls to link, and the entities they could name, by name. */
interface CallsToLink {
  rows: CallRow[];
  byName: Map<string, Candidate[]>;
}

function byNameOf(entities: Iterable<GraphEntity>, names: Set<string>): Map<string, Candidate[]> {
  const byName = new Map<string, Candidate[]>();
  for (const e of entities) if (names.has(e.name)) push(byName, e.name, { id: e.id, fileId: e.fileId, parentId: e.parentId });
  return byName;
}

/** The graph the run inserted, when it is the whole graph (see InsertedGraph.complete). */
function insertedCalls(graph: InsertedGraph | undefined): CallsToLink | undefined {
  if (!graph?.complete) return undefined;
  const { entities } = graph;
  const rows = graph.callNames.map((name, i): CallRow => {
    const caller = entities[graph.callers[i]];
    return { entity_id: caller.id, name, target_id: null, file_id: caller.fileId, parent_id: caller.parentId };
  });
  return { rows, byName: byNameOf(entities, new Set(graph.callNames)) };
}

/** Every call in the database: reads calls and entities apart, as a join costs a lookup per call. */
function allCalls(db: Database): CallsToLink {
  const entities = new Map<number, GraphEntity>();
  for (const e of db.prepare('SELECT id, file_id AS fileId, parent_id AS parentId, name FROM entities').iterate() as Iterable<GraphEntity>) {
    entities.set(e.id, e);
  }
  const rows: CallRow[] = [];
  for (const [entityId, name, targetId] of db.prepare('SELECT entity_id, name, target_id FROM calls').raw().iterate() as Iterable<[number, string, number | null]>) {
    const caller = entities.get(entityId)!;
    rows.push({ entity_id: entityId, name, target_id: targetId, file_id: caller.fileId, parent_id: caller.parentId });
  }
  return { rows, byName: byNameOf(entities.values(), new Set(rows.map((r) => r.name))) };
}

/** Calls after an incremental write (callsToRevisit), with their candidates looked up by name. */
function revisitedCalls(db: Database, effects: WriteEffects): CallsToLink {
  const rows = callsToRevisit(db, effects);
  const names = new Set(rows.map((r) => r.name));
  if (rows.length > BULK_LOOKUP_CALLS) {
    const scan = db.prepare('SELECT id, file_id AS fileId, parent_id AS parentId, name FROM entities ORDER BY id');
    return { rows, byName: byNameOf(scan.iterate() as Iterable<GraphEntity>, names) };
  }
  const byName = new Map<string, Candidate[]>();
  const stmt = db.prepare('SELECT id, file_id AS fileId, parent_id AS parentId FROM entities WHERE name = ? ORDER BY id');
  for (const name of names) {
    const candidates = stmt.all(name) as Candidate[];
    if (candidates.length) byName.set(name, candidates);
  }
  return { rows, byName };
}

/** Same class, then same file, then imported files, then the one definition in the workspace. */
function pickTarget(call: CallRow, candidates: Candidate[], imports: Set<number> | undefined): number | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return candidates[0].id;
  const sameFile = candidates.filter((c) => c.fileId === call.file_id);
  if (sameFile.length === 1) return sameFile[0].id;
  if (sameFile.length > 1) {
    return call.parent_id === null ? undefined : unique(sameFile.filter((c) => c.parentId === call.parent_id))?.id;
  }
  if (imports) return unique(candidates.filter((c) => imports.has(c.fileId)))?.id;
  return undefined;
}
