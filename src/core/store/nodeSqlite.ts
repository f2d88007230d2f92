import * as fs from 'node:fs';
import type { ConnectFlags, Database, RunResult, Statement, Transaction } from './driver';

/**
 * Node's built-in SQLite behind the driver interface. Node 22.16 is the first with what the index needs: FTS5
 * (22.13–22.15 ship SQLite without it), rows as arrays and `isTransaction`. Loaded on first use only: an
 * eager import crashed VS Code's extension host under the debugger (microsoft/vscode-copilot-chat#4441).
 */
export const NODE_SQLITE_MIN_NODE = '22.16.0';

interface NodeStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  setReturnArrays(enabled: boolean): void;
  setAllowUnknownNamedParameters(enabled: boolean): void;
}

interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
}

interface NodeSqliteModule {
  DatabaseSync: new (file: string, options?: { readOnly?: boolean; timeout?: number }) => NodeDatabase;
}

/** better-sqlite3's busy timeout when a connection opens (node:sqlite's is 0): the engine sets its own after. */
const OPEN_BUSY_TIMEOUT_MS = 5000;

let loaded: NodeSqliteModule | undefined;

function load(): NodeSqliteModule {
  if (!loaded) {
    // Node 22 warns once that SQLite is experimental: on a CLI's stderr that reads like a fault.
    const emitWarning = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      if (!/SQLite is an experimental feature/.test(String((warning as Error)?.message ?? warning))) {
        (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
      }
    }) as typeof process.emitWarning;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('node:sqlite') as NodeSqliteModule;
    } finally {
      process.emitWarning = emitWarning;
    }
  }
  return loaded;
}

let probed: { problem: string | undefined } | undefined;

/** Why node:sqlite cannot hold an index in this runtime, if it cannot. */
export function probeNodeSqlite(): string | undefined {
  probed ??= { problem: probe() };
  return probed.problem;
}

function probe(): string | undefined {
  const needs = `needs Node ${NODE_SQLITE_MIN_NODE} or later, this is ${process.versions.node}`;
  let sqlite: NodeSqliteModule;
  try {
    sqlite = load();
  } catch {
    return `node:sqlite is missing (${needs})`;
  }
  try {
    const db = new sqlite.DatabaseSync(':memory:');
    try {
      db.exec('CREATE VIRTUAL TABLE probe USING fts5(body)');
      const statement = db.prepare('SELECT 1');
      if (typeof statement.setReturnArrays !== 'function' || typeof statement.setAllowUnknownNamedParameters !== 'function' ||
          typeof db.isTransaction !== 'boolean') {
        return `node:sqlite is too old (${needs})`;
      }
    } finally {
      db.close();
    }
  } catch (error) {
    return `node:sqlite cannot index here (${(error as Error).message}; ${needs})`;
  }
  return undefined;
}

export function openNodeSqlite(file: string, flags: ConnectFlags): Database {
  // DatabaseSync creates a missing file unless it opens read-only.
  if (flags.fileMustExist && !flags.readonly && file !== ':memory:' && !fs.existsSync(file)) {
    throw Object.assign(new Error(`unable to open database file ${file}`), { code: 'SQLITE_CANTOPEN' });
  }
  return new NodeSqliteConnection(new (load().DatabaseSync)(file, { readOnly: !!flags.readonly, timeout: OPEN_BUSY_TIMEOUT_MS }), file);
}

type Shape = 'object' | 'array' | 'first';

/** better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it. */
function bindable(params: unknown[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (value === undefined) params[i] = null;
    else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && Object.values(value).includes(undefined)) {
      params[i] = Object.fromEntries(Object.entries(value).map(([key, v]) => [key, v === undefined ? null : v]));
    }
  }
  return params;
}

class NodeSqliteStatement implements Statement {
  private shape: Shape = 'object';
  /** An iterator is open: better-sqlite3 refuses to run or reshape the statement until it ends. */
  private iterating = false;

  constructor(private readonly statement: NodeStatement) {
    // better-sqlite3 ignores properties of a parameter object that the SQL does not name; node:sqlite throws.
    statement.setAllowUnknownNamedParameters(true);
  }

  pluck(toggle = true): this {
    return this.reshape(toggle ? 'first' : this.shape === 'first' ? 'object' : this.shape);
  }

  raw(toggle = true): this {
    return this.reshape(toggle ? 'array' : this.shape === 'array' ? 'object' : this.shape);
  }

  private reshape(shape: Shape): this {
    this.idle();
    this.shape = shape;
    this.statement.setReturnArrays(shape !== 'object');
    return this;
  }

  private idle(): void {
    if (this.iterating) throw new TypeError('This statement is busy executing a query');
  }

  run(...params: unknown[]): RunResult {
    this.idle();
    return this.statement.run(...bindable(params));
  }

  get(...params: unknown[]): unknown {
    this.idle();
    const row = this.statement.get(...bindable(params));
    return row === undefined ? row : this.shaped(row);
  }

