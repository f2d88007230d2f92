import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { MemoryService } from '../../../src/core/memories/memoryService';
import { ACTIVITY_DAYS, dashboardData, percentile } from '../../../src/core/stats/dashboard';
import { dayOf, daysSince, recordDay } from '../../../src/core/stats/history';
import { tempDir, writeTree } from '../../helpers';

const DAY_MS = 24 * 60 * 60 * 1000;
const PARTS = { source: 'lexical' as const, base: 0.5, dependencyBoost: 0, recencyBoost: 0 };

test('percentile: nearest rank', () => {
  assert.equal(percentile([], 0.5), 0);
  assert.equal(percentile([30, 10, 20], 0.5), 20);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 10);
  assert.equal(percentile([5], 0.95), 5);
});

test('dashboard: totals, languages, history per day, activity per day from receipts, cache, scoring note, conflicting memories', async () => {
  const root = tempDir();
  writeTree(root, {
    'src/billing.py': 'def total(lines):\n    return sum(lines)\n', 'src/tax.py': 'def tax(x):\n    return x\n', 'web/app.ts': 'export function start() {}\n',
  });
  const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await system.indexRepository();
  const service = new MemoryService(system, false);
  const a = service.store({ kind: 'note', content: 'Totals are rounded.', citations: [{ file: 'src/billing.py', startLine: 1, endLine: 2 }], source: 'user' }).memory;
  const b = service.store({ kind: 'note', content: 'Totals are truncated.', citations: [{ file: 'src/billing.py', startLine: 2, endLine: 2 }], source: 'user' }).memory;
  const now = Date.parse('2031-05-14T12:00:00'); // any day: the dashboard takes its counts as of `now`
  recordDay(system.index.database, { files: 2, entities: 2, units: 2, memories: 0 }, now - 3 * DAY_MS);
  recordDay(system.index.database, { files: 1, entities: 1, units: 1, memories: 0 }, now - 40 * DAY_MS);
  const receipt = (createdAt: number, retrievalMs: number, modelCalls: number) => system.receipts.add({
    createdAt, origin: 'chat', question: 'q', used: [{ id: 'code:1', kind: 'code', label: 'total', score: 0.5, parts: PARTS, reasoning: '' }],
    leftOut: [], modelCalls, promptTokens: modelCalls * 100, cacheHits: 0, retrievalMs,
  });
  await receipt(now - 1 * DAY_MS, 10, 1);
  await receipt(now - 1 * DAY_MS, 30, 3);
  await receipt(now, 20, 0);
  await receipt(now - 20 * DAY_MS, 999, 9); // older than the activity window

  const data = dashboardData([{ name: 'shop', system, service }], { now, scoringNote: 'turned off' });
  assert.deepEqual([data.totals.files, data.totals.entities, data.totals.memories], [3, 3, 2]);
  assert.deepEqual(data.languages, [{ language: 'python', files: 2 }, { language: 'typescript', files: 1 }]);
  assert.deepEqual(data.history.map((p) => p.day), [dayOf(now - 3 * DAY_MS), dayOf(now)], 'the last 30 days; today is taken when the dashboard opens');
  assert.deepEqual(data.history.at(-1), { day: dayOf(now), entities: 3, memories: 2 });
  assert.equal(data.activity.length, ACTIVITY_DAYS);
  assert.equal(data.activity[0].day, dayOf(now - (ACTIVITY_DAYS - 1) * DAY_MS));
  const yesterday = data.activity.at(-2)!;
  assert.deepEqual([yesterday.questions, yesterday.modelCallsPerQuestion, yesterday.promptTokensPerQuestion, yesterday.latencyP50Ms, yesterday.latencyP95Ms], [2, 2, 200, 10, 30]);
  assert.deepEqual([data.activity.at(-1)!.questions, data.activity.at(-3)!.questions], [1, 0]);
  assert.deepEqual(data.scoring, { model: null, note: 'turned off' });
  assert.deepEqual(data.review.map((r) => r.id).sort(), [a.id, b.id].sort());
  assert.match(data.review[0].reason, /^cites the same code as mem:\d+$/);
  assert.equal(data.cache.hitRate, null);
  assert.deepEqual(daysSince(system.index.database, dayOf(now)).map((d) => d.memories), [2]);
  system.close();
});

test('dashboard: over several folders, a folder\'s last count carries over the days it has none', async () => {
  const open = async (file: string) => {
    const root = tempDir();
    writeTree(root, { [file]: 'def f():\n    return 1\n' });
    const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
    return { system, service: new MemoryService(system, false) };
  };
  const a = await open('a.py');
  const b = await open('b.py');
  const now = Date.parse('2031-05-14T12:00:00');
  const day = (n: number) => now - n * DAY_MS;
  recordDay(a.system.index.database, { files: 1, entities: 10, units: 1, memories: 1 }, day(3));
  recordDay(a.system.index.database, { files: 1, entities: 30, units: 1, memories: 3 }, day(1));
  for (const n of [3, 2, 1]) recordDay(b.system.index.database, { files: 1, entities: 100 * n, units: 1, memories: 0 }, day(n));
  const data = dashboardData([{ name: 'a', system: a.system, service: a.service }, { name: 'b', system: b.system, service: b.service }], { now });
  const entities = Object.fromEntries(data.history.map((p) => [p.day, p.entities]));
  assert.equal(entities[dayOf(day(3))], 310);
  assert.equal(entities[dayOf(day(2))], 210, 'a had no row that day: its count of the day before stands');
  assert.equal(entities[dayOf(day(1))], 130);
  a.system.close();
  b.system.close();
});
