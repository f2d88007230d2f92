/// <reference types="mocha" />
// Export, import and clean-up from the command palette (arguments in place of the dialogs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeMemory } from './support';

describe('export, import and clean-up', () => {
  it('exports to a file only the user can read, imports it back, and cleans up the duplicates that made', async () => {
    await codeMemory();
    await vscode.commands.executeCommand('codeMemory.addDocumentation', 'Release trains', 'Release trains leave every second Tuesday.');
    const file = vscode.Uri.file(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cm-export-')), 'memories.json'));
    const exported = await vscode.commands.executeCommand<number>('codeMemory.exportMemories', file);
    assert.ok(exported && exported >= 1, `exported ${exported}`);
    assert.equal(fs.statSync(file.fsPath).mode & 0o777, 0o600);
    const document = JSON.parse(fs.readFileSync(file.fsPath, 'utf8')) as { version: number; memories: { title: string }[] };
    assert.equal(document.version, 2);
    assert.ok(document.memories.some((m) => m.title === 'Release trains'));

    const skipped = await vscode.commands.executeCommand<{ added: number; skipped: number }>('codeMemory.importMemories', file, 'skip-duplicates');
    assert.deepEqual([skipped?.added, skipped?.skipped], [0, exported]);
    const doubled = await vscode.commands.executeCommand<{ added: number }>('codeMemory.importMemories', file, 'keep-both');
    assert.equal(doubled?.added, exported);
    const removed = await vscode.commands.executeCommand<string[]>('codeMemory.cleanUpMemories', { duplicates: true }, true);
    assert.equal(removed?.length, exported, 'each copy made by keep-both is a duplicate');
  });
});
