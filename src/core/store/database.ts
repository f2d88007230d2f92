import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, defaultDriver, type Database, type SqliteDriver } from './driver';
import { resultCodeName } from './nodeSqlite';
import { MIGRATIONS } from './schema';

/** 'CMEM': marks our databases so `--db` pointing at someone else's SQLite file is refused, not altered. */
const APPLICATION_ID = 0x434d454d;
export const BUSY_TIMEOUT_MS = 5000;
const PAGE_CACHE_KIB = 16_000;
const WAL_RETRY_MS = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
const SQLITE_HEADER = 'SQLite format 3\0';
/** The index holds the user's code and notes: what we create is theirs alone, whatever the umask. */
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;
/** SQLite's companions of a database file, created with the database file's permissions. */
const COMPANION_SUFFIXES = ['-wal', '-shm'];

/** The database cannot be used as it is. The file is left exactly as it was found. */
export class DatabaseError extends Error {}

/** SQLite found damaged pages: nothing was written, and the file should be moved aside and rebuilt. */
export class DatabaseDamagedError extends DatabaseError {
  constructor(readonly file: string, detail: string) {
    super(`${file} is damaged (${detail}); it was left as it is`);
  }
}

/** The extended result code of a SQLite error (`SQLITE_BUSY`, `SQLITE_CORRUPT_INDEX`, …), if it is one. */
export function sqliteCode(error: unknown): string | undefined {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  // node:sqlite: one code for every SQLite error, the result code as a number beside it.
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') return resultCodeName(errcode);
  return typeof code === 'string' ? code : undefined;
}

/** Damage met by a plain read, said as the page check says it (naming the file); other errors as they are. */
export function asDamage(error: unknown, file: string): unknown {
  return isDamage(error) && !(error instanceof DatabaseDamagedError) ? new DatabaseDamagedError(file, (error as Error).message.split('\n')[0]) : error;
}

/**
 * Runs a write transaction only if the database is free now: true when it ran, false when another process holds
 * the lock (or the file is read-only). For writes that must never delay the user (use counts, receipts).
 */
export function writeIfFree(db: Database, work: () => void): boolean {
  const patience = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.transaction(work).immediate();
    return true;
  } catch (error) {
    if (sqliteCode(error) !== 'SQLITE_BUSY' && sqliteCode(error) !== 'SQLITE_READONLY') throw error;
    return false;
  } finally {
    db.pragma(`busy_timeout = ${patience}`);
  }
}

/**
 * SQLite met damaged pages or a file that is not a database, or a page check found damage. A full-text table whose
 * pages are damaged fails to open with a generic error ("vtable constructor failed: units_fts"): damage too.
 */
export function isDamage(error: unknown): boolean {
  return error instanceof DatabaseDamagedError || /^SQLITE_(CORRUPT|NOTADB)/.test(sqliteCode(error) ?? '') ||
    (/^SQLITE_ERROR/.test(sqliteCode(error) ?? '') && /^vtable constructor failed: /.test((error as Error).message));
}

export interface OpenOptions {
  /** Fail instead of creating the file (for commands that only read). */
  mustExist?: boolean;
  /** Which SQLite driver opens it (default: defaultDriver(), from CODE_MEMORY_SQLITE). */
  driver?: SqliteDriver;
  /**
   * Check pages before anything is written, so a damaged file is not written into: every page once a day
   * (PRAGMA quick_check: about 10–20 ms per MB, 0.7–2.4 s for a 126 MB index, too slow for every open), and
   * with `memories` (memory writes, rare and precious) the tables a memory write touches every time (under 1 ms).
   */
  verify?: 'daily' | 'memories';
  /** Told, in one line, when a read-only command reads a copy because the database's folder is not writable. */
  onWarning?: (message: string) => void;
}

/**
 * Opens (or creates) a Code Memory database: checks it is ours and intact before anything writes to it,
 * then applies pending migrations in one transaction.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database {
  const exists = fs.existsSync(file);
  if (!exists && options.mustExist) throw new DatabaseError(`no index at ${file}: run \`code-memory index\` first`);
  if (exists) checkHeader(file);
  else createPrivateFile(file);

  let db: Database;
  try {
    db = connect(options.driver ?? defaultDriver(), file, { fileMustExist: exists });
  } catch (error) {
    throw new DatabaseError(`cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    // First: another process creating this database holds its lock for a moment, and every step waits for it.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // One read transaction: the id and the tables must come from the same moment of a database being created.
    db.transaction(() => checkOwnership(db, file))();
    const due = options.verify !== undefined && pageCheckDue(db);
    if (due) checkPages(db, file);
    else if (options.verify === 'memories') checkPages(db, file, memoryTables(db));
    keepPrivate(file);
    useWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // better-sqlite3's compiled default (16 MB); node:sqlite's SQLite keeps 2 MB of pages.
    db.pragma(`cache_size = ${-PAGE_CACHE_KIB}`);
    migrate(db, file);
    if (due) recordPageCheck(db);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    if (isDamage(error)) throw asDamage(error, file);
    // SQLite needs to write its shared-memory file beside a WAL database even to read it.
    if (sqliteCode(error) === 'SQLITE_READONLY_DIRECTORY') {
      const dir = path.dirname(path.resolve(file));
      if (options.mustExist) return openCopy(file, options, dir);
      throw new DatabaseError(`the folder ${dir} is not writable, so its index cannot be used: make it writable (chmod u+w)`);
    }
    throw new DatabaseError(`${file} is not a usable Code Memory database: ${(error as Error).message}`);
  }
}

/**
 * Creates the folders and an empty database file (a valid SQLite database) user-only, before SQLite creates it
 * with its default 0644: SQLite gives the WAL and shared-memory files the database file's permissions.
 */
