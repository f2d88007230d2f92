import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DashboardData } from '../../src/core/stats/dashboard';
import { type DashboardHost, handleDashboardMessage } from '../../src/extension/dashboardMessages';

function host() {
  const posted: unknown[] = [];
  const ran: unknown[][] = [];
  let drawn: string[] = [];
  const fake: DashboardHost = {
    data: () => ({ generatedAt: 'now' }) as unknown as DashboardData, locale: 'de',
    post: (message) => posted.push(message),
    run: async (command, ...args) => {
      ran.push([command, ...args]);
    },
    rendered: (charts) => (drawn = charts),
  };
  return { fake, posted, ran, drawn: () => drawn };
}

test('dashboard messages: ready and refresh get the data with the locale; rendered charts are noted', async () => {
  const { fake, posted, drawn } = host();
  await handleDashboardMessage({ type: 'ready' }, fake);
  await handleDashboardMessage({ type: 'refresh' }, fake);
  assert.deepEqual(posted, [{ type: 'data', data: { generatedAt: 'now' }, locale: 'de' }, { type: 'data', data: { generatedAt: 'now' }, locale: 'de' }]);
  await handleDashboardMessage({ type: 'rendered', charts: ['languages', 7, 'history'] }, fake);
  assert.deepEqual(drawn(), ['languages', 'history']);
});

test('dashboard messages: actions map to a fixed set of commands; anything else does nothing', async () => {
  const { fake, ran, posted } = host();
  await handleDashboardMessage({ type: 'run', action: 'index' }, fake);
  await handleDashboardMessage({ type: 'run', action: 'review' }, fake);
  await handleDashboardMessage({ type: 'run', action: 'reviewStale' }, fake);
  await handleDashboardMessage({ type: 'run', action: 'openMemory', id: 'mem:12', folder: 'billing' }, fake);
  assert.deepEqual(ran, [
    ['codeMemory.indexWorkspace'], ['codeMemory.memories.filter', 'is:conflicting'], ['workbench.view.extension.codeMemory'],
    ['codeMemory.reviewStaleMemories'],
    ['codeMemory.memories.open', 'mem:12', 'billing'],
  ]);
  ran.length = 0;
  for (const bad of [null, 'ready', { type: 'run', action: 'workbench.action.terminal.new' }, { type: 'run', action: 'openMemory', id: 'code:1; rm -rf' },
    { type: 'run', action: 'constructor' }, { type: 'run', action: 'toString' }, { type: 'eval', code: 'x' }]) {
    await handleDashboardMessage(bad, fake);
  }
  assert.deepEqual([ran, posted], [[], []]);
});
