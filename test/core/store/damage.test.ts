import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { moveAside } from '../../../src/core/store/damage';
import { asDamage, DatabaseDamagedError, isDamage } from '../../../src/core/store/database';
import { damageTablePage, tempDir, writeTree } from '../../helpers';

async function indexedWorkspace(): Promise<{ root: string; db: string }> {
  const root = tempDir();
  writeTree(root, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${i}.py`, `def settle_invoice_${i}(total):\n    return total * ${i}\n`])));
  const db = path.join(tempDir(), 'index.db');
  const system = CodeMemorySystem.open(root, { dbPath: db });
  await system.indexRepository();
  system.addDebuggingSession('Refunds were doubled', 'AssertionError: 200 != 100', 'Refund once per order');
  system.close();
  return { root, db };
}

test('damage: the page check runs off the calling thread, once a day unless forced', async () => {
  const { root, db } = await indexedWorkspace();
  const system = CodeMemorySystem.open(root, { dbPath: db });
  await system.checkPages();
  const checkedAt = () => system.index.database.prepare("SELECT value FROM meta WHERE key = 'pages_checked_at'").pluck().get();
  const first = checkedAt();
  assert.ok(Number(first) > Date.now() - 60_000, 'an intact index records when it was checked');
  await system.checkPages();
  assert.equal(checkedAt(), first, 'not due again the same day');
  await new Promise((resolve) => setTimeout(resolve, 5));
  await system.checkPages(true);
  assert.notEqual(checkedAt(), first, 'forced');
  system.close();
});

test('damage: a damaged page is reported without writing, and the index moved aside is rebuilt with its memories', async () => {
  const { root, db } = await indexedWorkspace();
  damageTablePage(db, 'units');
  const before = fs.readFileSync(db);
  const system = CodeMemorySystem.open(root, { dbPath: db });
  await assert.rejects(system.checkPages(), (error: Error) =>
    error instanceof DatabaseDamagedError && error.file === db && /index\.db is damaged \(.+\); it was left as it is/.test(error.message));
  system.close();
  assert.ok(fs.readFileSync(db).equals(before), 'the damaged file is byte for byte as it was');

  const moved = moveAside(db, new Date('2026-12-01T10:20:30.456Z'));
  assert.equal(moved.file, `${db}.damaged-2026-12-01T10-20-30-456Z`);
  assert.ok(fs.readFileSync(moved.file).equals(before), 'moved, not changed');
  assert.equal(moved.memories, `${moved.file}.memories.json`);
  assert.equal(fs.existsSync(db), false);

  const rebuilt = CodeMemorySystem.open(root, { dbPath: db });
  assert.deepEqual(rebuilt.importMemories(moved.memories!), { added: 1, total: 1 });
  await rebuilt.indexRepository();
  await rebuilt.checkPages(true);
  const { memories: found } = await rebuilt.retrieve({ userQuery: 'refunds doubled' });
  assert.ok(found.some((m) => /Refund once per order/.test(m.text)), 'the memory is back');
  assert.ok((await rebuilt.retrieve({ userQuery: 'settle invoice' })).memories.some((m) => /settle_invoice_/.test(m.text)), 'the code is back');
  rebuilt.close();
});

test('damage: a full-text table that no longer opens is damage, said as the page check says it; other errors stay as they are', () => {
  const vtable = Object.assign(new Error('vtable constructor failed: units_fts'), { code: 'SQLITE_ERROR' });
  assert.ok(isDamage(vtable));
  const said = asDamage(vtable, '/cache/index.db');
  assert.ok(said instanceof DatabaseDamagedError);
  assert.equal((said as Error).message, '/cache/index.db is damaged (vtable constructor failed: units_fts); it was left as it is');
  const other = Object.assign(new Error('no such table: nowhere'), { code: 'SQLITE_ERROR' });
  assert.ok(!isDamage(other));
  assert.equal(asDamage(other, '/cache/index.db'), other);
  const already = new DatabaseDamagedError('/a.db', 'page 3');
  assert.equal(asDamage(already, '/b.db'), already);
});
