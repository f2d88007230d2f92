import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { defaultDriver } from '../../../src/core/store/driver';
import { noMemories, REPO_ROOT, tempDir, writeTree } from '../../helpers';

/** The Node that ran npm ci, with better-sqlite3: set by `npm run test:node-sqlite` for this process's node:sqlite. */
const OTHER_NODE = process.env.CODE_MEMORY_OTHER_NODE;
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

test('drivers: an index written with better-sqlite3 is read and written with node:sqlite, and back', {
  skip: !OTHER_NODE && 'runs in npm run test:node-sqlite, beside a Node with better-sqlite3',
  timeout: 120_000,
}, async () => {
  assert.equal(defaultDriver().name, 'node:sqlite', 'this process uses node:sqlite');
  const root = tempDir();
  writeTree(root, { 'billing.py': 'def total_with_tax(lines):\n    """Sum of the lines plus VAT."""\n    return sum(lines) * 1.2\n' });
  const db = path.join(tempDir(), 'index.db');
  const betterSqlite3 = (...args: string[]) => {
    const run = spawnSync(OTHER_NODE!, [CLI, ...args, '--db', db], { encoding: 'utf8', env: { ...process.env, CODE_MEMORY_SQLITE: 'better-sqlite3' } });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout;
  };
  const files = (json: string) => (JSON.parse(json).results as { file: string }[]).map((r) => r.file);

  // better-sqlite3 writes code and a memory.
  betterSqlite3('index', root);
  betterSqlite3('remember-debug', '--workspace', root, '--problem', 'VAT doubled on refunds', '--error', 'AssertionError: 2.4 != 1.2',
    '--solution', 'apply the rate once in total_with_tax');

  // node:sqlite reads both, then writes more code and a memory.
  const system = CodeMemorySystem.open(root, { dbPath: db });
  try {
    assert.deepEqual(system.index.search('total with tax').map((hit) => hit.file), ['billing.py']);
    const found = await system.retrieveRelevantMemories({ userQuery: 'VAT doubled on refunds' });
    assert.ok(found.some((m) => /apply the rate once/.test(m.text)), 'the memory better-sqlite3 stored');
    writeTree(root, { 'refunds.py': 'def refund_partial_order(order, amount):\n    return order.paid - amount\n' });
    const run = await system.index.indexRepository();
    assert.equal(run.indexed, 1);
    system.addMemory('Partial refunds never exceed what was paid.');
  } finally {
    system.close();
  }

  // better-sqlite3 reads what node:sqlite wrote, and writes again.
  assert.deepEqual(files(betterSqlite3('search', 'refund partial order', '--workspace', root, '--json', '--no-model')).slice(0, 1), ['refunds.py']);
  const stats = JSON.parse(betterSqlite3('stats', '--workspace', root, '--json'));
  assert.equal(stats.files, 2);
  assert.deepEqual(stats.memories, { ...noMemories(), debugging: 1, note: 1 });
  assert.match(betterSqlite3('index', root), /0 indexed, 2 unchanged/);
});
