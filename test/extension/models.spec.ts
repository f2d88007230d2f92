/// <reference types="mocha" />
// The small scoring model: a VS Code language model chosen by family, or an OpenAI-compatible server whose key
// lives in SecretStorage (Set API Key). The server is test/modelServer.ts on 127.0.0.1, reached by the real
// OpenAI SDK from inside the extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ModelServer } from '../modelServer';
import { codeMemory, fakeLm, type FakeLmApi, setSetting, waitFor } from './support';

const QUESTION = 'print an invoice as text';

/** A scoring answer that rates the memory whose text contains `keyword` high and every other one low. */
function scoresFor(prompt: string, keyword: string): string {
  const blocks = [...prompt.matchAll(/<(memory-[0-9a-f]+) id="(m\d+)">\n([\s\S]*?)\n<\/\1>/g)];
  return JSON.stringify(blocks.map(([, , id, text]) => ({
    id, score: text.includes(keyword) ? 0.95 : 0.1, reasoning: text.includes(keyword) ? 'renders the invoice' : 'unrelated',
  })));
}

describe('scoring models', () => {
  let fake: FakeLmApi;

  before(async () => {
    fake = await fakeLm();
    await (await codeMemory()).indexAll();
  });

  afterEach(async () => {
    fake.clear();
    await vscode.commands.executeCommand('codeMemory.setApiKey', 'openaiCompatible', '');
    for (const key of ['provider', 'family', 'baseUrl']) await setSetting(`codeMemory.scoringModel.${key}`, undefined);
  });

  it('scores with the VS Code language model of the chosen family, and caches the scores', async () => {
    fake.setResponder((request) => scoresFor(request.text, 'function renderInvoice'));
    await setSetting('codeMemory.scoringModel.family', 'fake-small');
    const api = await codeMemory();
    const ranked = await waitFor('scores from fake-small', async () => {
      const memories = await api.retrieve(QUESTION);
      return memories[0]?.scoreParts.source === 'model' ? memories : undefined;
    });
    assert.equal(ranked[0].metadata.name, 'renderInvoice');
    assert.match(ranked[0].reasoning, /^renders the invoice/);
    assert.ok(fake.requests.every((r) => r.model === 'fake-small'), 'only the small model scores');
    const calls = fake.requests.length;
    await api.retrieve(QUESTION);
    assert.equal(fake.requests.length, calls, 'the same question again is answered from the cache');
    await waitFor('the hit rate in the status bar\'s tooltip', () => /\d+\s?% of lookups answered from it/.test(api.statusBarTooltip()));
  });

  it('Set API Key stores the key in secret storage, and the configured server receives it', async () => {
    const server = await ModelServer.start((request) => scoresFor(request.prompt, 'function renderInvoice'));
    try {
      await vscode.commands.executeCommand('codeMemory.setApiKey', 'openaiCompatible', 'sk-test-secret-123');
      await setSetting('codeMemory.scoringModel.baseUrl', server.openaiURL);
      await setSetting('codeMemory.scoringModel.provider', 'openaiCompatible');
      const api = await codeMemory();
      await waitFor('scores from the local server', async () => (await api.retrieve(`${QUESTION} please`))[0]?.scoreParts.source === 'model');
      assert.ok(server.requests.length > 0);
      assert.ok(server.requests.every((r) => r.credential === 'Bearer sk-test-secret-123'), server.requests.map((r) => r.credential).join(', '));
      assert.doesNotMatch(JSON.stringify(vscode.workspace.getConfiguration('codeMemory')), /sk-test-secret/, 'the key is not in settings');

      await vscode.commands.executeCommand('codeMemory.setApiKey', 'openaiCompatible', '');
      const before = server.requests.length;
      await waitFor('a request without the removed key', async () => {
        await api.retrieve(`${QUESTION} now ${Date.now()}`);
        return server.requests.slice(before).some((r) => !r.credential.includes('sk-test-secret'));
      });
    } finally {
      await server.close();
    }
  });

  it('a failing scoring model falls back to lexical ranking', async () => {
    fake.setResponder(() => { throw new Error('quota exceeded'); });
    await setSetting('codeMemory.scoringModel.family', 'fake-small');
    await setSetting('codeMemory.retryAttempts', 1);
    try {
      const api = await codeMemory();
      await waitFor('the fake model to be asked', async () => {
        const memories = await api.retrieve(`${QUESTION} ${Date.now()}`);
        return fake.requests.length > 0 && memories.length > 0 && memories.every((m) => m.scoreParts.source === 'lexical');
      });
    } finally {
      await setSetting('codeMemory.retryAttempts', undefined);
    }
  });
});
