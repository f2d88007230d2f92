/// <reference types="mocha" />
// Smoke test of the Restricted Mode launch: the folder is open but not trusted, and extensions that support
// untrusted workspaces (the fake language models) still run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('test harness (Restricted Mode)', () => {
  it('opens the fixture workspace untrusted', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(vscode.workspace.isTrusted, false);
    // The harness's user settings (no trust prompt) reach this window.
    assert.equal(vscode.workspace.getConfiguration('security.workspace.trust').get('startupPrompt'), 'never');
  });

  it('still sees the fake language models', async () => {
    const models = await vscode.lm.selectChatModels({ vendor: 'fake' });
    assert.deepEqual(models.map((model) => model.id).sort(), ['fake-large', 'fake-small']);
  });
});
