/// <reference types="mocha" />
// A multi-root workspace: the fixture app and a second folder (ledger-tools). Each folder has its own index;
// retrieval and chat draw from both.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { chat, codeMemory, fakeLm, waitFor } from './support';

describe('multi-root workspace', () => {
  before(async () => {
    await (await codeMemory()).indexAll();
  });

  it('indexes every folder into its own database', async () => {
    assert.deepEqual((vscode.workspace.workspaceFolders ?? []).map((f) => f.name), ['tiny-orders', 'ledger-tools']);
    const databases = fs.readdirSync(process.env.CODE_MEMORY_CACHE_DIR!, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('index.db'));
    assert.equal(databases.length, 2, databases.join(', '));
    const summary = await vscode.commands.executeCommand<{ files: number }>('codeMemory.showStatistics');
    assert.ok(summary.files >= 11, `files of both folders: ${summary.files}`);
  });

  it('retrieves from the folder that holds the answer', async () => {
    const api = await codeMemory();
    const [ledger] = await api.retrieve('reconcile ledger entries with the statement');
    assert.equal(ledger.metadata.name, 'reconcile_ledger_entries');
    assert.equal(ledger.folder, 'ledger-tools');
    const [invoices] = await api.retrieve('where are invoices totalled');
    assert.equal(invoices.folder, 'tiny-orders');
  });

  it('the search tool searches every folder and names each result\'s folder', async () => {
    const source = new vscode.CancellationTokenSource();
    const ask = async (query: string) => (await vscode.lm.invokeTool('codeMemory_search', { input: { query }, toolInvocationToken: undefined }, source.token))
      .content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    assert.match(await ask('reconcile ledger entries with the statement'), /## 1\. ledger-tools: ledger\.py:\d+-\d+ · function reconcile_ledger_entries/);
    assert.match(await ask('where are invoices totalled'), /## 1\. tiny-orders: src\/invoices\.ts:\d+-\d+/);
    source.dispose();
  });

  it('names the folder in the prompt and cites the file', async () => {
    const fake = await fakeLm();
    fake.clear();
    const result = await chat('@memory how are ledger entries reconciled?');
    const request = fake.requests.find((r) => r.text.includes('## Memories'));
    assert.ok(request);
    assert.match(request.text, /ledger-tools\/ledger\.py:\d+-\d+ · function reconcile_ledger_entries/);
    assert.ok(result.metadata?.cited?.some((c) => /^ledger\.py:\d+-\d+$/.test(c)), `cited: ${result.metadata?.cited}`);
  });

  it('/remember stores in the active file\'s folder, and /forget does not guess between folders', async () => {
    const [orders, ledger] = vscode.workspace.workspaceFolders!;
    await vscode.window.showTextDocument(vscode.Uri.joinPath(orders.uri, 'src', 'orders.ts'));
    await chat('@memory /remember Orders over 500 euros need a second approval');
    await vscode.window.showTextDocument(vscode.Uri.joinPath(ledger.uri, 'ledger.py'));
    await chat('@memory /remember Ledger exports run at midnight UTC');
    const api = await codeMemory();
    const [approval] = (await api.retrieve('second approval orders')).filter((m) => m.kind === 'note');
    const [exports] = (await api.retrieve('ledger exports midnight')).filter((m) => m.kind === 'note');
    assert.equal(approval.folder, 'tiny-orders');
    assert.equal(exports.folder, 'ledger-tools');
    assert.equal(approval.memoryId, exports.memoryId, 'each folder numbers its own memories');
    await chat(`@memory /forget ${approval.memoryId}`);
    assert.ok((await api.retrieve('second approval orders')).some((m) => m.memoryId === approval.memoryId), 'an ambiguous id is not deleted');
    await vscode.commands.executeCommand('codeMemory.forgetMemory', exports.memoryId, ledger.uri.toString());
    assert.ok(!(await api.retrieve('ledger exports midnight')).some((m) => m.kind === 'note'), 'the chosen folder\'s memory is gone');
    assert.ok((await api.retrieve('second approval orders')).some((m) => m.memoryId === approval.memoryId), 'the other folder keeps its own');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a file saved in the second folder is reindexed there', async () => {
    const folder = vscode.workspace.workspaceFolders![1].uri;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'ledger.py'));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(document.lineAt(document.lineCount - 1).range.end,
      '\n\ndef flag_duplicate_entries(entries: list) -> list:\n    return [e for e in entries if entries.count(e) > 1]\n'));
    assert.ok(await document.save());
    const api = await codeMemory();
    const found = await waitFor('the new function', async () =>
      (await api.retrieve('flag duplicate entries')).find((m) => m.metadata.name === 'flag_duplicate_entries'));
    assert.equal(found.folder, 'ledger-tools');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
