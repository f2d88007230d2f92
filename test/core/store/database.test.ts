import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatabaseError, openDatabase } from '../../../src/core/store/database';
import { chooseDriver, defaultDriver, SqliteUnavailableError, type Database } from '../../../src/core/store/driver';
import { probeNodeSqlite } from '../../../src/core/store/nodeSqlite';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { MemorySystem } from '../../../src/core/memorySystem';
import { WorkspaceIndex } from '../../../src/core/workspaceIndex';
import { runProcess, sqliteConnection, tempDir, writeTree } from '../../helpers';

function expectUntouched(file: string, open: () => unknown, message: RegExp): void {
  const before = fs.readFileSync(file);
  const siblingsBefore = fs.readdirSync(path.dirname(file)).sort();
  assert.throws(open, (error: Error) => error instanceof DatabaseError && message.test(error.message));
  assert.deepEqual(fs.readFileSync(file), before, 'the file is byte-for-byte unchanged');
  assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), siblingsBefore, 'no -wal/-shm left behind');
}

test('store: a new database gets the current schema, WAL and our application id', () => {
  const file = path.join(tempDir(), 'nested', 'index.db');
  const db = openDatabase(file);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('application_id', { simple: true }), 0x434d454d);
  db.close();
  const again = openDatabase(file);
  assert.equal(again.pragma('user_version', { simple: true }), MIGRATIONS.length);
  again.close();
});

test('store: a corrupt file is refused with a clear error and left untouched', () => {
  const file = path.join(tempDir(), 'index.db');
  fs.writeFileSync(file, Buffer.from('this is not a database, just some bytes that happen to be here\n'.repeat(100)));
  expectUntouched(file, () => openDatabase(file), /not a SQLite database.*left untouched/);
});

test('store: damaged pages behind a valid header are refused and left untouched', () => {
  const file = path.join(tempDir(), 'index.db');
  openDatabase(file).close();
  const bytes = fs.readFileSync(file);
  // Keep the 100-byte header, scramble the schema page.
  for (let i = 100; i < Math.min(bytes.length, 4096); i++) bytes[i] = (i * 7) & 0xff;
  fs.writeFileSync(file, bytes);
  expectUntouched(file, () => openDatabase(file), /not a usable Code Memory database|malformed|not a database/i);
});

test('store: another program\'s SQLite database is refused, not altered', () => {
  const file = path.join(tempDir(), 'app.db');
  const foreign = sqliteConnection(file);
  foreign.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO orders (total) VALUES (9.5);");
  foreign.close();
  expectUntouched(file, () => openDatabase(file), /not a Code Memory index/);
});

test('store: a database from a newer version is refused', () => {
  const file = path.join(tempDir(), 'index.db');
  const db = openDatabase(file);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  assert.throws(() => openDatabase(file), /newer Code Memory/);
});

test('store: mustExist reports a missing index instead of creating one', () => {
  const file = path.join(tempDir(), 'missing.db');
  assert.throws(() => openDatabase(file, { mustExist: true }), /no index at .*code-memory index/);
  assert.equal(fs.existsSync(file), false);
});

