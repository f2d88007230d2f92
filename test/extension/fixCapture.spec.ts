/// <reference types="mocha" />
// Debugging sessions captured when an error is fixed: an error diagnostic (from a linter of the test's own, as
// any extension's diagnostics reach Code Memory) goes away after an edit; the offer opens a pre-filled session
// that is stored only when saved.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { codeMemory, fileUri, invokeTool, setSetting, waitFor } from './support';

describe('debugging sessions captured when an error is fixed', () => {
  const uri = fileUri('src/quoll.ts');
  let lint: vscode.DiagnosticCollection;
  let stored: string | undefined;

  before(async () => {
    fs.writeFileSync(uri.fsPath, 'export const quollTaxRate = -0.2;\n');
    lint = vscode.languages.createDiagnosticCollection('quoll-lint');
    await setSetting('codeMemory.captureFixes', 'every');
  });

  after(async () => {
    lint.dispose();
    // The fixed file was never saved: dropped without a question.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await setSetting('codeMemory.captureFixes', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(uri.fsPath, { force: true });
    if (stored) await invokeTool('codeMemory_delete', { id: stored });
  });

  it('an error that goes away after an edit is offered once; the session opens with the error and the diff, and saving stores it', async () => {
    const api = await codeMemory();
    const message = 'Quoll lint: a tax rate is never negative';
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    lint.set(uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 10), message, vscode.DiagnosticSeverity.Error)]);
    await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, 1, 0), 'export const quollTaxRate = 0.2;\n'));
    assert.deepEqual(api.fixOffers().filter((o) => o.error.message === message), [], 'nothing offered while the error is there');
    lint.set(uri, []);
    const offer = await waitFor('the offer to record the fix', () => api.fixOffers().find((o) => o.error.message === message));
    assert.equal(offer.error.where, 'src/quoll.ts');
    assert.match(offer.diff ?? '', /-export const quollTaxRate = -0\.2;\n\+export const quollTaxRate = 0\.2;/);

    await vscode.commands.executeCommand('codeMemory.recordFix', offer.id);
    const draft = vscode.window.activeTextEditor!;
    assert.equal(draft.document.uri.scheme, 'code-memory');
    const text = draft.document.getText();
    assert.match(text, /^---\nkind: debugging\ntags: \[\]\ncites: \["src\/quoll\.ts"\]\n---/);
    assert.match(text, /\nError: Quoll lint: a tax rate is never negative\n/);
    assert.match(text, /```diff\n[\s\S]*\+export const quollTaxRate = 0\.2;[\s\S]*```/);
    assert.equal((await invokeTool('codeMemory_search', { query: 'quoll tax rate negative' })).includes('Fixed: Quoll lint'), false,
      'nothing is stored before the user saves');

    const edit = new vscode.WorkspaceEdit();
    const solution = text.indexOf('Solution: what fixed it, and why.');
    edit.replace(draft.document.uri, new vscode.Range(draft.document.positionAt(solution), draft.document.positionAt(solution + 33)),
      'Solution: the rate is a share, so it must be positive.');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await draft.document.save());
    const found = await invokeTool('codeMemory_search', { query: 'quoll tax rate negative' });
    stored = /Debugging session (mem:\d+)/.exec(found)?.[1];
    assert.ok(stored, found);
    assert.match(found, /Solution: the rate is a share, so it must be positive\./);
    assert.match(found, /\+export const quollTaxRate = 0\.2;/, 'with the diff that fixed it');
    assert.equal(api.fixOffers().some((o) => o.id === offer.id), false, 'an offer is recorded once');
  });
});
