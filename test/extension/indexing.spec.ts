/// <reference types="mocha" />
// Activation, the first index, the index commands, the status bar and keeping the index fresh, in a real
// VS Code extension host over the fixture workspace (test/fixtures/vscode-workspace, a git repository).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeMemory, fileUri, retrievedNames, retrievedText, setSetting, waitFor, workspaceRoot } from './support';

interface Summary { files: number; entities: number; memories: number }

const statistics = () => vscode.commands.executeCommand<Summary>('codeMemory.showStatistics');

describe('indexing', () => {
  before(async () => {
    await (await codeMemory()).indexAll();
  });

  it('opens the index with the SQLite driver of the launch (node:sqlite from the package, which has no native addon)', async () => {
    const expected = process.env.CODE_MEMORY_EXPECT_SQLITE;
    assert.ok(expected, 'the launch says which driver to expect');
    assert.equal((await codeMemory()).sqliteDriver(), expected);
    if (process.env.CODE_MEMORY_EXPECT_PACKAGE === '1') {
      const { extensionPath } = vscode.extensions.getExtension('code-memory.code-memory')!;
      const addons = fs.readdirSync(extensionPath, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.node'));
      assert.deepEqual(addons, [], `no native addon in ${extensionPath}`);
    }
  });

  it('activates with the workspace and indexes it into the cache folder, not into the repository', async () => {
    const extension = vscode.extensions.getExtension('code-memory.code-memory')!;
    assert.equal(extension.isActive, true);
    const summary = await statistics();
    assert.ok(summary.files >= 8, `files indexed: ${summary.files}`);
    assert.ok(summary.entities >= 20, `entities indexed: ${summary.entities}`);
    const databases = fs.readdirSync(process.env.CODE_MEMORY_CACHE_DIR!, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('index.db'));
    assert.equal(databases.length, 1, `one database in the cache folder: ${databases.join(', ')}`);
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: workspaceRoot().fsPath, encoding: 'utf8' });
    assert.equal(status, '', 'nothing written into the workspace');
  });

  it('finds functions by what they do, in TypeScript and Python', async () => {
    assert.equal((await retrievedNames('where are invoices totalled'))[0], 'totalInvoice');
    assert.match(await retrievedText('revenue by customer'), /def revenue_by_customer/);
  });

  it('shows the entity count in the status bar', async () => {
    const { entities } = await statistics();
    const api = await codeMemory();
    const text = await waitFor('the status bar to show the count', () => {
      const shown = api.statusBarText();
      return shown.includes(`${new Intl.NumberFormat(vscode.env.language).format(entities)} symbols`) ? shown : undefined;
    });
    assert.match(text, /^\$\(database\) Code Memory: \d[\d,.]* symbols$/);
    assert.match(api.statusBarTooltip(), /Score cache: /);
  });

  it('Index Workspace runs again without reparsing unchanged files', async () => {
    const [summary] = await vscode.commands.executeCommand<{ files: number; indexed: number; unchanged: number }[]>('codeMemory.indexWorkspace');
    assert.ok(summary.files >= 8);
    assert.equal(summary.indexed, 0);
    assert.equal(summary.unchanged, summary.files);
  });

  it('Reindex Current File picks up a change made on disk', async () => {
    const file = fileUri('src/pricing.ts');
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const original = document.getText();
    try {
      // Written behind the editor's back (no save event), then reindexed by command.
      await setSetting('codeMemory.autoIndex', false);
      fs.appendFileSync(file.fsPath, '\nexport function shippingSurchargeForIslands(cents: number): number {\n  return cents + 990;\n}\n');
      assert.ok(!(await retrievedNames('shipping surcharge islands')).includes('shippingSurchargeForIslands'));
      await vscode.commands.executeCommand('codeMemory.reindexCurrentFile');
      assert.ok((await retrievedNames('shipping surcharge islands')).includes('shippingSurchargeForIslands'));
    } finally {
      fs.writeFileSync(file.fsPath, original);
      await vscode.commands.executeCommand('codeMemory.reindexCurrentFile');
      await setSetting('codeMemory.autoIndex', undefined);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('saving an edited file makes a new function findable', async () => {
    // Loaded first: while TypeScript support activates, the extension host can miss the 1.75 s VS Code gives save
    // participants, and the save is aborted (not ours).
    await vscode.extensions.getExtension('vscode.typescript-language-features')?.activate();
    const document = await vscode.workspace.openTextDocument(fileUri('src/orders.ts'));
    const editor = await vscode.window.showTextDocument(document);
    const end = document.lineAt(document.lineCount - 1).range.end;
    await editor.edit((edit) => edit.insert(end, '\n\nexport function refundCancelledOrder(orderId: string): string {\n  return `refund:${orderId}`;\n}\n'));
    assert.ok(await document.save() || await document.save(), 'the file was saved');
    await waitFor('the saved function to be indexed', async () => (await retrievedNames('refund cancelled order')).includes('refundCancelledOrder'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a file created outside the editor is indexed, and a deleted one disappears', async () => {
    const created = path.join(workspaceRoot().fsPath, 'src', 'loyalty.ts');
    fs.writeFileSync(created, 'export function loyaltyPointsForPurchase(cents: number): number {\n  return Math.floor(cents / 100);\n}\n');
    await waitFor('the created file to be indexed', async () => (await retrievedNames('loyalty points purchase')).includes('loyaltyPointsForPurchase'));
    fs.unlinkSync(created);
    await waitFor('the deleted file to leave the index', async () => !(await retrievedNames('loyalty points purchase')).includes('loyaltyPointsForPurchase'));
  });

  it('deleting a file through VS Code removes its entities', async () => {
    const target = fileUri('reports/export.py');
    const before = await retrievedNames('export summary csv');
    assert.ok(before.includes('export_summary'), `before: ${before.join(', ')}`);
    const content = await vscode.workspace.fs.readFile(target);
    await vscode.workspace.fs.delete(target);
    try {
      await waitFor('export_summary to leave the index', async () => !(await retrievedNames('export summary csv')).includes('export_summary'));
    } finally {
      await vscode.workspace.fs.writeFile(target, content);
      await waitFor('export_summary to come back', async () => (await retrievedNames('export summary csv')).includes('export_summary'));
    }
  });

  it('an exclude setting re-walks the workspace', async () => {
    await setSetting('codeMemory.exclude', ['reports/**']);
    try {
      await waitFor('reports/ to leave the index', async () => !/def revenue_by_customer/.test(await retrievedText('revenue by customer')));
    } finally {
      await setSetting('codeMemory.exclude', undefined);
    }
    await waitFor('reports/ to come back', async () => /def revenue_by_customer/.test(await retrievedText('revenue by customer')));
  });

  it('an exclude change stops a full run under way rather than letting it finish with the old settings', async function () {
    this.timeout(180_000);
    const api = await codeMemory();
    const { files: before } = await statistics();
    const generated = path.join(workspaceRoot().fsPath, 'generated');
    // No run of the file watcher's: the run below must be the one under way when the setting changes.
    await setSetting('codeMemory.autoIndex', false);
    fs.mkdirSync(generated);
    for (let i = 0; i < GENERATED_FILES; i++) fs.writeFileSync(path.join(generated, `module${i}.ts`), generatedModule(i));
    try {
      const run = api.indexAll() as Promise<{ files: number; indexed: number; cancelled: boolean }[]>;
      await waitFor('the run to be parsing', () => /Indexing \d+%/.test(api.statusBarText()), 60_000);
      await setSetting('codeMemory.exclude', ['generated/**']);
      const [summary] = await run;
      assert.equal(summary.cancelled, true, `the run with the old settings parsed ${summary.indexed} of ${summary.files} files`);
      assert.ok(summary.indexed < GENERATED_FILES, `parsed ${summary.indexed} files`);
      await api.indexAll();
      assert.equal((await statistics()).files, before, 'the new settings leave generated/ out');
    } finally {
      await setSetting('codeMemory.exclude', undefined);
      fs.rmSync(generated, { recursive: true, force: true });
      await setSetting('codeMemory.autoIndex', undefined);
    }
    await api.indexAll();
    assert.equal((await statistics()).files, before, 'the index is as before');
  });
});

/**
 * Enough files that a full run outlasts a settings change: under load the change took 4 s to reach the
 * extension host, while 1,500 files were parsed in 5 s.
 */
const GENERATED_FILES = 4000;

function generatedModule(i: number): string {
  const functions = Array.from({ length: 12 }, (_, j) =>
    `export function step${i}x${j}(input: number[]): number {\n  let total = ${j};\n  for (const value of input) total += value * ${i};\n  return total;\n}\n`);
  return `// Generated module ${i}\n${functions.join('\n')}`;
}
