import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CodeMemorySystem } from '../../src/core/codeMemorySystem';
import { MemoryService } from '../../src/core/memories/memoryService';
import { MEMORY_TOOLS } from '../../src/core/tools/memoryTools';
import { tempDir, writeTree } from '../helpers';
import { CLI } from './run';

/** `code-memory mcp` on a fresh workspace, with the SDK's own client over stdio. */
async function connect(root: string, db: string, dataDir: string, name = 'test-agent'): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath, args: [CLI, 'mcp', '--workspace', root, '--db', db, '--no-index'],
    env: { ...process.env as Record<string, string>, CODE_MEMORY_DATA_DIR: dataDir }, stderr: 'ignore',
  });
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return client;
}

type ToolResult = { content: { type: string; text: string }[]; isError?: boolean };
const text = (result: unknown) => (result as ToolResult).content.map((c) => c.text).join('\n');

test('mcp: an MCP client lists and calls every memory tool over stdio; the memories are resources', async () => {
  const root = tempDir();
  writeTree(root, { 'src/billing.py': 'def compute_invoice_total(invoice):\n    """Sum the invoice lines."""\n    return round(sum(invoice.lines), 2)\n' });
  const db = path.join(tempDir(), 'index.db');
  const dataDir = tempDir();
  const system = CodeMemorySystem.open(root, { dbPath: db });
  await system.indexRepository();
  system.close();
  const client = await connect(root, db, dataDir);
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), MEMORY_TOOLS.map((t) => t.name));
    assert.ok(tools.every((t) => t.description && t.inputSchema.type === 'object'));

    const stored = text(await client.callTool({ name: 'codeMemory_store', arguments: {
      content: 'Invoice totals are rounded to cents only when sent.', kind: 'project_knowledge', tags: ['billing'],
      citations: [{ file: 'src/billing.py', startLine: 1, endLine: 3 }],
    } }));
    const id = /Stored (mem:\d+)/.exec(stored)?.[1];
    assert.ok(id, stored);

    const found = text(await client.callTool({ name: 'codeMemory_search', arguments: { query: 'how are invoice totals rounded' } }));
    assert.match(found, new RegExp(`Project knowledge ${id} \\(workspace\\) \\[billing\\]`));
    assert.match(found, /src\/billing\.py:1-3 · function compute_invoice_total/, 'code comes back with its path and lines');

    const got = text(await client.callTool({ name: 'codeMemory_get', arguments: { id } }));
    assert.match(got, /Source: mcp:test-agent/, 'the client is recorded as the source');
    assert.match(got, /Cites: src\/billing\.py:1-3/);
    assert.match(got, /used 1×/, 'the search that returned it counted');

    const updated = text(await client.callTool({ name: 'codeMemory_update', arguments: { id, content: 'Invoice totals are rounded half up to cents when sent.' } }));
    assert.match(updated, new RegExp(`Updated ${id}`));
    const debug = text(await client.callTool({ name: 'codeMemory_recordDebugSession', arguments: {
      problem: 'Totals off by a cent', error: 'AssertionError: 10.01 != 10.00', solution: 'Round once, at the end.', file: 'src/billing.py',
    } }));
    const debugId = /Recorded (mem:\d+)/.exec(debug)?.[1];
    assert.ok(debugId, debug);

    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), [`code-memory://memory/${id}`, `code-memory://memory/${debugId}`].sort());
    const read = await client.readResource({ uri: `code-memory://memory/${id}` });
    assert.match((read.contents[0] as { text: string }).text, /rounded half up/);

    assert.match(text(await client.callTool({ name: 'codeMemory_delete', arguments: { id: debugId } })), new RegExp(`Deleted ${debugId}`));
    assert.match(text(await client.callTool({ name: 'codeMemory_get', arguments: { id: debugId } })), /There is no memory/);
  } finally {
    await client.close();
  }
});

test('mcp: invalid arguments get a clear one-line error and write nothing; the server keeps serving', async () => {
  const root = tempDir();
  writeTree(root, { 'a.py': 'def a():\n    pass\n' });
  const db = path.join(tempDir(), 'index.db');
  const client = await connect(root, db, tempDir());
  try {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['codeMemory_store', {}, /invalid arguments for codeMemory_store: input must have required property 'content'/],
      ['codeMemory_store', { content: 'x', kind: 'rumour' }, /kind must be one of documentation, debugging, note/],
      ['codeMemory_store', { content: 'x', colour: 'red' }, /has no field 'colour'/],
      ['codeMemory_store', { content: 'x', citations: [{ file: 'a.py', startLine: 0 }] }, /citations\.0\.startLine must be >= 1/],
      ['codeMemory_update', { id: 'code:4', content: 'x' }, /id must match pattern/],
      ['codeMemory_get', { id: 'mem:999' }, /There is no memory mem:999/],
      ['codeMemory_nothing', {}, /no such tool: codeMemory_nothing/],
    ];
    for (const [name, args, message] of cases) {
      const result = await client.callTool({ name, arguments: args }) as ToolResult;
      assert.match(text(result), message, name);
      assert.equal(text(result).includes('\n'), false, 'one line');
      if (!/There is no memory/.test(text(result))) assert.equal(result.isError, true);
    }
  } finally {
    await client.close();
  }
  const system = CodeMemorySystem.open(root, { dbPath: db });
  const service = new MemoryService(system, false);
  assert.equal(service.list().total, 0, 'nothing was written');
  system.close();
});
