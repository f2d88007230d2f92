/// <reference types="mocha" />
// Agent mode as users run it: VS Code's built-in GitHub Copilot Chat drives the fake model, which calls the memory
// tools the way a real model does (tool-call parts); VS Code runs them, asks the user to confirm the write, and the
// results go back to the model in its next request.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeMemory, type FakeRequest, fakeLm, invokeTool, waitFor } from './support';

const NOTE = 'Invoice totals are rounded half up, once, when the invoice is sent (decided in the billing review).';
const OUR_TOOLS = ['codeMemory_delete', 'codeMemory_get', 'codeMemory_profile', 'codeMemory_recordDebugSession', 'codeMemory_search', 'codeMemory_store', 'codeMemory_update'];

/** The memory id in the store tool's result, once the model has been sent it. */
function storedId(request: FakeRequest): string | undefined {
  return /Stored (mem:\d+)/.exec(request.text)?.[1];
}

describe('agent mode (Copilot Chat on the fake model)', () => {
  before(async () => {
    await codeMemory();
    await vscode.commands.executeCommand('codeMemory.indexWorkspace');
    const copilot = vscode.extensions.getExtension('GitHub.copilot-chat');
    assert.ok(copilot, 'VS Code 1.139 has Copilot Chat built in, enabled for this launch');
    await copilot.activate();
  });

  it('the model stores a memory (after the user confirms) and searches it, and each result reaches the model', async () => {
    const fake = await fakeLm();
    fake.clear();
    fake.setResponder((request) => {
      // Copilot also asks the model for titles and the like, without tools: those get plain text.
      if (!request.options.toolNames.includes('codeMemory_store')) return 'Invoice rounding';
      const id = storedId(request);
      if (!id) return { toolCalls: [{ name: 'codeMemory_store', input: { content: NOTE, kind: 'project_knowledge', tags: ['billing'] } }] };
      if (!request.text.includes(`${id} (workspace)`)) {
        return { toolCalls: [{ name: 'codeMemory_search', input: { query: 'when are invoice totals rounded', currentFile: 'src/invoices.ts' } }] };
      }
      return `Invoice totals are rounded when the invoice is sent (${id}).`;
    });
    const answered = vscode.commands.executeCommand('workbench.action.chat.open', {
      query: 'Remember that invoice totals are rounded half up when sent, then check what the code base says about it.',
      mode: 'agent', modelSelector: { vendor: 'fake', id: 'fake-agent' }, blockOnResponse: true,
    });
    let finished = false;
    void Promise.resolve(answered).finally(() => (finished = true));

    const storeCall = await waitFor('the model\'s call of codeMemory_store', () =>
      fake.requests.find((r) => r.toolCalls.some((c) => c.name === 'codeMemory_store')), 60_000);
    assert.deepEqual(OUR_TOOLS.filter((name) => storeCall.options.toolNames.includes(name)), OUR_TOOLS, 'agent mode offers every memory tool');
    // A write waits for the user: nothing reaches the model until the confirmation is accepted.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(!fake.requests.some(storedId), 'the store did not run before the user confirmed');
    const afterStore = await waitFor('the store result in the model\'s next request', async () => {
      await vscode.commands.executeCommand('workbench.action.chat.acceptTool'); // what Ctrl+Enter does on the confirmation
      return fake.requests.find(storedId);
    }, 30_000);
    const id = storedId(afterStore)!;

    const afterSearch = await waitFor('the search result in the model\'s next request', () =>
      fake.requests.find((r) => r.text.includes(`${id} (workspace)`)), 30_000);
    assert.match(afterSearch.text, /src\/invoices\.ts:\d+-\d+/, 'code comes back with its path and lines');
    await waitFor('the agent\'s answer', () => finished, 30_000);
    assert.ok(fake.requests.some((r) => r.response?.includes(`rounded when the invoice is sent (${id})`)));

    const stored = await invokeTool('codeMemory_get', { id });
    assert.match(stored, /Project knowledge \(workspace\) \[billing\]/);
    assert.match(stored, /Source: agent/);
    assert.ok(stored.includes(NOTE));
  });
});
