import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { MemoryService } from '../../../src/core/memories/memoryService';
import { MAX_RECEIPTS, type NewReceipt, ReceiptStore } from '../../../src/core/receipts/receiptStore';
import { openDatabase } from '../../../src/core/store/database';
import { runMemoryTool } from '../../../src/core/tools/memoryTools';
import { tempDir, writeTree } from '../../helpers';

const PARTS = { source: 'lexical' as const, base: 0.5, dependencyBoost: 0, recencyBoost: 0 };

function receipt(question: string, fields: Partial<NewReceipt> = {}): NewReceipt {
  return {
    origin: 'chat', thread: 'where are invoices totalled?', question, answer: `About ${question}.`, model: 'Fake Large',
    used: [{ id: 'code:1', kind: 'code', label: 'total', file: 'src/a.py', startLine: 1, endLine: 3, score: 0.5, parts: PARTS, reasoning: 'matched "total"' }],
    leftOut: [], modelCalls: 1, promptTokens: 120, cacheHits: 0, retrievalMs: 12, ...fields,
  };
}

test('receipts: kept with what was used and left out, newest first, searchable, secrets redacted, the newest 200 only', async () => {
  const db = openDatabase(path.join(tempDir(), 'index.db'));
  const receipts = new ReceiptStore(db);
  const first = await receipts.add(receipt('where are invoices totalled?', {
    answer: 'Use the key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD to call it.',
    leftOut: [{ id: 'mem:4', kind: 'note', label: 'old note', score: 0.2, parts: PARTS, reasoning: 'matched "invoice"' }],
  }));
  assert.ok(first);
  const stored = receipts.get(first)!;
  assert.equal(stored.used[0].file, 'src/a.py');
  assert.deepEqual(stored.leftOut.map((i) => i.id), ['mem:4']);
  assert.ok(!stored.answer!.includes('sk-proj-abcdefghijklmnopqrstuvwxyz'), stored.answer);
  await receipts.add(receipt('how is tax added 100%_done?'));
  assert.deepEqual(receipts.list().map((r) => r.question), ['how is tax added 100%_done?', 'where are invoices totalled?']);
  assert.deepEqual(receipts.list({ text: '100%_' }).map((r) => r.question), ['how is tax added 100%_done?'], 'LIKE wildcards are literal');
  assert.deepEqual(receipts.list({ text: 'to call it' }).map((r) => r.id), [first], 'answers are searched too');
  for (let i = 0; i < MAX_RECEIPTS; i++) await receipts.add(receipt(`question ${i}`));
  assert.equal(receipts.list({ limit: 1000 }).length, MAX_RECEIPTS);
  assert.equal(receipts.get(first), undefined, 'the oldest went');
  assert.equal(receipts.clear(), MAX_RECEIPTS);
  assert.deepEqual(receipts.list(), []);
  db.close();
});

test('receipts: a receipt that meets another process\'s write lock waits without blocking, then is written', async () => {
  const file = path.join(tempDir(), 'index.db');
  const db = openDatabase(file);
  const other = openDatabase(file);
  const receipts = new ReceiptStore(db);
  other.exec('BEGIN IMMEDIATE');
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const pending = receipts.add(receipt('asked while the index was being written'));
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.ok(ticks >= 10, 'the event loop kept running while the receipt waited');
  assert.deepEqual(receipts.list(), []);
  other.exec('COMMIT');
  const id = await pending;
  clearInterval(timer);
  assert.ok(id && receipts.get(id));
  other.close();
  db.close();
});

test('receipts: an agent\'s search through the memory tools leaves one, naming what it returned', async () => {
  const root = tempDir();
  writeTree(root, { 'src/billing.py': 'def compute_invoice_total(invoice):\n    return round(sum(invoice.lines), 2)\n' });
  const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await system.indexRepository();
  const service = new MemoryService(system, false);
  const text = await runMemoryTool({ primary: service }, 'codeMemory_search', { query: 'how is the invoice total computed' }, 'mcp:cursor');
  const [made] = await waitForReceipts(system, 1);
  assert.deepEqual([made.origin, made.question, made.answer], ['mcp:cursor', 'how is the invoice total computed', undefined]);
  const shown = (item: (typeof made.used)[number]) => (item.file ? `${item.file}:${item.startLine}-${item.endLine}` : item.id);
  assert.ok(made.used.length && made.used.every((item) => text.includes(shown(item))), `${JSON.stringify(made.used)}\n${text}`);
  assert.equal(made.used[0].file, 'src/billing.py');
  system.close();
});

async function waitForReceipts(system: CodeMemorySystem, n: number) {
  for (let i = 0; i < 50; i++) {
    const list = system.receipts.list();
    if (list.length >= n) return list;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no receipt');
}
