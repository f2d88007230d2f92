import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { CodeMemorySystem } from '../core/codeMemorySystem';
import { UserProfile } from '../core/profile/userProfile';
import { MemoryService } from '../core/memories/memoryService';
import { MEMORY_TOOLS, runMemoryTool } from '../core/tools/memoryTools';
import { describeView } from '../core/tools/toolText';
import { LOCATION_OPTIONS, NOTES_OPTION, parse, teamNotesFolderOf, UsageError, workspaceOf } from './args';
import { printable } from './output';

export const MCP_USAGE = `code-memory mcp [--workspace DIR] [--db PATH] [--team-notes-folder DIR] [--no-index]
      an MCP server on standard input and output: the memory tools and the memories as resources, for any MCP client`;

const RESOURCE_PREFIX = 'code-memory://memory/';
/** Memories listed as resources, newest first: a client shows them in a picker, not all of a large store. */
const RESOURCES_LISTED = 200;

/**
 * `code-memory mcp`: serves the same memory tools as the extension over stdio, on the workspace's database, so
 * agents outside VS Code share the editor's memory. Unless --no-index, the index is brought up to date in the
 * background first (an unchanged tree costs a walk). Runs until the client closes the connection.
 */
export async function runMcp(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...LOCATION_OPTIONS, ...NOTES_OPTION, 'no-index': { type: 'boolean' } });
  if (positionals.length) throw new UsageError(`mcp takes flags only, got '${positionals[0]}'`);
  const root = workspaceOf(values);
  const system = CodeMemorySystem.open(root, { dbPath: values.db, teamNotesFolder: teamNotesFolderOf(root, values['team-notes-folder']) });
  const service = new MemoryService(system);
  const profile = new UserProfile();
  const log = (line: string) => process.stderr.write(printable(`code-memory mcp: ${line}\n`));
  const server = new Server({ name: 'code-memory', version: '0.1.0' }, {
    capabilities: { tools: {}, resources: {} },
    instructions: 'Long-term memory of this code base and its user. Search it (codeMemory_search) before answering questions ' +
      'about the code or changing it; store what was decided or learned (codeMemory_store, codeMemory_recordDebugSession).',
  });
  const source = () => `mcp:${server.getClientVersion()?.name ?? 'client'}`;

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: MEMORY_TOOLS.map((tool) => ({
      name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema as { type: 'object' },
      annotations: { readOnlyHint: !tool.writes, destructiveHint: tool.name === 'codeMemory_delete', openWorldHint: false },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    try {
      const text = await runMemoryTool({ primary: service, profile: () => profile.read() }, request.params.name, request.params.arguments ?? {}, source(), extra.signal);
      return { content: [{ type: 'text', text }] };
    } catch (error) {
      // A tool error goes back to the model as a result it can act on; the server keeps serving.
      return { isError: true, content: [{ type: 'text', text: (error as Error).message.split('\n')[0] }] };
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: service.list({ limit: RESOURCES_LISTED }).memories.map((m) => ({
      uri: `${RESOURCE_PREFIX}${m.id}`, name: m.title, mimeType: 'text/markdown', description: `${m.kind} (${m.scope})`,
    })),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => {
    const { uri } = request.params;
    const memory = uri.startsWith(RESOURCE_PREFIX) ? service.get(uri.slice(RESOURCE_PREFIX.length)) : undefined;
    if (!memory) throw new Error(`no such memory: ${uri}`);
    return { contents: [{ uri, mimeType: 'text/markdown', text: describeView(memory) }] };
  });

  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  await server.connect(new StdioServerTransport());
  log(`serving ${system.index.root}`);
  if (!values['no-index']) {
    system.indexRepository().then(
      (summary) => log(`index up to date: ${summary.indexed} files indexed, ${summary.unchanged} unchanged`),
      (error: Error) => log(`indexing failed: ${error.message}`),
    );
  }
  await closed;
  service.close();
  system.close();
  return 0;
}
