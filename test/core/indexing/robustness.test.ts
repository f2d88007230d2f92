import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParsePool } from '../../../src/core/indexing/workerPool';
import { DatabaseError } from '../../../src/core/store/database';
import { WorkspaceIndex } from '../../../src/core/workspaceIndex';
import { tempDir, writeTree } from '../../helpers';

function openIndex(root: string, dbPath = path.join(tempDir(), 'index.db')) {
  return WorkspaceIndex.open(root, { dbPath });
}

test('robustness: an error while handling results rejects the run instead of hanging or dropping files', async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) files[`m${i}.py`] = `def f${i}():\n    pass\n`;
  writeTree(root, files);
  const index = openIndex(root);
  await assert.rejects(
    index.indexRepository({
      onProgress: (p) => {
        if (p.phase === 'parsing' && p.done === 3) throw new Error('progress display broke');
      },
    }),
    /progress display broke/,
  );
  const summary = await index.indexRepository();
  assert.equal(summary.indexed, 20, 'the next run indexes everything');
  index.close();
});

test('robustness: the source bytes in flight over all workers stay under the cap; a bigger file goes alone', async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  const body = (i: number, lines: number) => Array.from({ length: lines }, (_, n) => `def f${i}_${n}(x):\n    return x + ${n}\n`).join('\n');
  for (let i = 0; i < 12; i++) files[`m${i}.py`] = body(i, 3_000);
  files['big.py'] = body(99, 20_000);
  writeTree(root, files);
  const sizes = Object.values(files).map((text) => Buffer.byteLength(text));
  const cap = 4 * Math.max(...sizes.slice(0, 12));
  assert.ok(sizes[12] > cap, 'the big file alone is over the cap');
  const open = () => WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db'), maxFileBytes: 8 * 1024 * 1024 });
  const index = open();
  const summary = await index.indexRepository({ maxBytesInFlight: cap });
  assert.equal(summary.indexed, 13, 'every file is indexed');
  assert.equal(summary.peakBytesInFlight, sizes[12], 'the big file went alone; the others stayed under the cap');
  const loose = open();
  const again = await loose.indexRepository({ maxBytesInFlight: cap * 100 });
  assert.ok(again.peakBytesInFlight > sizes[12], 'without a tight cap more is in flight: the cap is what held it');
  for (const opened of [index, loose]) opened.close();
});

test('robustness: a worker whose heap grew past the limit is replaced after its queue, and nothing is lost', async () => {
  const root = tempDir();
  const names = Array.from({ length: 12 }, (_, i) => `m${i}.py`);
  writeTree(root, Object.fromEntries(names.map((name, i) => [name, `def f${i}():\n    return ${i}\n`])));
  // Every heap is over a limit of one byte: each worker is replaced once its queue is done.
  const pool = new ParsePool({ languages: ['python'] }, 2, undefined, 1);
  const parse = (name: string) => pool.parse({ absolutePath: path.join(root, name), language: 'python', maxFileBytes: 1 << 20, maxUnitLines: 150 });
  try {
    const first = await Promise.all(names.map(parse));
    assert.ok(first.every((o) => o.status === 'parsed'), JSON.stringify(first.filter((o) => o.status !== 'parsed')));
    const recycled = pool.recycled;
    assert.ok(recycled >= 1, 'workers were replaced');
    const second = await Promise.all(names.map(parse));
    assert.ok(second.every((o) => o.status === 'parsed'), 'fresh workers take the next files');
    assert.ok(pool.recycled > recycled);
  } finally {
    await pool.close();
  }
});

test('robustness: a write transaction commits once it has run for the write slice, whatever the batch', async () => {
  const root = tempDir();
  writeTree(root, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`m${i}.py`, `def f${i}():\n    return ${i}\n`])));
  const commits = async (writeSliceMs?: number) => {
    let writes = 0;
    const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
    const summary = await index.indexRepository({ writeSliceMs, onWrite: () => writes++ });
    index.close();
    assert.equal(summary.indexed, 20);
    return writes;
  };
  assert.equal(await commits(), 2, 'one batch, then linking');
  assert.equal(await commits(0), 21, 'a slice of 0 ms commits after every file');
});

test('robustness: closing the pool settles every pending parse as failed', async () => {
  const root = tempDir();
  writeTree(root, { 'a.py': 'def a():\n    pass\n' });
  const pool = new ParsePool({ languages: ['python'] }, 1);
  const pending = Array.from({ length: 40 }, () =>
    pool.parse({ absolutePath: path.join(root, 'a.py'), language: 'python', maxFileBytes: 1 << 20, maxUnitLines: 150 }));
  await pool.close();
  const outcomes = await Promise.all(pending);
  assert.equal(outcomes.length, 40);
  assert.ok(outcomes.every((o) => o.status === 'parsed' || o.status === 'failed'));
  assert.ok(outcomes.some((o) => o.status === 'failed'), 'queued requests fail rather than hang');
});

