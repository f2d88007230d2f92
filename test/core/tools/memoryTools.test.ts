import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MEMORY_KIND_NAMES } from '../../../src/core/memories/model';
import { MEMORY_TOOLS, toolContribution } from '../../../src/core/tools/memoryTools';
import { REPO_ROOT } from '../../helpers';

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
