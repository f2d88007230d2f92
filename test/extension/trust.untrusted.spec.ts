/// <reference types="mocha" />
// Restricted Mode: the workspace is not trusted, so Code Memory neither indexes it nor calls any model.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { codeMemory, fakeLm } from './support';

describe('untrusted workspace', () => {
  it('is opened in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('does not index, even by command, and writes no database', async () => {
    const api = await codeMemory();
    const summaries = await vscode.commands.executeCommand<unknown[]>('codeMemory.indexWorkspace');
    assert.deepEqual(summaries, []);
    assert.deepEqual(await api.retrieve('where are invoices totalled'), []);
    const cache = process.env.CODE_MEMORY_CACHE_DIR!;
    const files = fs.existsSync(cache) ? fs.readdirSync(cache, { recursive: true }) : [];
    assert.deepEqual(files, [], 'nothing in the cache folder');
  });

  it('says so in the status bar', async () => {
    assert.match((await codeMemory()).statusBarText(), /\$\(shield\) Code Memory/);
  });

  it('memory commands refuse before asking anything', async () => {
    // Without arguments the command would open input boxes; untrusted, it must stop first (nothing to answer here).
    assert.equal(await vscode.commands.executeCommand('codeMemory.addDocumentation'), undefined);
    assert.equal(await vscode.commands.executeCommand('codeMemory.recordDebuggingSession'), undefined);
  });

  it('calls no model', async () => {
    const fake = await fakeLm();
    fake.clear();
    await (await codeMemory()).retrieve('where are invoices totalled');
    assert.equal(fake.requests.length, 0);
  });
});

describe('memory tools in Restricted Mode', () => {
  it('refuse to run, and write nothing', async () => {
    await codeMemory();
    const source = new vscode.CancellationTokenSource();
    await assert.rejects(async () => vscode.lm.invokeTool('codeMemory_store', { input: { content: 'x' }, toolInvocationToken: undefined }, source.token));
    source.dispose();
    const data = process.env.CODE_MEMORY_DATA_DIR!;
    assert.deepEqual(fs.existsSync(data) ? fs.readdirSync(data) : [], [], 'no personal memory file');
  });
});
