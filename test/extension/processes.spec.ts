/// <reference types="mocha" />
// Three processes on one database, as a user runs them: this extension host (the tools an agent in VS Code calls),
// the CLI in a terminal, and an MCP server for an agent outside VS Code. Nothing written is lost, and each sees
// the others' writes in its next query.
import * as assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as vscode from 'vscode';
import { cli, codeMemory, invokeTool, mcpClient } from './support';

const ROUNDS = 5;
type ToolResult = { content: { text: string }[]; isError?: boolean };

describe('the extension host, the CLI and an MCP server on one database', () => {
  let mcp: Client;

  before(async () => {
    await codeMemory();
    await vscode.commands.executeCommand('codeMemory.indexWorkspace');
    mcp = await mcpClient();
  });

  after(async () => {
    await mcp?.close();
  });

  it('write at once; nothing is lost, and each sees the others at once', async () => {
    const written: string[] = [];
    await Promise.all(Array.from({ length: ROUNDS }, async (_, i) => {
      const fromCli = `cli note ${i} quokka${i}`;
      const cliId = /Stored (mem:\d+)/.exec(await cli(['memories', 'add', fromCli]))![1];
      written.push(fromCli);
      assert.match(await invokeTool('codeMemory_get', { id: cliId }), new RegExp(fromCli), 'the editor sees the CLI\'s write');
      const seen = await mcp.callTool({ name: 'codeMemory_get', arguments: { id: cliId } }) as ToolResult;
      assert.match(seen.content[0].text, new RegExp(fromCli), 'the MCP server sees the CLI\'s write');

      const fromMcp = `mcp note ${i} wombat${i}`;
      const stored = await mcp.callTool({ name: 'codeMemory_store', arguments: { content: fromMcp } }) as ToolResult;
      assert.equal(stored.isError, undefined, stored.content[0].text);
      const mcpId = /Stored (mem:\d+)/.exec(stored.content[0].text)![1];
      written.push(fromMcp);
      // By id and through full-text search: the editor's cached word counts must not be stale.
      assert.match(await invokeTool('codeMemory_search', { query: `wombat${i}`, kinds: ['note'] }), new RegExp(`${mcpId} \\(workspace\\)`));

      const fromEditor = `editor note ${i} numbat${i}`;
      const editorId = /Stored (mem:\d+)/.exec(await invokeTool('codeMemory_store', { content: fromEditor, kind: 'note' }))![1];
      written.push(fromEditor);
      const found = await mcp.callTool({ name: 'codeMemory_search', arguments: { query: `numbat${i}`, kinds: ['note'] } }) as ToolResult;
      assert.match(found.content[0].text, new RegExp(`${editorId} \\(workspace\\)`), 'the MCP server finds the editor\'s write');
      assert.match(await cli(['memories', 'show', editorId]), new RegExp(fromEditor), 'the CLI sees the editor\'s write');
    }));
    const listed = JSON.parse(await cli(['memories', 'list', '--kind', 'note', '--limit', '1000', '--json'])) as { memories: { content: string }[] };
    const notes = listed.memories.map((m) => m.content).filter((text) => / note \d+ /.test(text));
    assert.deepEqual(notes.sort(), [...written].sort(), 'every write is there, once');
  });
});
