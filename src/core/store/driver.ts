import { openNodeSqlite, probeNodeSqlite } from './nodeSqlite';

/**
 * What the engine uses of a SQLite connection. better-sqlite3's API, so its connections serve as they are; the
 * node:sqlite adapter (nodeSqlite.ts) follows the same semantics. Same SQL, schema and files through both.
 */
export interface RunResult {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

export interface Statement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Reads return each row's first column. */
  pluck(toggle?: boolean): this;
  /** Reads return rows as arrays, in column order. */
  raw(toggle?: boolean): this;
}

/** A function run in a transaction: BEGIN … COMMIT, or a savepoint inside an open one; rolled back if it throws. */
export type Transaction<F extends (...args: never[]) => unknown> = F & { deferred: F; immediate: F; exclusive: F };

export interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): this;
  /** `PRAGMA <source>`: every row, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
  close(): this;
  /** The file it was opened with. */
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
}

export type SqliteDriverName = 'better-sqlite3' | 'node:sqlite';

/** Which driver opens connections. Plain data: it crosses to worker threads. */
export interface SqliteDriver {
  name: SqliteDriverName;
  /** better-sqlite3's compiled addon to load instead of the one beside its package (a host of another ABI). */
  nativeBinding?: string;
}

export interface DriverChoice {
  driver: SqliteDriver;
  /** Why this one, in a line for the log. */
  reason: string;
}

/** No driver can open a database here; the message is one line for the user. */
export class SqliteUnavailableError extends Error {}

export type SqlitePreference = 'auto' | SqliteDriverName;

/** The values CODE_MEMORY_SQLITE and the setting take. */
export const SQLITE_PREFERENCES: readonly SqlitePreference[] = ['auto', 'node:sqlite', 'better-sqlite3'];

export interface ConnectFlags {
  readonly?: boolean;
  fileMustExist?: boolean;
}

export function connect(driver: SqliteDriver, file: string, flags: ConnectFlags = {}): Database {
  if (driver.name === 'node:sqlite') return openNodeSqlite(file, flags);
  // Required here, not at the top: a host that uses node:sqlite never loads the addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const BetterSqlite3 = require('better-sqlite3') as new (file: string, options: object) => Database;
  return new BetterSqlite3(file, { ...flags, ...(driver.nativeBinding && { nativeBinding: driver.nativeBinding }) });
}

/** Why better-sqlite3 cannot open a database here (its addon is missing or built for another runtime), if it cannot. */
function probeBetterSqlite3(nativeBinding?: string): string | undefined {
  try {
    connect({ name: 'better-sqlite3', nativeBinding }, ':memory:').close();
    return undefined;
  } catch (error) {
    return `better-sqlite3 cannot load here (${firstLine(error)})`;
  }
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0];

/**
 * Picks the driver: the one preferred if it works here, else, for `auto`, the first of `order` that does.
 * Throws SqliteUnavailableError when none does.
 */
export function chooseDriver(preference: SqlitePreference, order: readonly SqliteDriverName[], nativeBinding?: string): DriverChoice {
  const problems: string[] = [];
  for (const name of preference === 'auto' ? order : [preference]) {
    const problem = name === 'node:sqlite' ? probeNodeSqlite() : probeBetterSqlite3(nativeBinding);
    if (problem === undefined) {
      const driver: SqliteDriver = name === 'better-sqlite3' && nativeBinding ? { name, nativeBinding } : { name };
      const why = preference === 'auto' ? (problems.length ? problems.join('; ') : 'the first choice works here') : 'as configured';
      return { driver, reason: `${name} (${why}; Node ${process.versions.node})` };
    }
    problems.push(problem);
  }
  throw new SqliteUnavailableError(problems.join('; '));
}

let fromEnvironment: SqliteDriver | undefined;

/**
 * The driver of processes that do not choose one themselves (the CLI, tests, benchmarks): CODE_MEMORY_SQLITE
 * (`better-sqlite3`, `node:sqlite` or `auto`), by default better-sqlite3 where its addon loads, else node:sqlite.
 */
export function defaultDriver(): SqliteDriver {
  if (!fromEnvironment) {
    const value = (process.env.CODE_MEMORY_SQLITE || 'auto').trim();
    const preference = value === 'node' ? 'node:sqlite' : value as SqlitePreference;
    if (!SQLITE_PREFERENCES.includes(preference)) {
      throw new SqliteUnavailableError(`CODE_MEMORY_SQLITE is "${value}": use ${SQLITE_PREFERENCES.join(', ')}`);
    }
    fromEnvironment = chooseDriver(preference, ['better-sqlite3', 'node:sqlite']).driver;
  }
  return fromEnvironment;
}
