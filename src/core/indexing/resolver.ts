import * as path from 'node:path';
import type Database from 'better-sqlite3';
import type { WriteEffects } from '../store/codeStore';

/**
 * Links the graph: import specifiers to workspace files, call names to entities. Runs after each batch of
 * writes over only what the writes could have affected (see WriteEffects); `full` redoes everything.
 */
export function resolveGraph(db: Database.Database, effects: WriteEffects, full: boolean): void {
  const importChanges = resolveImports(db, effects, full);
  for (const fileId of importChanges) effects.files.add(fileId);
  resolveCalls(db, effects, full);
}

const SOURCE_EXTENSION = /\.(py|pyi|js|jsx|mjs|cjs|ts|tsx|mts|cts|java|c|h|cc|cpp|cxx|hh|hpp|hxx|go|rs|rb|php|cs)$/i;
const INDEX_STEMS = new Set(['index', '__init__', 'mod', 'lib', 'main']);

/** Where a file can be named from: its path without extension, and its folder for index-like files. */
class PathIndex {
  private readonly exact = new Map<string, number[]>();
  private readonly suffix = new Map<string, number[]>();

  constructor(files: { id: number; path: string }[]) {
    for (const { id, path: p } of files) {
      const stem = p.replace(SOURCE_EXTENSION, '');
      const keys = [stem];
      if (INDEX_STEMS.has(path.posix.basename(stem)) && stem.includes('/')) keys.push(path.posix.dirname(stem));
      for (const key of keys) {
        push(this.exact, key, id);
        const parts = key.split('/');
        for (let i = 1; i < parts.length; i++) push(this.suffix, parts.slice(i).join('/'), id);
      }
    }
  }

  /** The one file an import names, or undefined when none or several fit. */
  resolve(module: string, importerPath: string, language: string): number | undefined {
    const dir = path.posix.dirname(importerPath);
    let spec = module.trim();
    if (language === 'python' && /^\.+/.test(spec)) {
      const dots = spec.match(/^\.+/)![0].length;
      const rest = spec.slice(dots).replace(/\./g, '/');
      const base = path.posix.join(dir, ...Array(dots - 1).fill('..'));
      return unique(this.exact.get(path.posix.join(base, rest || '')));
    }
    if (spec.startsWith('./') || spec.startsWith('../')) {
      return unique(this.exact.get(path.posix.join(dir, spec).replace(SOURCE_EXTENSION, '')));
    }
    spec = spec.replace(/::|\\/g, '/').replace(/^(crate|self)\//, '').replace(/^\/+/, '');
    if ((language === 'python' || language === 'java') && !spec.includes('/')) spec = spec.replace(/\./g, '/');
    spec = spec.replace(SOURCE_EXTENSION, '');
    if (!spec || spec.endsWith('*')) return undefined;
    return (
      unique(this.exact.get(path.posix.join(dir, spec))) ??
      unique(this.exact.get(spec)) ??
      unique(this.suffix.get(spec))
    );
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}

function unique<T>(list: T[] | undefined): T | undefined {
  return list && list.length === 1 ? list[0] : undefined;
}

interface ImportRow {
  file_id: number;
  module: string;
  target_file_id: number | null;
  path: string;
  language: string;
}

/** Returns the files whose import targets changed (their calls must be re-resolved). */
function resolveImports(db: Database.Database, effects: WriteEffects, full: boolean): Set<number> {
  const changed = new Set<number>();
  if (!full && !effects.fileSetChanged && effects.importFiles.size === 0) return changed;
  const files = db.prepare('SELECT id, path FROM files').all() as { id: number; path: string }[];
  const index = new PathIndex(files);
  const select = `SELECT i.file_id, i.module, i.target_file_id, f.path, f.language
                  FROM imports i JOIN files f ON f.id = i.file_id`;
  // A new or removed file can change what any import names; otherwise only rewritten files need a look.
  const rows = (full || effects.fileSetChanged
    ? db.prepare(select).all()
    : db.prepare(`${select} WHERE i.file_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify([...effects.importFiles]))
  ) as ImportRow[];
  const update = db.prepare('UPDATE imports SET target_file_id = ? WHERE file_id = ? AND module = ?');
  for (const row of rows) {
    let target = index.resolve(row.module, row.path, row.language) ?? null;
    if (target === row.file_id) target = null;
    if (target !== row.target_file_id) {
      update.run(target, row.file_id, row.module);
      changed.add(row.file_id);
    }
  }
  return changed;
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

function resolveCalls(db: Database.Database, effects: WriteEffects, full: boolean): void {
  if (!full && effects.files.size === 0 && effects.names.size === 0) return;
  const select = `SELECT c.entity_id, c.name, c.target_id, e.file_id, e.parent_id
                  FROM calls c JOIN entities e ON e.id = c.entity_id`;
  const rows = (full
    ? db.prepare(select).all()
    : db.prepare(`${select} WHERE e.file_id IN (SELECT value FROM json_each(?))
                  UNION ALL ${select} WHERE c.name IN (SELECT value FROM json_each(?))
                    AND e.file_id NOT IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify([...effects.files]), JSON.stringify([...effects.names]), JSON.stringify([...effects.files]))
  ) as CallRow[];
  if (rows.length === 0) return;

  const byName = new Map<string, Candidate[]>();
  const names = new Set(rows.map((r) => r.name));
  const addCandidate = (r: { id: number; file_id: number; parent_id: number | null; name: string }) =>
    push(byName, r.name, { id: r.id, fileId: r.file_id, parentId: r.parent_id });
  if (rows.length > BULK_LOOKUP_CALLS) {
    for (const r of db.prepare('SELECT id, file_id, parent_id, name FROM entities').iterate() as Iterable<
      { id: number; file_id: number; parent_id: number | null; name: string }>) {
      if (names.has(r.name)) addCandidate(r);
    }
  } else {
    const stmt = db.prepare('SELECT id, file_id, parent_id, name FROM entities WHERE name = ?');
    for (const name of names) for (const r of stmt.all(name) as never[]) addCandidate(r);
  }

  const imported = new Map<number, Set<number>>();
  const importSelect = 'SELECT file_id, target_file_id FROM imports WHERE target_file_id IS NOT NULL';
  const importRows = (full
    ? db.prepare(importSelect).all()
    : db.prepare(`${importSelect} AND file_id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify([...new Set(rows.map((r) => r.file_id))]))
  ) as { file_id: number; target_file_id: number }[];
  for (const r of importRows) {
    let set = imported.get(r.file_id);
    if (!set) imported.set(r.file_id, (set = new Set()));
    set.add(r.target_file_id);
  }

  const update = db.prepare('UPDATE calls SET target_id = ? WHERE entity_id = ? AND name = ?');
  for (const row of rows) {
    const target = pickTarget(row, byName.get(row.name) ?? [], imported.get(row.file_id)) ?? null;
    if (target !== row.target_id) update.run(target, row.entity_id, row.name);
  }
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
