import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultDriver, type Database, type SqliteDriver } from './store/driver';
import { processFile } from './indexing/fileProcessor';
import type { IndexOptions, IndexRunSummary } from './indexing/indexer';
import { EXTRACTOR_VERSION, extractionKey, indexWorkspace, LAST_INDEXED_AT, MAX_UNIT_LINES } from './indexing/indexer';
import { DEFAULT_MAX_UNIT_LINES, MAX_UNIT_LINES as MAX_UNIT_LINES_LIMIT, MIN_UNIT_LINES } from './indexing/units';
import { languageForPath } from './indexing/languages';
import { SourceParser } from './indexing/parser';
import { resolveGraph } from './indexing/resolver';
import type { FailReason, SkipReason } from './indexing/walker';
import { DEFAULT_MAX_FILE_BYTES, WorkspaceRules } from './indexing/walker';
import { CodeStore, emptyEffects } from './store/codeStore';
import { checkPagesOffThread } from './store/damage';
import { asDamage, DatabaseError, openDatabase, pageCheckDue, recordPageCheck, type OpenOptions } from './store/database';
import { workspaceRelative } from './text/modulePath';
import { defaultDatabasePath } from './store/location';
import { LexicalSearch, type SearchOptions, type UnitHit } from './search/lexicalSearch';

/** How to open the database (must exist, native binding, checks, warnings) and what to index. */
export interface WorkspaceIndexOptions extends OpenOptions {
  /** Database file; default: the per-user cache location for this workspace. */
  dbPath?: string;
  maxFileBytes?: number;
  /**
   * Longest unit in lines (20–1000). Default: what the index was built with, else 150. Changing it makes the
   * next full run re-extract every file.
   */
  maxUnitLines?: number;
  /** Globs left out of the index, by full runs and single-file updates alike. */
  exclude?: readonly string[];
}

export interface ReindexResult {
  path: string;
  /** `failed`: the file could not be read or parsed this time; what was stored is kept. */
  status: 'indexed' | 'unchanged' | 'removed' | 'skipped' | 'failed';
  reason?: SkipReason | FailReason;
  /** Ids of the file's entities after the update. */
  entityIds: number[];
}

export interface IndexStats {
  workspace: string;
  database: string;
  files: number;
  entities: number;
  /** Retrievable pieces of code: every line of every file is in one. */
  units: number;
  entitiesByKind: Record<string, number>;
  filesByLanguage: Record<string, number>;
  calls: number;
  resolvedCalls: number;
  imports: number;
  resolvedImports: number;
  databaseBytes: number;
  lastIndexedAt: string | undefined;
}

/** Thrown for input the caller can fix (unknown file, unsupported language): the message says how. */
export class InputError extends Error {}

/**
 * The code index of one workspace: walk, parse, store, link and search. The engine's entry point for
 * the CLI, the extension and the tests alike.
 */
export class WorkspaceIndex {
  readonly root: string;
  readonly dbPath: string;
  private readonly db: Database;
  private readonly store: CodeStore;
  private readonly lexical: LexicalSearch;
  private readonly maxFileBytes: number;
  readonly maxUnitLines: number;
  private readonly exclude: readonly string[];
  /** The walk's rules, compiled once: reindexFile runs on every save. */
  private readonly rules: WorkspaceRules;
  private readonly driver: SqliteDriver | undefined;
  private parser: Promise<SourceParser> | undefined;

  private constructor(root: string, dbPath: string, db: Database, options: WorkspaceIndexOptions) {
    this.root = root;
    this.dbPath = dbPath;
    this.db = db;
    this.store = new CodeStore(db);
    this.lexical = new LexicalSearch(db);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.maxUnitLines = options.maxUnitLines ?? (Number(this.store.meta(MAX_UNIT_LINES)) || DEFAULT_MAX_UNIT_LINES);
    this.exclude = options.exclude ?? [];
    this.rules = new WorkspaceRules(root, { exclude: this.exclude });
    this.driver = options.driver;
  }