  all(...params: unknown[]): unknown[] {
    this.idle();
    const rows = this.statement.all(...bindable(params));
    if (this.shape !== 'array') for (let i = 0; i < rows.length; i++) rows[i] = this.shaped(rows[i]);
    return rows;
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    this.idle();
    const rows = this.statement.iterate(...bindable(params));
    this.iterating = true;
    let open = true;
    const finish = () => {
      if (open) this.iterating = open = false;
    };
    const iterator: IterableIterator<unknown> = {
      next: () => {
        if (!open) return { done: true, value: undefined };
        let step: IteratorResult<unknown>;
        try {
          step = rows.next();
        } catch (error) {
          finish();
          throw error;
        }
        if (step.done) finish();
        return step.done ? step : { done: false, value: this.shaped(step.value) };
      },
      // A loop left early (break, return, throw) ends the query, as better-sqlite3's iterator does.
      return: (value?: unknown) => {
        finish();
        rows.return?.();
        return { done: true, value };
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  /** node:sqlite's row objects have no prototype; better-sqlite3's, like any object literal, have Object's. */
  private shaped(row: unknown): unknown {
    return this.shape === 'first' ? (row as unknown[])[0] : this.shape === 'object' ? { ...(row as object) } : row;
  }
}

const SAVEPOINT = '"code memory savepoint"';

class NodeSqliteConnection implements Database {
  private readonly control: Record<'deferred' | 'immediate' | 'exclusive' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', NodeStatement>;

  constructor(private readonly db: NodeDatabase, readonly name: string) {
    const p = (sql: string) => db.prepare(sql);
    this.control = {
      deferred: p('BEGIN DEFERRED'), immediate: p('BEGIN IMMEDIATE'), exclusive: p('BEGIN EXCLUSIVE'),
      commit: p('COMMIT'), rollback: p('ROLLBACK'),
      savepoint: p(`SAVEPOINT ${SAVEPOINT}`), release: p(`RELEASE ${SAVEPOINT}`), rollbackTo: p(`ROLLBACK TO ${SAVEPOINT}`),
    };
  }

  get open(): boolean {
    return this.db.isOpen;
  }

  get inTransaction(): boolean {
    return this.db.isOpen && this.db.isTransaction;
  }

  prepare(sql: string): Statement {
    return new NodeSqliteStatement(this.db.prepare(sql));
  }

  exec(sql: string): this {
    this.db.exec(sql);
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const statement = this.prepare(`PRAGMA ${source}`);
    return options.simple ? statement.pluck().get() : statement.all();
  }

  close(): this {
    if (this.db.isOpen) this.db.close();
    return this;
  }

  /** better-sqlite3's transaction functions: a savepoint when already in a transaction, rollback on a throw. */
  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F> {
    const wrap = (begin: NodeStatement): F => ((...args: Parameters<F>) => {
      const nested = this.inTransaction;
      const c = this.control;
      (nested ? c.savepoint : begin).run();
      try {
        const result = fn(...args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          throw new TypeError('Transaction function cannot return a promise');
        }
        (nested ? c.release : c.commit).run();
        return result;
      } catch (error) {
        if (this.inTransaction) {
          if (nested) {
            c.rollbackTo.run();
            c.release.run();
          } else {
            c.rollback.run();
          }
        }
        throw error;
      }
    }) as F;
    return Object.assign(wrap(this.control.deferred), {
      deferred: wrap(this.control.deferred),
      immediate: wrap(this.control.immediate),
      exclusive: wrap(this.control.exclusive),
    });
  }
}

/** SQLite's primary result codes, by number (better-sqlite3 names errors by them; node:sqlite gives numbers). */
const PRIMARY_CODES = ['OK', 'ERROR', 'INTERNAL', 'PERM', 'ABORT', 'BUSY', 'LOCKED', 'NOMEM', 'READONLY', 'INTERRUPT',
  'IOERR', 'CORRUPT', 'NOTFOUND', 'FULL', 'CANTOPEN', 'PROTOCOL', 'EMPTY', 'SCHEMA', 'TOOBIG', 'CONSTRAINT', 'MISMATCH',
  'MISUSE', 'NOLFS', 'AUTH', 'FORMAT', 'RANGE', 'NOTADB', 'NOTICE', 'WARNING'];
/** The extended codes the engine tells apart (sqlite3.h). */
const EXTENDED_CODES: Record<number, string> = {
  261: 'BUSY_RECOVERY', 517: 'BUSY_SNAPSHOT', 773: 'BUSY_TIMEOUT',
  267: 'CORRUPT_VTAB', 523: 'CORRUPT_SEQUENCE', 779: 'CORRUPT_INDEX',
  264: 'READONLY_RECOVERY', 520: 'READONLY_CANTLOCK', 776: 'READONLY_ROLLBACK', 1032: 'READONLY_DBMOVED',
  1288: 'READONLY_CANTINIT', 1544: 'READONLY_DIRECTORY',
};

/** `SQLITE_BUSY`, `SQLITE_CORRUPT_INDEX`, … for a node:sqlite error's extended result code. */
export function resultCodeName(errcode: number): string {
  return `SQLITE_${EXTENDED_CODES[errcode] ?? PRIMARY_CODES[errcode & 0xff] ?? errcode}`;
}