test('robustness: a long queue of slow files is not mistaken for a hung worker', async () => {
  const root = tempDir();
  const body = Array.from({ length: 2500 }, (_, i) => `def f${i}(x):\n    return g(x) + ${i}\n`).join('\n');
  writeTree(root, { 'a.py': body });
  const request = { absolutePath: path.join(root, 'a.py'), language: 'python' as const, maxFileBytes: 1 << 20, maxUnitLines: 150 };
  const watchdogMs = 1500;
  // Enough files that the queue takes twice as long as the watchdog allows one answer to take.
  const warm = new ParsePool({ languages: ['python'] }, 1);
  await warm.parse(request);
  const started = performance.now();
  await warm.parse(request);
  const perFileMs = performance.now() - started;
  await warm.close();
  const files = Math.min(1000, Math.ceil((2 * watchdogMs) / perFileMs));

  // Queued before the worker has even loaded its grammar, so answers must come one by one from the start.
  const pool = new ParsePool({ languages: ['python'] }, 1, watchdogMs);
  const outcomes = await Promise.all(Array.from({ length: files }, () => pool.parse(request)));
  await pool.close();
  assert.deepEqual(outcomes.filter((o) => o.status !== 'parsed'), []);
});

test('robustness: a file that hangs its worker fails alone; the files queued behind it are parsed', { skip: process.platform === 'win32', timeout: 30_000 }, async () => {
  const root = tempDir();
  writeTree(root, { 'a.py': 'def a():\n    return 1\n' });
  // Reading a named pipe nobody writes to blocks the worker for good: a stand-in for a grammar that loops.
  const pipe = path.join(root, 'stuck.py');
  execFileSync('mkfifo', [pipe]);
  const pool = new ParsePool({ languages: ['python'] }, 1, 1000);
  const ask = (file: string) => pool.parse({ absolutePath: file, language: 'python', maxFileBytes: 1 << 20, maxUnitLines: 150 });
  try {
    const outcomes = await Promise.all([ask(pipe), ...Array.from({ length: 5 }, () => ask(path.join(root, 'a.py')))]);
    assert.equal(outcomes[0].status, 'failed');
    assert.match((outcomes[0] as { detail?: string }).detail ?? '', /stopped answering/);
    assert.deepEqual(outcomes.slice(1).map((o) => o.status), ['parsed', 'parsed', 'parsed', 'parsed', 'parsed']);
  } finally {
    await pool.close();
    // Lets the stopped workers' reads finish, so their threads end.
    fs.closeSync(fs.openSync(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  }
});

test('robustness: a workspace that cannot be listed is an error, and the stored index survives it', async () => {
  const root = tempDir();
  writeTree(root, { 'a.py': 'def keep_me():\n    pass\n' });
  const dbPath = path.join(tempDir(), 'index.db');
  const index = openIndex(root, dbPath);
  await index.indexRepository();
  fs.rmSync(root, { recursive: true });
  await assert.rejects(index.indexRepository(), /cannot read/);
  assert.deepEqual(index.search('keep me').map((h) => h.entity?.name), ['keep_me']);
  index.close();
});

test('robustness: reindexFile follows the same rules as the walk', async () => {
  const root = tempDir();
  const outside = tempDir();
  writeTree(root, {
    '.gitignore': 'ignored.py\n',
    'src/app.py': 'def app():\n    pass\n',
    'ignored.py': 'def ignored_fn():\n    pass\n',
    'node_modules/lib/index.js': 'function depFn() {}\n',
    'build/gen.py': 'def built_fn():\n    pass\n',
  });
  writeTree(outside, { 'secret.py': 'def outside_fn():\n    pass\n' });
  fs.symlinkSync(path.join(outside, 'secret.py'), path.join(root, 'link.py'));
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db'), exclude: ['src/gen_*.py'] });
  await index.indexRepository();
  writeTree(root, { 'src/gen_x.py': 'def generated_fn():\n    pass\n' });
  for (const file of ['ignored.py', 'node_modules/lib/index.js', 'build/gen.py', 'link.py', 'src/gen_x.py']) {
    const result = await index.reindexFile(file);
    assert.deepEqual({ file, status: result.status, reason: result.reason }, { file, status: 'skipped', reason: 'excluded' });
  }
  for (const query of ['ignored fn', 'dep fn', 'built fn', 'outside fn', 'generated fn']) assert.deepEqual(index.search(query), [], query);
  assert.equal((await index.reindexFile('src/app.py')).status, 'unchanged');
  index.close();
});

test('robustness: a Python package with __init__.py and main.py still resolves imports of the package', async () => {
  const root = tempDir();
  writeTree(root, {
    'app/__init__.py': 'def helper():\n    return 1\n',
    'app/main.py': 'def main():\n    return 0\n',
    'tools/run.py': 'from app import helper\n\ndef run():\n    return helper()\n',
    'tools/other.py': 'def helper():\n    return 2\n',
  });
  const index = openIndex(root);
  await index.indexRepository();
  const link = index.database.prepare(`SELECT t.path FROM imports i JOIN files f ON f.id = i.file_id
    JOIN files t ON t.id = i.target_file_id WHERE f.path = 'tools/run.py'`).get();
  assert.deepEqual(link, { path: 'app/__init__.py' });
  const call = index.database.prepare(`SELECT f.path FROM calls c JOIN entities e ON e.id = c.target_id
    JOIN files f ON f.id = e.file_id WHERE c.name = 'helper'`).get();
  assert.deepEqual(call, { path: 'app/__init__.py' }, 'the imported definition wins over the other helper');
  index.close();
});

test('robustness: a new extractor re-parses files whose content did not change', async () => {
  const root = tempDir();
  writeTree(root, { 'a.py': 'def a():\n    pass\n', 'b.py': 'def b():\n    pass\n' });
  const index = openIndex(root);
  await index.indexRepository();
  index.database.prepare("UPDATE meta SET value = 'an older extractor' WHERE key = 'extractor_version'").run();
  const again = await index.indexRepository();
  assert.equal(again.indexed, 2);
  const third = await index.indexRepository();
  assert.equal(third.indexed, 0);
  assert.equal(third.rowsWritten, 0);
  index.close();
});

test('robustness: a file that grows past the size limit is removed once', async () => {
  const root = tempDir();
  writeTree(root, { 'big.py': 'def small():\n    pass\n', 'other.py': 'def other():\n    pass\n' });
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db'), maxFileBytes: 1000 });
  await index.indexRepository();
  writeTree(root, { 'big.py': `def small():\n    pass\n${'# padding\n'.repeat(200)}` });
  const summary = await index.indexRepository();
  assert.equal(summary.removed, 1);
  assert.deepEqual(summary.skipped.map((s) => [s.path, s.reason]), [['big.py', 'too-large']]);
  assert.deepEqual(index.search('small'), []);
  index.close();
});

test('robustness: an index belongs to one workspace; pointing another at it is refused', async () => {
  const first = tempDir();
  const second = tempDir();
  writeTree(first, { 'a.py': 'def first_fn():\n    pass\n' });
  const dbPath = path.join(tempDir(), 'index.db');
  const index = openIndex(first, dbPath);
  await index.indexRepository();
  index.close();
  assert.throws(() => openIndex(second, dbPath), (e: Error) => e instanceof DatabaseError && /is the index of .*left untouched/.test(e.message));
  const reopened = openIndex(first, dbPath);
  assert.deepEqual(reopened.search('first fn').map((h) => h.entity?.name), ['first_fn']);
  reopened.close();
});

test('robustness: a run aborted before its turn writes nothing (its connection is closing under old settings)', async () => {
  const root = tempDir();
  writeTree(root, { 'a.py': 'def audit_ledger():\n    pass\n', 'b.py': 'def billing_total():\n    pass\n' });
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await index.indexRepository();
  fs.unlinkSync(path.join(root, 'b.py'));
  const summary = await index.indexRepository({ signal: AbortSignal.abort() });
  assert.equal(summary.cancelled, true);
  assert.equal(summary.removed, 0);
  assert.deepEqual(index.search('billing total').map((hit) => hit.entity?.name), ['billing_total'], 'b.py is still indexed');
  index.close();
});

test('robustness: a file that must wait for written bytes does not stall the run', async () => {
  const root = tempDir();
  // The first file's results wait in the buffer; the second fits in the byte budget only once they are written.
  writeTree(root, { 'a.py': `def small():\n    return 1\n${'# pad\n'.repeat(40)}`, 'b.py': `def large():\n    return 2\n${'# padding line\n'.repeat(60)}` });
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  const sizes = ['a.py', 'b.py'].map((file) => fs.statSync(path.join(root, file)).size);
  const summary = await index.indexRepository({ workers: 1, maxBytesInFlight: sizes[1] + Math.floor(sizes[0] / 2) });
  assert.equal(summary.indexed, 2);
  index.close();
});
