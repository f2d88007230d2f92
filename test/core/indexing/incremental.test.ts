import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../../src/core/workspaceIndex';
import { tempDir, writeTree } from '../../helpers';

const USERS = [
  'from .db import query',
  '',
  'def get_user_by_id(user_id):',
  '    return query(user_id)',
  '',
  'def list_users():',
  '    return [get_user_by_id(i) for i in range(3)]',
  '',
].join('\n');
const DB = 'def query(sql):\n    return sql\n\ndef connect():\n    return query("x")\n';
const ORDERS = 'from .users import get_user_by_id\n\ndef order_owner(order):\n    return get_user_by_id(order.user)\n';

function setup(): { root: string; index: WorkspaceIndex } {
  const root = tempDir();
  writeTree(root, { 'app/users.py': USERS, 'app/db.py': DB, 'app/orders.py': ORDERS });
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  return { root, index };
}

type Row = Record<string, unknown>;

function snapshot(index: WorkspaceIndex): { entities: Row[]; units: Row[]; calls: Row[]; fts: number } {
  const db = index.database;
  return {
    entities: db.prepare(`SELECT e.id, f.path, e.qualified_name, e.start_line, e.end_line, e.content_hash
                          FROM entities e JOIN files f ON f.id = e.file_id ORDER BY e.id`).all() as Row[],
    units: db.prepare(`SELECT u.id, f.path, u.kind, u.start_line, u.end_line, u.content_hash
                       FROM units u JOIN files f ON f.id = u.file_id ORDER BY u.id`).all() as Row[],
    calls: db.prepare(`SELECT caller.qualified_name AS caller, c.name, target.qualified_name AS target
                       FROM calls c JOIN entities caller ON caller.id = c.entity_id
                       LEFT JOIN entities target ON target.id = c.target_id
                       ORDER BY caller.qualified_name, c.name`).all() as Row[],
    fts: (db.prepare("SELECT count(*) AS n FROM units_fts WHERE units_fts MATCH 'get OR list OR query OR connect OR order'").get() as { n: number }).n,
  };
}

let edits = 0;
/** An edit made a while ago (a new mtime, but not one too recent to trust). */
function edit(file: string, content: string): void {
  fs.writeFileSync(file, content);
  const earlier = new Date(Date.now() - 600_000 + ++edits * 1000);
  fs.utimesSync(file, earlier, earlier);
}

test('incremental: calls resolve across files through imports and unique names', async () => {
  const { index } = setup();
  const summary = await index.indexRepository();
  assert.equal(summary.indexed, 3);
  assert.deepEqual(snapshot(index).calls, [
    { caller: 'connect', name: 'query', target: 'query' },
    { caller: 'get_user_by_id', name: 'query', target: 'query' },
    { caller: 'list_users', name: 'get_user_by_id', target: 'get_user_by_id' },
    { caller: 'list_users', name: 'range', target: null },
    { caller: 'order_owner', name: 'get_user_by_id', target: 'get_user_by_id' },
  ]);
  const imports = index.database.prepare(
    'SELECT f.path, i.module, t.path AS target FROM imports i JOIN files f ON f.id = i.file_id LEFT JOIN files t ON t.id = i.target_file_id ORDER BY f.path').all();
  assert.deepEqual(imports, [
    { path: 'app/orders.py', module: '.users', target: 'app/users.py' },
    { path: 'app/users.py', module: '.db', target: 'app/db.py' },
  ]);
  index.close();
});

test('incremental: re-indexing an unchanged tree writes nothing', async () => {
  const { index } = setup();
  await index.indexRepository();
  const before = snapshot(index);
  const again = await index.indexRepository();
  assert.equal(again.rowsWritten, 0);
  assert.equal(again.unchanged, 3);
  assert.equal(again.indexed, 0);
  assert.deepEqual(snapshot(index), before);
  index.close();
});

test('incremental: a touched file with the same content is not re-parsed', async () => {
  const { root, index } = setup();
  await index.indexRepository();
  const before = snapshot(index);
  edit(path.join(root, 'app/db.py'), DB);
  const again = await index.indexRepository();
  assert.equal(again.indexed, 0);
  assert.equal(again.unchanged, 3);
  assert.equal(again.rowsWritten, 1, 'only the file row records the new mtime');
  assert.deepEqual(snapshot(index), before);
  index.close();
});

