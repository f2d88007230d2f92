import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MEMORY_KIND_NAMES } from '../../../src/core/memories/model';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { MemoryService } from '../../../src/core/memories/memoryService';
import { MEMORY_TOOLS, runMemoryTool, toolContribution } from '../../../src/core/tools/memoryTools';
import { REPO_ROOT, tempDir, writeTree } from '../../helpers';

test('memory tools: package.json contributes exactly the tools the engine defines (one source of truth)', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { languageModelTools: unknown[] } };
  assert.deepEqual(manifest.contributes.languageModelTools, MEMORY_TOOLS.map(toolContribution),
    'regenerate contributes.languageModelTools from MEMORY_TOOLS.map(toolContribution)');
});

test('memory tools: names, references and schemas are what VS Code and MCP clients accept', () => {
  for (const tool of MEMORY_TOOLS) {
    assert.match(tool.name, /^codeMemory_[A-Za-z]+$/);
    assert.match(tool.reference, /^[\w-]+$/);
    assert.equal((tool.inputSchema as { type: string }).type, 'object');
    assert.ok(tool.description.length > 80 && tool.summary.length > 10, tool.name);
  }
  assert.deepEqual(MEMORY_TOOLS.filter((t) => t.writes).map((t) => t.name),
    ['codeMemory_store', 'codeMemory_update', 'codeMemory_delete', 'codeMemory_recordDebugSession']);
});

test('team note grammar: the kinds it highlights are the kinds there are', () => {
  const grammar = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'syntaxes', 'team-note-frontmatter.tmLanguage.json'), 'utf8')) as { patterns: { match: string }[] };
  const kinds = /\((documentation\|[^)]*)\)/.exec(grammar.patterns[0].match)?.[1].split('|');
  assert.deepEqual(kinds, MEMORY_KIND_NAMES);
});

test('memory tools: in a window of several folders, an id two folders hold is refused, not guessed; a folder name picks one', async () => {
  const open = async (file: string, note: string) => {
    const root = tempDir();
    writeTree(root, { [file]: 'def f():\n    pass\n' });
    const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
    const service = new MemoryService(system, false);
    service.store({ kind: 'note', content: note, source: 'user' });
    return { system, service };
  };
  const api = await open('api.py', 'The API note.');
  const web = await open('web.py', 'The web note.');
  const target = { primary: api.service, folders: [{ name: 'api', service: api.service }, { name: 'web', service: web.service }] };
  await assert.rejects(runMemoryTool(target, 'codeMemory_delete', { id: 'mem:1' }, 'agent'), /mem:1 exists in api and web: say which with folder/);
  assert.match(await runMemoryTool(target, 'codeMemory_delete', { id: 'mem:1', folder: 'web' }, 'agent'), /Deleted mem:1: The web note\./);
  assert.equal(api.service.get('mem:1')?.content, 'The API note.', 'the other folder\'s memory is untouched');
  await assert.rejects(runMemoryTool(target, 'codeMemory_get', { id: 'mem:1', folder: 'docs' }, 'agent'), /there is no folder docs \(the folders are api, web\)/);
  api.system.close();
  web.system.close();
});