  static open(workspaceRoot: string, options: WorkspaceIndexOptions = {}): WorkspaceIndex {
    const root = path.resolve(workspaceRoot);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(root);
    } catch {
      throw new InputError(`no such directory: ${workspaceRoot}`);
    }
    if (!stat.isDirectory()) throw new InputError(`not a directory: ${workspaceRoot}`);
    const { maxUnitLines } = options;
    if (maxUnitLines !== undefined && !(Number.isInteger(maxUnitLines) && maxUnitLines >= MIN_UNIT_LINES && maxUnitLines <= MAX_UNIT_LINES_LIMIT)) {
      throw new InputError(`the unit size must be a whole number of lines from ${MIN_UNIT_LINES} to ${MAX_UNIT_LINES_LIMIT}, got ${maxUnitLines}`);
    }
    const dbPath = path.resolve(options.dbPath ?? defaultDatabasePath(root));
    const db = openDatabase(dbPath, options);
    try {
      claimWorkspace(new CodeStore(db), fs.realpathSync(root), dbPath);
      // Statements on damaged full-text tables fail here, while they are prepared.
      return new WorkspaceIndex(root, dbPath, db, options);
    } catch (error) {
      db.close();
      throw asDamage(error, dbPath);
    }
  }

  /** Indexes the whole workspace; only files whose content changed are parsed. */
  async indexRepository(options: IndexOptions = {}): Promise<IndexRunSummary> {
    return indexWorkspace(this.store, this.root, {
      maxFileBytes: this.maxFileBytes, maxUnitLines: this.maxUnitLines, exclude: this.exclude, ...options,
      // Searches while a long run writes see each batch as it lands.
      onWrite: () => {
        this.lexical.invalidate();
        options.onWrite?.();
      },
    });
  }

  /**
   * Brings one file up to date in a single transaction (after a save, a create or a delete), by the same
   * rules as a full run. Parses on this thread: one file does not pay for a worker.
   */
  async reindexFile(filePath: string): Promise<ReindexResult> {
    const absolute = path.resolve(this.root, filePath);
    const relative = workspaceRelative(this.root, filePath);
    if (!relative || relative.startsWith('../') || path.isAbsolute(relative)) {
      throw new InputError(`${filePath} is outside the workspace ${this.root}`);
    }
    const spec = languageForPath(absolute);
    if (!spec) throw new InputError(`${filePath}: not a supported source file`);
    const existing = this.store.file(relative);
    const effects = emptyEffects();
    const remove = (status: 'removed' | 'skipped', reason?: SkipReason): ReindexResult => {
      if (existing) {
        this.store.transaction(() => {
          this.store.deleteFile(existing, effects);
          resolveGraph(this.db, effects, false);
        });
        this.lexical.invalidate();
      }
      return { path: relative, status, reason, entityIds: [] };
    };

    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(absolute);
    } catch {
      return remove('removed');
    }
    if (!this.rules.isIncluded(relative)) return remove('skipped', 'excluded');
    this.parser ??= SourceParser.create();
    const outcome = await processFile(await this.parser, absolute, spec, this.maxFileBytes, this.maxUnitLines, existing?.hash);
    const mtimeMs = Math.trunc(stat.mtimeMs);
    if (outcome.status === 'skipped') return remove('skipped', outcome.reason);
    if (outcome.status === 'failed') {
      return { path: relative, status: 'failed', reason: outcome.reason, entityIds: this.entityIds(relative) };
    }
    if (outcome.status === 'unchanged') {
      if (existing) this.store.transaction(() => this.store.touchFile(existing, outcome.size, mtimeMs));
      return { path: relative, status: 'unchanged', entityIds: this.entityIds(relative) };
    }
    this.store.transaction(() => {
      this.store.writeFile({
        path: relative, hash: outcome.hash, size: outcome.size, mtimeMs, language: spec.id,
        extraction: outcome.extraction, searchTexts: outcome.searchTexts,
      }, effects);
      resolveGraph(this.db, effects, false);
      this.store.setMeta(LAST_INDEXED_AT, new Date().toISOString());
    });
    this.lexical.invalidate();
    return { path: relative, status: 'indexed', entityIds: this.entityIds(relative) };
  }

  /**
   * True when stored code was extracted by another version or unit size than this one's (after an upgrade, before
   * the next index run has parsed the files again): search then misses what that run will add.
   */
  outdated(): boolean {
    const stored = this.store.meta(EXTRACTOR_VERSION);
    return stored !== undefined && stored !== extractionKey(this.maxUnitLines) && this.counts().files > 0;
  }

  /** The best units for a question, by the words they and their files contain (no boosts, no model). */
  search(query: string, options?: SearchOptions): UnitHit[] {
    return this.lexical.search(query, options);
  }

  /** The few numbers a status bar shows, without stats()'s per-kind and call-graph counts. */
  counts(): { files: number; entities: number; units: number; lastIndexedAt: string | undefined } {
    return {
      files: this.count('SELECT count(*) AS n FROM files'), entities: this.count('SELECT count(*) AS n FROM entities'),
      units: this.count('SELECT count(*) AS n FROM units'), lastIndexedAt: this.store.meta(LAST_INDEXED_AT),
    };
  }

  /** Files per language, and the database's size on disk with its log: what a dashboard shows, without the graph's counts. */
  footprint(): { filesByLanguage: Record<string, number>; databaseBytes: number } {
    const filesByLanguage = Object.fromEntries((this.db.prepare('SELECT language AS k, count(*) AS n FROM files GROUP BY language ORDER BY n DESC')
      .all() as { k: string; n: number }[]).map((r) => [r.k, r.n]));
    let databaseBytes = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        databaseBytes += fs.statSync(this.dbPath + suffix).size;
      } catch {
        // WAL files come and go with checkpoints.
      }
    }
    return { filesByLanguage, databaseBytes };
  }

  stats(): IndexStats {
    const { files, entities, units, lastIndexedAt } = this.counts();
    const { filesByLanguage, databaseBytes } = this.footprint();
    return {
      workspace: this.root,
      database: this.dbPath,
      files,
      entities,
      units,
      entitiesByKind: Object.fromEntries((this.db.prepare('SELECT kind AS k, count(*) AS n FROM entities GROUP BY kind ORDER BY n DESC')
        .all() as { k: string; n: number }[]).map((r) => [r.k, r.n])),
      filesByLanguage,
      calls: this.count('SELECT count(*) AS n FROM calls'),
      resolvedCalls: this.count('SELECT count(*) AS n FROM calls WHERE target_id IS NOT NULL'),
      imports: this.count('SELECT count(*) AS n FROM imports'),
      resolvedImports: this.count('SELECT count(*) AS n FROM imports WHERE target_file_id IS NOT NULL'),
      databaseBytes,
      lastIndexedAt,
    };
  }

  /** The function or method most called from elsewhere in the workspace: a question about it fits this code base. */
  mostCalled(): { name: string; kind: string } | undefined {
    return this.db.prepare(`SELECT e.name AS name, e.kind AS kind FROM calls c JOIN entities e ON e.id = c.target_id
      WHERE c.target_id IS NOT NULL GROUP BY c.target_id ORDER BY count(*) DESC, e.name LIMIT 1`).get() as { name: string; kind: string } | undefined;
  }

  private count(sql: string): number {
    return (this.db.prepare(sql).get() as { n: number }).n;
  }

  private entityIds(relative: string): number[] {
    return (this.db.prepare('SELECT e.id FROM entities e JOIN files f ON f.id = e.file_id WHERE f.path = ? ORDER BY e.id')
      .all(relative) as { id: number }[]).map((r) => r.id);
  }

  /**
   * Checks every page on a worker thread once a day (or now, with `force`) and records when it was found
   * intact; rejects with DatabaseDamagedError. For hosts that must not block on a synchronous check.
   */
  async checkPages(force = false): Promise<void> {
    if (!force && !pageCheckDue(this.db)) return;
    await checkPagesOffThread(this.dbPath, this.driver ?? defaultDriver());
    if (this.db.open) recordPageCheck(this.db);
  }

  /** Full-text search over this index, shared with retrieval (one word-frequency cache). */
  get lexicalSearch(): LexicalSearch {
    return this.lexical;
  }

  /** The underlying connection, for tests and later subsystems that share the store. */
  get database(): Database {
    return this.db;
  }

  close(): void {
    void this.parser?.then((p) => p.dispose());
    this.parser = undefined;
    if (this.db.open) this.db.close();
  }
}

const WORKSPACE_ROOT = 'workspace_root';

/** An index serves one workspace: `--db` pointing at another workspace's index must not rewrite it. */
function claimWorkspace(store: CodeStore, realRoot: string, dbPath: string): void {
  const owner = store.meta(WORKSPACE_ROOT);
  if (owner === undefined) store.transaction(() => store.setMeta(WORKSPACE_ROOT, realRoot));
  else if (owner !== realRoot) {
    throw new DatabaseError(`${dbPath} is the index of ${owner}, not of ${realRoot}; it was left untouched`);
  }
}
