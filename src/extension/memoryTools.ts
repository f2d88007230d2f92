import * as vscode from 'vscode';
import type { MemoryView } from '../core/memories/views';
import { holderOf, MEMORY_TOOLS, type MemoryTool, runMemoryTool, type ToolTarget } from '../core/tools/memoryTools';
import { describeError } from './log';
import type { ProfileFeature } from './profile';
import { UntrustedError, type Workspaces } from './workspaces';

/** How much of a memory a confirmation shows before "…". */
const CONFIRM_PREVIEW_CHARS = 600;

/**
 * The memory tools (src/core/tools) as VS Code language model tools, for agent mode and `#` references. Every
 * write and delete asks the user first; in Restricted Mode the tools are hidden (`when: isWorkspaceTrusted`) and
 * refuse to run.
 */
export function registerMemoryTools(context: vscode.ExtensionContext, workspaces: Workspaces, profile: ProfileFeature): void {
  /** Writes go to the active file's folder; search covers every indexed folder. */
  const target = (): ToolTarget => {
    if (!workspaces.trusted) throw new UntrustedError();
    const folder = workspaces.primaryFolder();
    if (!folder) throw new Error('Open a folder first: memories belong to a workspace.');
    const indexed = workspaces.indexed();
    const folders = indexed.map((entry) => ({ name: entry.folder.name, service: workspaces.memoryService(entry.folder) }));
    const primary = folders[indexed.findIndex((entry) => entry.folder.uri.toString() === folder.uri.toString())]?.service ??
      workspaces.memoryService(folder);
    const on = profile.text() !== undefined;
    return { primary, folders, profile: on ? () => profile.text() ?? '' : undefined };
  };
  for (const tool of MEMORY_TOOLS) {
    context.subscriptions.push(vscode.lm.registerTool<Record<string, unknown>>(tool.name, {
      prepareInvocation: (options) => prepare(tool, options.input, target),
      async invoke(options, token) {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        try {
          const text = await runMemoryTool(target(), tool.name, options.input, 'agent', controller.signal);
          // A preference an agent stored is something the user said about themselves: the profile learns it too.
          if (tool.name === 'codeMemory_store' && options.input.kind === 'user_preference' && typeof options.input.content === 'string') {
            profile.learn([options.input.content], workspaces.scoringProvider);
          }
          // Writes change memories; a search leaves a receipt (written a moment later, see receipts/).
          workspaces.notify();
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

function prepare(tool: MemoryTool, input: Record<string, unknown>, target: () => ToolTarget): vscode.PreparedToolInvocation {
  const invocationMessage = describe(tool, input);
  if (!tool.writes) return { invocationMessage };
  const message = new vscode.MarkdownString();
  if (tool.name === 'codeMemory_delete' || tool.name === 'codeMemory_update') {
    // The memory itself, not only its id: the user approves what will change.
    let current: MemoryView | undefined;
    try {
      current = holderOf(target(), String(input.id), input.folder as string | undefined).get(String(input.id));
    } catch {
      current = undefined; // the invocation reports why
    }
    message.appendText(`${tool.name === 'codeMemory_delete' ? 'Forget' : 'Change'} memory ${String(input.id)}${current ? ` “${current.title}”` : ''}?\n\n`);
    if (current) message.appendCodeblock(cut(current.content), 'text');
  }
  if (tool.name !== 'codeMemory_delete') {
    const text = [input.title, input.content, input.problem, input.error, input.solution].filter((v) => typeof v === 'string' && v).join('\n\n');
    if (text) {
      message.appendText(`${tool.name === 'codeMemory_update' ? 'It will say:' : 'Remember this for later conversations:'}\n\n`);
      message.appendCodeblock(cut(text), 'text');
    }
    if (input.scope === 'personal' || input.kind === 'user_preference') message.appendText('\nIt is kept in your personal memory, for every workspace.');
  }
  return { invocationMessage, confirmationMessages: { title: `Code Memory: ${tool.title}`, message } };
}

function cut(text: string): string {
  return text.length > CONFIRM_PREVIEW_CHARS ? `${text.slice(0, CONFIRM_PREVIEW_CHARS)}…` : text;
}

function describe(tool: MemoryTool, input: Record<string, unknown>): string {
  switch (tool.name) {
    case 'codeMemory_search': return `Searching Code Memory for “${String(input.query ?? '')}”`;
    case 'codeMemory_get': return `Reading memory ${String(input.id ?? '')}`;
    default: return tool.title;
  }
}
