// Shared by the extension-host specs: the extension under test, the fake language models, chat requests and
// polling for effects that happen in the background (indexing after a save, file watcher events), and the CLI and
// an MCP client on the same database.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as vscode from 'vscode';
import type { CodeMemoryApi } from '../../src/extension/api';

export const EXTENSION_ID = 'code-memory.code-memory';

export interface FakeRequest {
  model: string;
  text: string;
  lastUserText: string;
  messages: { role: string; text: string }[];
  options: { toolNames: string[] };
  response?: string;
  /** The tools the responder had the model call. */
  toolCalls: { callId: string; name: string; input: object }[];
}

/** What a responder answers: text (whole or in chunks), or tools to call as an agent's step. */
export type FakeAnswer = string | string[] | { toolCalls: { name: string; input: object }[] };

export interface FakeLmApi {
  requests: FakeRequest[];
  clear(): void;
  setResponder(fn?: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>): void;
}

export async function codeMemory(): Promise<CodeMemoryApi> {
  const extension = vscode.extensions.getExtension<CodeMemoryApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is loaded as the extension under development`);
  return extension.activate();
}

export async function fakeLm(): Promise<FakeLmApi> {
  const extension = vscode.extensions.getExtension<FakeLmApi>('code-memory-tests.fake-lm');
  assert.ok(extension, 'the fake-lm extension is installed');
  return extension.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a folder is open');
  return folder.uri;
}

export function fileUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

/** Polls until `check` returns a truthy value (background work has no event to wait for). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface ChatOutcome {
  metadata?: { command?: string; question?: string; cited?: string[]; stale?: string[]; fixedBefore?: string };
  errorDetails?: { message: string };
}

/** Sends a message through the real chat view, as typed, and waits for the participant's result. */
export async function chat(message: string, options: { newSession?: boolean } = {}): Promise<ChatOutcome> {
  if (options.newSession ?? true) await vscode.commands.executeCommand('workbench.action.chat.newChat');
  const result = await vscode.commands.executeCommand<ChatOutcome>('workbench.action.chat.open', { query: message, blockOnResponse: true });
  assert.ok(result, `the chat returned a result for "${message}"`);
  return result;
}

/** Names of the memories @memory would use for a question. */
export async function retrievedNames(question: string): Promise<string[]> {
  const memories = await (await codeMemory()).retrieve(question);
  return memories.map((m) => String(m.metadata.name ?? m.memoryId));
}

/** The text of every memory retrieved: code units hold their nested definitions (a class its methods). */
export async function retrievedText(question: string): Promise<string> {
  return (await (await codeMemory()).retrieve(question)).map((m) => m.text).join('\n');
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global);
}

/** Runs one of the language model tools as an agent would (vscode.lm.invokeTool) and returns its text. */
export async function invokeTool(name: string, input: object): Promise<string> {
  const source = new vscode.CancellationTokenSource();
  try {
    const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, source.token);
    return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
  } finally {
    source.dispose();
  }
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
/** The Node that built node_modules (the CLI's better-sqlite3 is built for it), as the harness says. */
const NODE = process.env.CODE_MEMORY_TEST_NODE ?? process.execPath;

/** Runs the code-memory CLI on the workspace's database, as a user in a terminal; resolves to its output. */
export async function cli(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(NODE, [CLI, ...args, '--workspace', workspaceRoot().fsPath], { env: process.env });
  return stdout;
}

/** An MCP client (an agent outside VS Code) connected to `code-memory mcp` on the workspace's database. */
export async function mcpClient(): Promise<Client> {
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(new StdioClientTransport({
    command: NODE, args: [CLI, 'mcp', '--workspace', workspaceRoot().fsPath, '--no-index'], env: process.env as Record<string, string>, stderr: 'ignore',
  }));
  return client;
}
