import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { sqliteCode } from '../../../src/core/store/database';
import { defaultDriver } from '../../../src/core/store/driver';
import { sqliteConnection, tempDir } from '../../helpers';

// The driver contract the engine relies on, checked on whichever driver the suite runs with (`npm test`:
// better-sqlite3; `npm run test:node-sqlite`: node:sqlite), so both are held to the same behaviour.
const driver = defaultDriver().name;

function table() {
  const db = sqliteConnection(path.join(tempDir(), 'contract.db'));
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB)');
  return db;
}

test(`driver (${driver}): rows as plain objects, arrays or first values, switched both ways`, () => {
  const db = table();
  const statement = db.prepare('SELECT 1 AS a, 2 AS b');
  const row = statement.get();
  assert.deepEqual(row, { a: 1, b: 2 });
  assert.equal(Object.getPrototypeOf(row), Object.prototype);
  assert.deepEqual(statement.raw().get(), [1, 2]);
  assert.deepEqual(statement.pluck(false).all(), [[1, 2]], 'turning pluck off leaves raw on');
  assert.equal(statement.pluck().get(), 1);
  assert.deepEqual(statement.pluck().all(), [1]);
  assert.deepEqual(statement.raw().get(), [1, 2], 'raw replaces pluck');
  assert.deepEqual(statement.raw(false).get(), { a: 1, b: 2 });
  db.close();
});

test(`driver (${driver}): writes report numbers; blobs read back as bytes; undefined binds as NULL`, () => {
  const db = table();
  const insert = db.prepare('INSERT INTO t (name, data) VALUES (@name, @data)');
  const result = insert.run({ name: 'a', data: Buffer.from([1, 2, 3]), unused: 'ignored' });
  assert.deepEqual([Number(result.changes), Number(result.lastInsertRowid)], [1, 1]);
  const data = db.prepare('SELECT data FROM t').pluck().get();
  assert.ok(data instanceof Uint8Array);
  assert.deepEqual([...data], [1, 2, 3]);
  assert.equal(db.prepare('SELECT ? IS NULL').pluck().get(undefined), 1);
  insert.run({ name: undefined, data: null });
  assert.equal(db.prepare('SELECT count(*) FROM t WHERE name IS NULL').pluck().get(), 1);
  db.close();
});

test(`driver (${driver}): transactions commit, roll back on a throw, and nest as savepoints`, () => {
  const db = table();
  const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
  const names = () => db.prepare('SELECT name FROM t ORDER BY id').pluck().all();
  db.transaction(() => {
    insert.run('outer');
    assert.equal(db.inTransaction, true);
    assert.throws(() => db.transaction(() => {
      insert.run('inner');
      throw new Error('inner fails');
    })(), /inner fails/);
    insert.run('after');
  }).immediate();
  assert.deepEqual(names(), ['outer', 'after'], 'only the inner savepoint was rolled back');
  assert.equal(db.inTransaction, false);
  assert.throws(() => db.transaction(() => {
    insert.run('lost');
    throw new Error('outer fails');
  }).deferred(), /outer fails/);
  assert.throws(() => db.transaction((() => Promise.resolve()) as () => unknown)(), /cannot return a promise/);
  assert.deepEqual(names(), ['outer', 'after']);
  assert.equal(db.inTransaction, false);
  db.close();
});

test(`driver (${driver}): an open iterator holds its statement; leaving the loop early releases it`, () => {
  const db = table();
  const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
  for (const name of ['a', 'b', 'c']) insert.run(name);
  const select = db.prepare('SELECT name FROM t ORDER BY id').pluck();
  const iterator = select.iterate();
  assert.deepEqual(iterator.next(), { done: false, value: 'a' });
  assert.throws(() => select.all(), TypeError, 'busy while iterating');
  iterator.return?.();
  for (const name of select.iterate()) if (name === 'b') break;
  assert.deepEqual(select.all(), ['a', 'b', 'c']);
  assert.deepEqual([...select.iterate()], ['a', 'b', 'c']);
  db.close();
});

test(`driver (${driver}): SQLite errors carry the result code's name; pragmas read and set`, () => {
  const file = path.join(tempDir(), 'busy.db');
  const holder = sqliteConnection(file);
  assert.equal(holder.pragma('journal_mode = WAL', { simple: true }), 'wal');
  holder.exec('CREATE TABLE t (x)');
  const other = sqliteConnection(file);
  other.pragma('busy_timeout = 0');
  assert.equal(other.pragma('busy_timeout', { simple: true }), 0);
  assert.deepEqual((other.pragma('table_info(t)') as { name: string }[]).map((column) => column.name), ['x']);
  holder.prepare('BEGIN IMMEDIATE').run();
  assert.throws(() => other.transaction(() => other.exec('INSERT INTO t VALUES (1)')).immediate(),
    (error: unknown) => sqliteCode(error) === 'SQLITE_BUSY');
  holder.prepare('COMMIT').run();
  assert.throws(() => other.exec('SELECT * FROM missing'), (error: unknown) => sqliteCode(error) === 'SQLITE_ERROR');
  holder.close();
  other.close();
  assert.equal(other.open, false);
});