test('incremental: editing one function changes only that entity', async () => {
  const { root, index } = setup();
  await index.indexRepository();
  const before = snapshot(index);
  edit(path.join(root, 'app/users.py'), USERS.replace('return [get_user_by_id(i) for i in range(3)]', 'return [get_user_by_id(i) for i in range(9)]'));
  const summary = await index.indexRepository();
  assert.equal(summary.indexed, 1);
  const after = snapshot(index);
  const changed = after.entities.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before.entities[i]));
  assert.deepEqual(changed.map((r) => r.qualified_name), ['list_users']);
  assert.equal(changed[0].id, before.entities.find((r) => r.qualified_name === 'list_users')!.id, 'same row, same id');
  assert.deepEqual(after.calls, before.calls);
  // Only the edited function's unit is rewritten; the others keep their rows.
  const kept = after.units.filter((u) => before.units.some((b) => JSON.stringify(b) === JSON.stringify(u)));
  assert.equal(kept.length, before.units.length - 1);
  assert.deepEqual(after.units.filter((u) => !kept.includes(u)).map((u) => [u.path, u.start_line, u.end_line]), [['app/users.py', 6, 7]]);
  index.close();
});

test('incremental: deleting a file removes its rows and unlinks calls into it', async () => {
  const { root, index } = setup();
  await index.indexRepository();
  fs.rmSync(path.join(root, 'app/db.py'));
  const summary = await index.indexRepository();
  assert.equal(summary.removed, 1);
  const after = snapshot(index);
  assert.deepEqual(after.entities.map((r) => r.qualified_name).sort(), ['get_user_by_id', 'list_users', 'order_owner']);
  assert.deepEqual(after.calls.filter((c) => c.name === 'query'), [{ caller: 'get_user_by_id', name: 'query', target: null }]);
  assert.equal(index.search('connect').length, 0, 'no stale full-text rows');
  // users.py and orders.py: an import line and two functions, and an import line and a function; none of db.py.
  assert.equal(after.fts, 5);
  assert.equal(after.units.filter((u) => u.path === 'app/db.py').length, 0);
  index.close();
});

test('incremental: renaming a file leaves no stale rows and relinks imports', async () => {
  const { root, index } = setup();
  await index.indexRepository();
  fs.renameSync(path.join(root, 'app/db.py'), path.join(root, 'app/database.py'));
  edit(path.join(root, 'app/users.py'), USERS.replace('from .db import', 'from .database import'));
  await index.indexRepository();
  const files = index.database.prepare('SELECT path FROM files ORDER BY path').all();
  assert.deepEqual(files, [{ path: 'app/database.py' }, { path: 'app/orders.py' }, { path: 'app/users.py' }]);
  const after = snapshot(index);
  assert.equal(after.entities.length, 5);
  assert.deepEqual(after.calls.filter((c) => c.name === 'query').map((c) => c.target), ['query', 'query']);
  assert.deepEqual(index.search('connect').map((h) => h.file), ['app/database.py']);
  index.close();
});

test('incremental: reindexFile updates one file and the links that depend on it', async () => {
  const { root, index } = setup();
  await index.indexRepository();
  // A second definition of get_user_by_id makes the global name ambiguous; orders.py imports users.py, so
  // its call must stay linked to the imported definition.
  writeTree(root, { 'app/admin.py': 'def get_user_by_id(x):\n    return x\n' });
  const added = await index.reindexFile('app/admin.py');
  assert.equal(added.status, 'indexed');
  assert.equal(added.entityIds.length, 1);
  const calls = snapshot(index).calls;
  assert.deepEqual(calls.find((c) => c.caller === 'order_owner'), { caller: 'order_owner', name: 'get_user_by_id', target: 'get_user_by_id' });
  const target = index.database.prepare(`SELECT f.path FROM calls c JOIN entities e ON e.id = c.target_id
    JOIN files f ON f.id = e.file_id JOIN entities caller ON caller.id = c.entity_id WHERE caller.name = 'order_owner'`).get();
  assert.deepEqual(target, { path: 'app/users.py' });

  fs.rmSync(path.join(root, 'app/admin.py'));
  assert.equal((await index.reindexFile('app/admin.py')).status, 'removed');
  const hits = index.search('get user by id');
  assert.deepEqual(hits.filter((h) => h.entity?.name === 'get_user_by_id').map((h) => h.file), ['app/users.py']);
  assert.equal((await index.reindexFile(path.join(root, 'app/users.py'))).status, 'unchanged');
  await assert.rejects(index.reindexFile('../elsewhere.py'), /outside the workspace/);
  await assert.rejects(index.reindexFile('notes.txt'), /not a supported source file/);
  index.close();
});

