import * as vscode from 'vscode';
import { fileErrors } from '../editorState';
import { statisticsMarkdown } from '../statistics';
import type { StoreResult } from '../../core/memories/memoryService';
import { SIMILAR_REASONS } from '../../core/memories/similar';
import { RULES } from '../memoryExchange';
import type { Workspaces } from '../workspaces';
import { escapeMarkdown, preview } from './render';
import type { Found } from './retrieve';

/** Candidates `/forget <words>` offers to forget. */
const FORGET_CHOICES = 5;
/** A label starts the text or follows a space, so `TypeError:` inside an error is not one. */
const DEBUG_LABELS = /(?<=^|\s)(problem|error|solution|fix)\s*:/gi;

const HELP = {
  remember: 'Tell me what to remember, for example: `@memory /remember invoices are rounded to cents only when sent`.',
  debug: 'Describe the session with labels, for example: `@memory /debug problem: checkout hangs error: TimeoutError solution: raise the pool size`. Without an `error:`, the active file\'s errors are used.',
  doc: 'Give a title on the first line and the documentation below it, for example: `@memory /doc Invoice states` then the text.',
  forget: 'Give the id of a memory (`@memory /forget mem:12`), or words to find the notes to forget.',
} as const;

/** `/remember`, `/debug`, `/doc`, `/forget` and `/stats`: they change or show the memory, without a model. */
export async function handleMemoryRequest(command: string, request: vscode.ChatRequest, stream: vscode.ChatResponseStream,
  workspaces: Workspaces, findToForget: (words: string) => Promise<Found>): Promise<void> {
  if (command === 'stats') {
    stream.markdown(statisticsMarkdown(workspaces));
    return;
  }
  const folder = workspaces.primaryFolder();
  if (!folder) {
    stream.markdown('Open a folder first: memories belong to a workspace.');
    return;
  }
  const service = workspaces.memoryService(folder);
  const text = request.prompt.trim();
  const activeFile = workspaces.activeFile();
  let stored: StoreResult | undefined;
  if (command === 'remember') {
    if (!text) return void stream.markdown(HELP.remember);
    stored = service.store({ kind: 'note', content: text, source: 'chat' });
  } else if (command === 'debug') {
    const session = parseDebugSession(text);
    const error = session.error ?? (activeFile && fileErrors(activeFile)) ?? '';
    if (!session.problem || !session.solution) return void stream.markdown(HELP.debug);
    stored = service.recordDebugSession({ problem: session.problem, error, solution: session.solution, file: activeFile?.fsPath, source: 'chat' });
  } else if (command === 'doc') {
    const [title, ...body] = text.split('\n');
    if (!title.trim()) return void stream.markdown(HELP.doc);
    const content = body.join('\n').trim() || title.trim();
    stored = service.store({ kind: 'documentation', title: title.trim(), content, citations: activeFile ? [{ file: activeFile.fsPath }] : [], source: 'chat' });
  } else if (command === 'forget') {
    await forget(text, stream, workspaces, findToForget);
    return;
  } else if (command === 'export' || command === 'import') {
    stream.markdown(command === 'export'
      ? 'Export writes every memory of this workspace and your personal ones (not instruction files or team notes, which are files already) to one JSON file, readable by you only.'
      : 'Import reads a Code Memory export or backup into this workspace; records it cannot read are listed in the log, the rest imported.');
    stream.button({ command: `codeMemory.${command}Memories`, title: command === 'export' ? 'Export Memories…' : 'Import Memories…' });
    return;
  } else if (command === 'cleanup') {
    const rules = Object.assign({}, ...RULES.slice(0, 2).map((r) => r.rules));
    const plan = service.cleanup(rules, false);
    if (!plan.length) return void stream.markdown('Nothing to clean up: no duplicates, and every memory was used or changed within 90 days.');
    stream.markdown(`${plan.length} memories could go (nothing is removed yet):\n\n`);
    for (const { memory, reason, keptId } of plan) stream.markdown(`- \`${memory.id}\` ${reason}${keptId ? ` of \`${keptId}\`` : ''}: ${escapeMarkdown(preview(memory.content, 100))}\n`);
    stream.button({ command: 'codeMemory.cleanUpMemories', arguments: [rules], title: 'Choose What to Remove…' });
    return;
  }
  if (stored) {
    workspaces.notify();
    renderStored(stored, stream, folder, workspaces.folders().length > 1);
  }
}

/** What was stored, with a way to take it back, and the memories it repeats or may contradict. */
function renderStored(stored: StoreResult, stream: vscode.ChatResponseStream, folder: vscode.WorkspaceFolder, multiRoot: boolean): void {
  const { memory } = stored;
  const where = memory.scope === 'personal' ? ' in your personal memory' : multiRoot ? ` in ${folder.name}` : '';
  stream.markdown(stored.created ? `Remembered as \`${memory.id}\`${where}. Later questions will find it.`
    : `This is already remembered as \`${memory.id}\`${where}.`);
  if (stored.created) {
    stream.button({ command: 'codeMemory.forgetMemory', arguments: [memory.id, folder.uri.toString(), memory.updated], title: `Forget ${memory.id}` });
    if (memory.scope === 'workspace') stream.button({ command: 'codeMemory.shareWithTeam', arguments: [memory.id, folder.uri.toString()], title: 'Share with Team' });
  }
  if (!stored.similar.length) return;
  stream.markdown('\n\nSimilar memories:\n');
  for (const { memory: other, reason } of stored.similar) {
    stream.markdown(`\n- \`${other.id}\` ${SIMILAR_REASONS[reason]}: ${escapeMarkdown(preview(other.content, 100))}\n`);
    if (!other.origin) stream.button({ command: 'codeMemory.updateInstead', arguments: [memory.id, other.id, folder.uri.toString()], title: `Update ${other.id} instead` });
  }
}

