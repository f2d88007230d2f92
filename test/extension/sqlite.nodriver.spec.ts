/// <reference types="mocha" />
// A runtime where no SQLite driver works (here: the package, which has no native module, told to use
// better-sqlite3): the extension still activates, says why in the status bar, and neither indexes nor fails.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { codeMemory } from './support';

describe('no usable SQLite driver', () => {
  it('activates anyway, with no driver', async () => {
    const api = await codeMemory();
    assert.equal(vscode.extensions.getExtension('code-memory.code-memory')!.isActive, true);
    assert.equal(api.sqliteDriver(), undefined);
  });

  it('shows a warning in the status bar, with the reason in one line, instead of indexing', async () => {
    const api = await codeMemory();
    assert.match(api.statusBarText(), /^\$\(warning\) Code Memory$/);
    assert.match(api.statusBarTooltip(),
      /^Code Memory: The SQLite driver "better-sqlite3" set in codeMemory\.sqliteDriver cannot be used: better-sqlite3 cannot load here \(.+\)\.$/);
    assert.doesNotMatch(api.statusBarTooltip(), /\n/);
  });

  it('answers commands and questions without throwing, and writes nothing', async () => {
    const api = await codeMemory();
    await vscode.commands.executeCommand('codeMemory.indexWorkspace');
    assert.deepEqual(await api.retrieve('where are invoices totalled'), []);
    const cache = process.env.CODE_MEMORY_CACHE_DIR!;
    const files = fs.existsSync(cache) ? fs.readdirSync(cache, { recursive: true }) : [];
    assert.deepEqual(files, [], 'nothing in the cache folder');
  });
});