test('store: a corrupt index never loses the indexed workspace files', () => {
  const root = tempDir();
  writeTree(root, { 'a.py': 'def a():\n    pass\n' });
  const file = path.join(tempDir(), 'index.db');
  fs.writeFileSync(file, 'garbage');
  assert.throws(() => WorkspaceIndex.open(root, { dbPath: file }), DatabaseError);
  assert.equal(fs.readFileSync(path.join(root, 'a.py'), 'utf8'), 'def a():\n    pass\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'garbage');
});

/** better-sqlite3's addon from npm ci, when it was built for the Node running the tests. */
const betterSqlite3Loads = (() => {
  try {
    chooseDriver('better-sqlite3', []);
    return true;
  } catch {
    return false;
  }
})();

test('store: an explicit native binding is loaded; a missing one is a clear error', { skip: !betterSqlite3Loads && 'better-sqlite3 has no build for this Node' }, () => {
  const dir = tempDir();
  const binding = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
  const db = openDatabase(path.join(dir, 'index.db'), { driver: { name: 'better-sqlite3', nativeBinding: binding } });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  assert.throws(() => openDatabase(path.join(dir, 'other.db'), { driver: { name: 'better-sqlite3', nativeBinding: path.join(dir, 'missing.node') } }),
    (error: Error) => error instanceof DatabaseError && /cannot open .*other\.db/.test(error.message));
});

test('store: a driver that cannot load here is refused in one line naming it', () => {
  const missing = path.join(tempDir(), 'missing.node');
  assert.throws(() => chooseDriver('better-sqlite3', [], missing),
    (error: Error) => error instanceof SqliteUnavailableError && /^better-sqlite3 cannot load here \(.+\)$/.test(error.message));
  if (probeNodeSqlite() === undefined) {
    const auto = chooseDriver('auto', ['better-sqlite3', 'node:sqlite'], missing);
    assert.equal(auto.driver.name, 'node:sqlite', 'auto falls back to node:sqlite');
    assert.match(auto.reason, /^node:sqlite \(better-sqlite3 cannot load here .*; Node \d+\.\d+\.\d+\)$/);
  } else {
    // Node 20: no node:sqlite either, and the message says what each driver lacks.
    assert.throws(() => chooseDriver('auto', ['better-sqlite3', 'node:sqlite'], missing), (error: Error) =>
      /^better-sqlite3 cannot load here \(.+\); node:sqlite is missing \(needs Node 22\.16\.0 or later, this is 20\./.test(error.message));
  }
  assert.equal(defaultDriver().name, process.env.CODE_MEMORY_SQLITE === 'node:sqlite' || !betterSqlite3Loads ? 'node:sqlite' : 'better-sqlite3');
});

test('store: the database, its WAL and shared memory, and the folders made for them are user-only whatever the umask', { skip: process.platform === 'win32' }, () => {
  const mode = (target: string) => fs.statSync(target).mode & 0o777;
  for (const umask of [0o022, 0o000]) {
    const previous = process.umask(umask);
    try {
      const base = tempDir();
      fs.chmodSync(base, 0o755);
      const file = path.join(base, 'cache', 'workspace', 'index.db');
      const db = openDatabase(file);
      db.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
      for (const target of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(target), 0o600, `${target} with umask ${umask.toString(8)}`);
      for (const dir of [path.dirname(file), path.dirname(path.dirname(file))]) assert.equal(mode(dir), 0o700, dir);
      assert.equal(mode(base), 0o755, 'a folder that existed is not changed');
      db.close();
      // An index made by an earlier version with 0644 is tightened when opened.
      fs.chmodSync(file, 0o644);
      openDatabase(file).close();
      assert.equal(mode(file), 0o600);
    } finally {
      process.umask(previous);
    }
  }
});

test('store: processes that create the same database at once all succeed and lose no write', async () => {
  // Each process waits for the same moment before opening, so their migrations race.
  const script = `const { MemorySystem } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/memorySystem.js'))});
    while (Date.now() < Number(process.argv[2]));
    const system = MemorySystem.open({ dbPath: process.argv[1] });
    console.log(system.addMemory('note from ' + process.pid));
    system.close();`;
  for (let round = 0; round < 8; round++) {
    const file = path.join(tempDir(), 'new', 'index.db');
    const start = String(Date.now() + 1_000);
    const runs = await Promise.all([0, 1, 2].map(() => runProcess(process.execPath, ['-e', script, file, start])));
    for (const { code, stderr } of runs) assert.equal(code, 0, stderr);
    const db = sqliteConnection(file, { readonly: true });
    assert.equal((db.prepare('SELECT count(*) AS n FROM memories').get() as { n: number }).n, 3);
    db.close();
  }
});

test('store: a memory write waits out another process that holds the lock longer than the busy timeout', { timeout: 30_000 }, async () => {
  const dbPath = path.join(tempDir(), 'index.db');
  MemorySystem.open({ dbPath }).close();
  // Another process takes the write lock and keeps it for 6 s, past the 5 s busy timeout.
  const holder = runProcess(process.execPath, ['-e', `const { connect, defaultDriver } = require(${JSON.stringify(require.resolve('../../../src/core/store/driver'))});
    const db = connect(defaultDriver(), process.argv[1]);
    db.prepare('BEGIN IMMEDIATE').run(); console.log('locked');
    setTimeout(() => { db.prepare('COMMIT').run(); db.close(); }, 6_000);`, dbPath]);
  const probe = sqliteConnection(dbPath);
  while (!isLocked(probe)) await new Promise((resolve) => setTimeout(resolve, 20));
  probe.close();
  const system = MemorySystem.open({ dbPath });
  try {
    const id = system.addMemory('Kept although another process held the lock for 6 s.');
    assert.equal(system.getMemory(id)?.text, 'Kept although another process held the lock for 6 s.');
  } finally {
    system.close();
  }
  assert.equal((await holder).code, 0);
});

function isLocked(db: Database): boolean {
  try {
    db.prepare('BEGIN IMMEDIATE').run();
    db.prepare('ROLLBACK').run();
    return false;
  } catch {
    return true;
  }
}
