import * as vscode from 'vscode';
import { MEMORY_TOOLS, type MemoryTool, runMemoryTool } from '../core/tools/memoryTools';
import { describeError } from './log';
import { UntrustedError, type Workspaces } from './workspaces';

/** How much of a memory a confirmation shows before "…". */
const CONFIRM_PREVIEW_CHARS = 600;

/**
 * The memory tools (src/core/tools) as VS Code language model tools, for agent mode and `#` references. Every
 * write and delete asks the user first; in Restricted Mode the tools are hidden (`when: isWorkspaceTrusted`) and
 * refuse to run.
 */
export function registerMemoryTools(context: vscode.ExtensionContext, workspaces: Workspaces): void {
  for (const tool of MEMORY_TOOLS) {
    context.subscriptions.push(vscode.lm.registerTool<Record<string, unknown>>(tool.name, {
      prepareInvocation: (options) => prepare(tool, options.input),
      async invoke(options, token) {
        if (!workspaces.trusted) throw new UntrustedError();
        const folder = workspaces.primaryFolder();
        if (!folder) throw new Error('Open a folder first: memories belong to a workspace.');
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        try {
          const indexed = workspaces.indexed();
          const folders = indexed.map((entry) => ({ name: entry.folder.name, service: workspaces.memoryService(entry.folder) }));
          const primary = folders[indexed.findIndex((entry) => entry.folder.uri.toString() === folder.uri.toString())]?.service ??
            workspaces.memoryService(folder);
          const text = await runMemoryTool({ primary, folders }, tool.name, options.input, 'agent', controller.signal);
          if (tool.writes) workspaces.notify();
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
        } catch (error) {
          // The model reads the message and can correct its call; no stack reaches it.
          throw new Error(describeError(error));
        } finally {
          cancel.dispose();
        }
      },
    }));
  }
}

function prepare(tool: MemoryTool, input: Record<string, unknown>): vscode.PreparedToolInvocation {
  const invocationMessage = describe(tool, input);
  if (!tool.writes) return { invocationMessage };
  const message = new vscode.MarkdownString();
  if (tool.name === 'codeMemory_delete') {
    message.appendText(`Delete memory ${String(input.id)}? It can be restored from the memory backup only.`);
  } else {
    const text = [input.title, input.content, input.problem, input.error, input.solution].filter((v) => typeof v === 'string' && v).join('\n\n');
    message.appendText(`${tool.name === 'codeMemory_update' ? `Change memory ${String(input.id)} to say:` : 'Remember this for later conversations:'}\n\n`);
    message.appendCodeblock(text.length > CONFIRM_PREVIEW_CHARS ? `${text.slice(0, CONFIRM_PREVIEW_CHARS)}…` : text, 'text');
    if (input.scope === 'personal' || input.kind === 'user_preference') message.appendText('\nIt is kept in your personal memory, for every workspace.');
  }
  return { invocationMessage, confirmationMessages: { title: `Code Memory: ${tool.title}`, message } };
}

function describe(tool: MemoryTool, input: Record<string, unknown>): string {
  switch (tool.name) {
    case 'codeMemory_search': return `Searching Code Memory for “${String(input.query ?? '')}”`;
    case 'codeMemory_get': return `Reading memory ${String(input.id ?? '')}`;
    default: return tool.title;
  }
}