test('incremental: a cancelled run keeps what it wrote and the next run finishes the job', async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`m${i}.py`] = `def f${i}():\n    return f${(i + 1) % 60}()\n`;
  writeTree(root, files);
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  const controller = new AbortController();
  const first = await index.indexRepository({
    signal: controller.signal,
    onProgress: (p) => {
      if (p.phase === 'parsing' && p.done > 0) controller.abort();
    },
  });
  assert.equal(first.cancelled, true);
  assert.ok(first.indexed > 0 && first.indexed < 60, `indexed ${first.indexed}`);
  const second = await index.indexRepository();
  assert.equal(second.cancelled, false);
  assert.equal(second.indexed + first.indexed, 60);
  const unresolved = index.database.prepare('SELECT count(*) AS n FROM calls WHERE target_id IS NULL').get();
  assert.deepEqual(unresolved, { n: 0 }, 'the graph is linked after the interrupted run');
  index.close();
});

test('incremental: an edit keeping size and mtime is still found when the file was indexed right after a change', async () => {
  const root = tempDir();
  const file = path.join(root, 'fast.py');
  fs.writeFileSync(file, 'def alpha():\n    pass\n');
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await index.indexRepository();
  // Same length, same mtime: what a coarse file system (FAT, SMB: 2 s timestamps) shows after a quick edit.
  const { mtime } = fs.statSync(file);
  fs.writeFileSync(file, 'def bravo():\n    pass\n');
  fs.utimesSync(file, mtime, mtime);
  const again = await index.indexRepository();
  assert.equal(again.indexed, 1);
  assert.deepEqual(index.search('bravo').map((h) => h.entity?.name), ['bravo']);
  assert.deepEqual(index.search('alpha'), []);
  index.close();
});

test('incremental: a new extractor writes every full-text row again, even for code that did not change', async () => {
  const { index } = setup();
  await index.indexRepository();
  // What an older extractor left: full-text rows that no longer say what the code does.
  const db = index.database;
  const listUsers = db.prepare("SELECT u.id FROM units u JOIN entities e ON e.id = u.entity_id WHERE e.name = 'list_users'").pluck().get();
  db.prepare('DELETE FROM units_fts WHERE rowid = ?').run(listUsers);
  db.prepare("UPDATE meta SET value = 'an older extractor' WHERE key = 'extractor_version'").run();
  index.lexicalSearch.invalidate();
  assert.equal(index.search('list users').some((h) => h.entity?.name === 'list_users'), false);
  const again = await index.indexRepository();
  assert.equal(again.indexed, 3);
  assert.equal(index.search('list users')[0]?.entity?.name, 'list_users');
  assert.equal(index.outdated(), false);
  index.close();
});

test('incremental: a run with another unit size that is cut short is finished by the next run', async () => {
  const root = tempDir();
  const body = Array.from({ length: 30 }, (_, i) => `    total += ${i}`).join('\n');
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`m${i}.py`] = `def f${i}(total):\n${body}\n    return total\n`;
  writeTree(root, files);
  const dbPath = path.join(tempDir(), 'index.db');
  const first = WorkspaceIndex.open(root, { dbPath });
  await first.indexRepository();
  first.close();
  const longest = (index: WorkspaceIndex) => index.database.prepare('SELECT max(end_line - start_line + 1) FROM units').pluck().get();

  const resized = WorkspaceIndex.open(root, { dbPath, maxUnitLines: 20 });
  const controller = new AbortController();
  const cut = await resized.indexRepository({
    signal: controller.signal,
    onProgress: (p) => {
      if (p.phase === 'parsing' && p.done >= 150) controller.abort();
    },
  });
  assert.equal(cut.cancelled, true);
  assert.equal(resized.outdated(), true, 'half the files have units of the old size');
  resized.close();

  // Opened without a size: the one asked for last, and every file not yet re-split is parsed again.
  const next = WorkspaceIndex.open(root, { dbPath });
  assert.equal(next.maxUnitLines, 20);
  const rest = await next.indexRepository();
  assert.ok(rest.indexed + cut.indexed >= 300, `${rest.indexed} + ${cut.indexed}`);
  assert.equal(longest(next), 20);
  assert.equal(next.outdated(), false);
  next.close();
});
