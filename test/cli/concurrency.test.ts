import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CodeMemorySystem } from '../../src/core/codeMemorySystem';
import { MemoryService } from '../../src/core/memories/memoryService';
import { tempDir, writeTree } from '../helpers';
import { CLI, cleanEnv, cliAsync } from './run';

const ROUNDS = 12;
type ToolResult = { content: { text: string }[]; isError?: boolean };

test('concurrency: an editor process, the CLI and the MCP server write one database at once; nothing is lost and each sees the others at once', async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`src/module${i}.py`] = `def handler_${i}(request):\n    """Handle request ${i}."""\n    return route_${i}(request)\n`;
  writeTree(root, files);
  const db = path.join(tempDir(), 'index.db');
  const env = cleanEnv({});
  // The editor: a long-lived connection, as the extension host keeps one, that also indexes meanwhile.
  const editor = CodeMemorySystem.open(root, { dbPath: db });
  const service = new MemoryService(editor, path.join(env.CODE_MEMORY_DATA_DIR!, 'personal.db'));
  const transport = new StdioClientTransport({
    command: process.execPath, args: [CLI, 'mcp', '--workspace', root, '--db', db, '--no-index'], env: env as Record<string, string>, stderr: 'ignore',
  });
  const mcp = new Client({ name: 'agent', version: '1.0.0' });
  await mcp.connect(transport);
  const at = ['--workspace', root, '--db', db];
  try {
    const indexing = editor.indexRepository();
    const written: string[] = [];
    await Promise.all(Array.from({ length: ROUNDS }, async (_, i) => {
      const fromCli = `cli note ${i} quokka${i}`;
      const added = await cliAsync(['memories', 'add', fromCli, ...at], { CODE_MEMORY_DATA_DIR: env.CODE_MEMORY_DATA_DIR! });
      assert.equal(added.code, 0, added.stderr);
      const cliId = /Stored (mem:\d+)/.exec(added.stdout)![1];
      written.push(fromCli);
      // The MCP server, long-lived, sees the CLI's write in its next query.
      const seen = await mcp.callTool({ name: 'codeMemory_get', arguments: { id: cliId } }) as ToolResult;
      assert.match(seen.content[0].text, new RegExp(fromCli));

      const fromMcp = `mcp note ${i} wombat${i}`;
      const stored = await mcp.callTool({ name: 'codeMemory_store', arguments: { content: fromMcp } }) as ToolResult;
      assert.equal(stored.isError, undefined, stored.content[0].text);
      const mcpId = /Stored (mem:\d+)/.exec(stored.content[0].text)![1];
      written.push(fromMcp);
      // The editor sees it at once, by id and through full-text search (its cached word counts must not be stale).
      assert.equal(service.get(mcpId)?.content, fromMcp);
      assert.equal(service.list({ text: `wombat${i}` }).memories[0]?.id, mcpId);

      const fromEditor = `editor note ${i} numbat${i}`;
      const mine = service.store({ kind: 'note', content: fromEditor, source: 'user' }).memory.id;
      written.push(fromEditor);
      const found = await mcp.callTool({ name: 'codeMemory_search', arguments: { query: `numbat${i}`, kinds: ['note'] } }) as ToolResult;
      assert.match(found.content[0].text, new RegExp(`${mine} \\(workspace\\)`));
    }));
    await indexing;
    const everyone = [
      service.list({ limit: 1000 }).memories.map((m) => m.content),
      JSON.parse((await cliAsync(['memories', 'list', '--limit', '1000', '--json', ...at], { CODE_MEMORY_DATA_DIR: env.CODE_MEMORY_DATA_DIR! })).stdout)
        .memories.map((m: { content: string }) => m.content),
    ];
    for (const seen of everyone) assert.deepEqual([...seen].sort(), [...written].sort(), 'every write is there, once');
    assert.equal(editor.index.counts().files, 300, 'indexing went on meanwhile');
  } finally {
    await mcp.close();
    service.close();
    editor.close();
  }
});
