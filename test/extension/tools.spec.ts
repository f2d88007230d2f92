/// <reference types="mocha" />
// The memory tools as agents see them: registered language model tools, invoked through vscode.lm.invokeTool.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeMemory, invokeTool as invoke } from './support';

describe('memory tools', () => {
  before(async () => {
    await codeMemory();
    await vscode.commands.executeCommand('codeMemory.indexWorkspace');
  });

  it('are registered for agents, tagged, with their input schemas', () => {
    const ours = vscode.lm.tools.filter((tool) => tool.name.startsWith('codeMemory_'));
    assert.deepEqual(ours.map((tool) => tool.name).sort(), ['codeMemory_delete', 'codeMemory_get', 'codeMemory_profile',
      'codeMemory_recordDebugSession', 'codeMemory_search', 'codeMemory_store', 'codeMemory_update']);
    for (const tool of ours) {
      assert.ok(tool.tags.includes('code-memory'), tool.name);
      assert.equal((tool.inputSchema as { type?: string } | undefined)?.type, 'object', tool.name);
    }
  });

  it('store, search, get, update, record a debugging session and delete, all through invokeTool', async () => {
    const stored = await invoke('codeMemory_store', {
      content: 'Invoice totals are rounded to cents only when the invoice is sent.', kind: 'project_knowledge', tags: ['billing'],
      citations: [{ file: 'src/invoices.ts' }],
    });
    const id = /Stored (mem:\d+)/.exec(stored)?.[1];
    assert.ok(id, stored);
    const found = await invoke('codeMemory_search', { query: 'when are invoice totals rounded' });
    assert.match(found, new RegExp(`Project knowledge ${id} \\(workspace\\) \\[billing\\]`));
    assert.match(found, /src\/invoices\.ts:\d+-\d+/, 'code comes back with its path and lines');
    assert.match(await invoke('codeMemory_get', { id }), /Source: agent/);
    assert.match(await invoke('codeMemory_update', { id, content: 'Invoice totals are rounded half up when sent.' }), new RegExp(`Updated ${id}`));
    const debug = await invoke('codeMemory_recordDebugSession', { problem: 'Totals off by a cent', error: 'expected 10.00', solution: 'Round once at the end.' });
    const debugId = /Recorded (mem:\d+)/.exec(debug)?.[1];
    assert.ok(debugId, debug);
    assert.match(await invoke('codeMemory_delete', { id: debugId }), new RegExp(`Deleted ${debugId}`));
    assert.match(await invoke('codeMemory_get', { id: debugId }), /There is no memory/);
  });

  it('a preference goes to the personal memory, labelled so', async () => {
    const stored = await invoke('codeMemory_store', { content: 'Prefers small functions with early returns.', kind: 'user_preference' });
    assert.match(stored, /Stored personal:\d+/);
  });

  it('invalid input fails with one line that names the field, and stores nothing', async () => {
    await assert.rejects(invoke('codeMemory_store', { content: 'x', kind: 'rumour' }), (error: Error) =>
      /kind must be one of documentation/.test(error.message) && !error.message.includes('\n    at '));
    await assert.rejects(invoke('codeMemory_update', { id: 'code:3', content: 'x' }), /id must match pattern/);
  });
});