export function createPrivateFile(file: string): void {
  const dir = path.dirname(file);
  try {
    const first = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // mkdir's mode is reduced by the umask: set it exactly on each folder made here, not on existing ones.
    for (let made = first && dir; made; made = made === first ? undefined : path.dirname(made)) {
      fs.chmodSync(made, PRIVATE_DIR_MODE);
    }
    // 'a' creates without truncating: another process may have created the file a moment ago.
    fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  } catch (error) {
    throw new DatabaseError(`cannot create ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Indexes made before files were created user-only are tightened when opened; what we cannot change stays. */
export function keepPrivate(file: string): void {
  for (const target of [file, ...COMPANION_SUFFIXES.map((suffix) => file + suffix)]) {
    try {
      if ((fs.statSync(target).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(target, PRIVATE_FILE_MODE);
    } catch {
      // Missing (no WAL yet) or owned by someone else: nothing to tighten.
    }
  }
}

/**
 * A read-only command on an index whose folder it cannot write: a private copy is read instead (what it writes,
 * such as cached scores, is dropped) and the copy is removed when the process ends.
 */
function openCopy(file: string, options: OpenOptions, dir: string): Database {
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-memory-read-'));
  process.once('exit', () => fs.rmSync(copyDir, { recursive: true, force: true }));
  const copy = path.join(copyDir, path.basename(file));
  fs.copyFileSync(file, copy);
  if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
  options.onWarning?.(`the folder ${dir} is not writable: reading a copy of its index (make it writable with chmod u+w to update it)`);
  return openDatabase(copy, { ...options, onWarning: undefined });
}

/**
 * Switches a new database to WAL (the mode is then kept in the file). SQLite does not wait for the lock this
 * needs, even with a busy timeout, while another process is creating the same database: retried until the
 * timeout.
 */
function useWal(db: Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (sqliteCode(error) !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WAL_RETRY_MS);
    }
  }
}

/** Reads the header without SQLite: a damaged file must fail before SQLite or WAL setup touches it. */
function checkHeader(file: string): void {
  let header: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      header = Buffer.alloc(SQLITE_HEADER.length);
      const read = fs.readSync(fd, header, 0, header.length, 0);
      if (read === 0) return; // an empty file is a valid, empty SQLite database
      header = header.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw new DatabaseError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) {
    throw new DatabaseError(`${file} is not a SQLite database (corrupt or foreign file); it was left untouched`);
  }
}

/** Whether every page should be checked again: never checked, or last found intact more than a day ago. */
export function pageCheckDue(db: Database): boolean {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'meta'").get();
  const last = hasMeta ? db.prepare("SELECT value FROM meta WHERE key = 'pages_checked_at'").pluck().get() : undefined;
  return !(Date.now() - Number(last) < DAY_MS);
}

export function recordPageCheck(db: Database): void {
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('pages_checked_at', ?)").run(String(Date.now()));
}

/**
 * What PRAGMA quick_check found wrong first, in one line; undefined when every page is intact. With `tables`,
 * only their pages (and their indexes') are read.
 */
export function pageProblem(db: Database, tables?: string[]): string | undefined {
  for (const check of tables?.map((table) => `quick_check("${table}")`) ?? ['quick_check(1)']) {
    let rows: { quick_check: string }[];
    try {
      rows = db.pragma(check) as { quick_check: string }[];
    } catch (error) {
      // The check could not read what it checks (a full-text table that no longer opens): that is the damage.
      if (isDamage(error)) return (error as Error).message.split('\n')[0];
      throw error;
    }
    const [first] = rows.map((row) => row.quick_check);
    // "*** in database main ***\nTree 17 page 17: btreeInitPage() returns error code 11" → its second line.
    if (first !== 'ok') return (first ?? '').replace(/\*\*\* in database \w+ \*\*\*/, '').replace(/\s+/g, ' ').trim() || 'unknown damage';
  }
  return undefined;
}

function checkPages(db: Database, file: string, tables?: string[]): void {
  const problem = pageProblem(db, tables);
  if (problem) throw new DatabaseDamagedError(file, problem);
}

/** The tables a memory write touches: the memories, their full-text index, the id sequence and meta. */
function memoryTables(db: Database): string[] {
  return db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'
    AND (name LIKE 'memories%' OR name IN ('meta', 'sqlite_sequence'))`).pluck().all() as string[];
}

function checkOwnership(db: Database, file: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) {
    // Reading the schema makes SQLite validate the first pages; damage there surfaces here.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return;
  }
  const tables = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  if (appId !== 0 || tables > 0) {
    throw new DatabaseError(`${file} is a SQLite database but not a Code Memory index; it was left untouched`);
  }
}

function migrate(db: Database, file: string): void {
  const schemaVersion = () => db.pragma('user_version', { simple: true }) as number;
  const newer = (version: number) =>
    new DatabaseError(`${file} was written by a newer Code Memory (schema ${version}); please upgrade`);
  let version = schemaVersion();
  if (version > MIGRATIONS.length) throw newer(version);
  if (version === MIGRATIONS.length) return;
  db.transaction(() => {
    // Read again under the write lock: another process creating the same database may have migrated it since.
    version = schemaVersion();
    if (version > MIGRATIONS.length) throw newer(version);
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