/** `problem: … error: … solution: …` in any order; text before the first label is the problem. */
export function parseDebugSession(text: string): { problem?: string; error?: string; solution?: string } {
  const labels = [...text.matchAll(DEBUG_LABELS)];
  const parts: Record<string, string> = {};
  const lead = text.slice(0, labels[0]?.index ?? text.length).trim();
  if (lead) parts.problem = lead;
  labels.forEach((label, i) => {
    const key = label[1].toLowerCase() === 'fix' ? 'solution' : label[1].toLowerCase();
    const value = text.slice(label.index! + label[0].length, labels[i + 1]?.index ?? text.length).trim();
    if (value) parts[key] = parts[key] ? `${parts[key]}\n${value}` : value;
  });
  return parts;
}

async function forget(text: string, stream: vscode.ChatResponseStream, workspaces: Workspaces, find: (words: string) => Promise<Found>) {
  const ids = text.match(/\b(?:mem|personal):\d+\b/g);
  if (ids) {
    // Each folder numbers its own memories: an id held by several folders is offered, not guessed.
    for (const id of ids) {
      // Personal memories are one store, whichever folder's service reads them.
      const candidates = id.startsWith('personal:') ? workspaces.indexed().slice(0, 1) : workspaces.indexed();
      const holders = candidates.filter(({ folder }) => workspaces.memoryService(folder).get(id));
      if (holders.length === 1) {
        const outcome = workspaces.memoryService(holders[0].folder).delete(id);
        if (outcome.status === 'deleted') {
          stream.markdown(`Forgot \`${id}\`: ${escapeMarkdown(preview(outcome.memory.content))}\n\n`);
          stream.button({ command: 'codeMemory.restoreMemory', arguments: [outcome.record, holders[0].folder.uri.toString(), outcome.memory.scope], title: `Undo: restore ${id}` });
        }
      } else if (!holders.length) {
        stream.markdown(`There is no memory \`${id}\`.\n\n`);
      } else {
        stream.markdown(`\`${id}\` exists in ${holders.length} folders; choose which to forget:\n\n`);
        for (const { folder } of holders) {
          stream.button({ command: 'codeMemory.forgetMemory', arguments: [id, folder.uri.toString()], title: `Forget ${id} in ${folder.name}` });
        }
      }
    }
    workspaces.notify();
    return;
  }
  if (!text) return void stream.markdown(HELP.forget);
  const candidates = (await find(text)).memories.filter((m) => m.memory.kind !== 'code').slice(0, FORGET_CHOICES);
  if (!candidates.length) return void stream.markdown('No note, documentation or debugging session matches. Code memories follow the code: delete or change the code instead.');
  stream.markdown('These memories match; choose the ones to forget:\n\n');
  for (const { memory, folder } of candidates) {
    stream.markdown(`- \`${memory.memoryId}\` ${escapeMarkdown(preview(memory.text, 100))}\n`);
    stream.button({ command: 'codeMemory.forgetMemory', arguments: [memory.memoryId, folder.uri.toString(), memory.timestamp], title: `Forget ${memory.memoryId}` });
  }
}
