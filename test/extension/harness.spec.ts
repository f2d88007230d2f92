/// <reference types="mocha" />
// Smoke test of the test harness itself (trusted launch): the fixture workspace is open, the fake language
// models of test/fixtures/fake-lm are visible to extensions, answer, and record what they were sent.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface FakeLmApi {
  requests: { model: string; text: string; lastUserText: string }[];
  clear(): void;
  setResponder(fn?: (request: { model: string; lastUserText: string }) => string | string[] | Promise<string>): void;
}

async function fakeLm(): Promise<FakeLmApi> {
  const extension = vscode.extensions.getExtension<FakeLmApi>('code-memory-tests.fake-lm');
  assert.ok(extension, 'the fake-lm extension is installed');
  return extension.activate();
}

async function answer(model: vscode.LanguageModelChat, prompt: string): Promise<string> {
  const source = new vscode.CancellationTokenSource();
  try {
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], {}, source.token);
    let text = '';
    for await (const chunk of response.text) text += chunk;
    return text;
  } finally {
    source.dispose();
  }
}

describe('test harness', () => {
  it('opens the fixture workspace, trusted, as a git repository', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    const root = folders[0].uri;
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(root, 'src', 'invoices.ts'));
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(root, 'reports', 'summary.py'));
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(root, '.git', 'HEAD'));
    assert.equal(vscode.workspace.isTrusted, true);
    assert.ok(process.env.CODE_MEMORY_CACHE_DIR, 'CODE_MEMORY_CACHE_DIR reaches the extension host');
  });

  it('sees both fake language models', async () => {
    await fakeLm();
    const models = await vscode.lm.selectChatModels({ vendor: 'fake' });
    assert.deepEqual(models.map((model) => model.id).sort(), ['fake-large', 'fake-small']);
    const large = models.find((model) => model.id === 'fake-large');
    assert.equal(large?.family, 'fake-large');
    assert.equal(large?.maxInputTokens, 12000);
    assert.equal(await large?.countTokens('12345678'), 2);
  });

  it('gets answers from a fake model and records the request', async () => {
    const api = await fakeLm();
    api.clear();
    const [small] = await vscode.lm.selectChatModels({ vendor: 'fake', id: 'fake-small' });
    assert.ok(small);
    assert.equal(await answer(small, 'Where are invoices totalled?'), 'FAKE ANSWER (fake-small): Where are invoices totalled?');
    api.setResponder((request) => ['{"scores": ', `{"${request.model}": 1}}`]);
    assert.equal(await answer(small, 'Score these'), '{"scores": {"fake-small": 1}}');
    assert.deepEqual(
      api.requests.map((request) => [request.model, request.lastUserText]),
      [
        ['fake-small', 'Where are invoices totalled?'],
        ['fake-small', 'Score these'],
      ],
    );
    api.clear();
  });
});
