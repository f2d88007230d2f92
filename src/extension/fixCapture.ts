import * as vscode from 'vscode';
import { type CaptureEagerness, type FixOffer, FixTracker, normalizeError, type ObservedError, sameError } from '../core/capture/fixes';
import { recordedError } from '../core/memories/views';
import { preview } from './chat/render';
import { describeError } from './log';
import type { MemoryDocuments } from './memoryDocuments';
import { reported } from './reported';
import type { Workspaces } from './workspaces';

/** Pending offers kept for the Record button; older ones are dropped. */
const MAX_PENDING = 20;
/** Errors already looked up for an earlier fix in this window, at most (then it starts again). */
const MAX_LOOKED_UP = 500;

export interface FixCaptureApi {
  /** Offers made and not yet answered, newest last (for tests). */
  offers(): FixOffer[];
}

/**
 * Debugging sessions captured when an error is fixed (capture/README.md): watches errors in the workspace's
 * diagnostics, tasks and terminal commands; when one goes away after the user's edits (or a failing command
 * passes again), offers once, in a notification, to record it — pre-filled with the error, the file and the
 * diff — in an editor where nothing is stored until the user saves. An error seen again that a recorded session
 * fixed is pointed out.
 */
export function registerFixCapture(context: vscode.ExtensionContext, workspaces: Workspaces, documents: MemoryDocuments,
  log: vscode.LogOutputChannel): FixCaptureApi {
  const eagerness = () => vscode.workspace.getConfiguration('codeMemory').get<CaptureEagerness>('captureFixes', 'lasting');
  const tracker = new FixTracker(eagerness);
  const pending = new Map<number, { offer: FixOffer; folder: vscode.WorkspaceFolder }>();
  const pointedOut = new Set<string>();
  const active = () => workspaces.trusted && eagerness() !== 'off';
  const folderOf = (uri: vscode.Uri) => (uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri) : undefined);

  const offer = (found: FixOffer, folder: vscode.WorkspaceFolder) => {
    pending.set(found.id, { offer: found, folder });
    if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
    const where = found.error.source === 'diagnostic' ? ` in ${found.error.where}` : '';
    void vscode.window.showInformationMessage(`Code Memory: “${preview(found.error.message, 100)}”${where} is fixed. Record how, as a debugging session?`,
      'Record…', 'Not Now').then((choice) => choice === 'Record…' && vscode.commands.executeCommand('codeMemory.recordFix', found.id));
  };

  /**
   * A new error that a recorded debugging session is about: said once per error and window. A full-text lookup of
   * debugging sessions — no model, and not counted as a use of the memories it looks at.
   */
  const pointOutEarlierFix = async (error: ObservedError, folder: vscode.WorkspaceFolder) => {
    const key = normalizeError(error.message);
    if (pointedOut.has(key) || !workspaces.hasIndex(folder)) return;
    if (pointedOut.size >= MAX_LOOKED_UP) pointedOut.clear();
    pointedOut.add(key);
    const candidates = workspaces.memoryService(folder).list({ kinds: ['debugging'], text: error.message, scope: 'workspace', limit: 3 }).memories;
    const fixed = candidates.find((m) => sameError(recordedError(m.content, {}) ?? '', error.message));
    if (!fixed) return;
    const choice = await vscode.window.showInformationMessage(`Code Memory: you fixed this before — ${fixed.title}.`, 'Show the Fix');
    if (choice) await vscode.commands.executeCommand('codeMemory.memories.open', fixed.id, folder.name);
  };

  const diagnosticsChanged = (uri: vscode.Uri) => {
    const folder = folderOf(uri);
    if (!folder) return;
    const where = vscode.workspace.asRelativePath(uri, false);
    const errors: ObservedError[] = vscode.languages.getDiagnostics(uri)
      .filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => ({ where, message: d.message, source: 'diagnostic' }));
    const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText();
    for (const error of errors) {
      tracker.present(error, text);
      void pointOutEarlierFix(error, folder).catch((e: unknown) => log.debug(`no earlier fix looked up: ${describeError(e)}`));
    }
    // Language servers clear a closed file's errors: that is not a fix.
    if (text !== undefined) for (const found of tracker.remaining(where, errors, text)) offer(found, folder);
  };

  const commandEnded = (error: ObservedError, exitCode: number | undefined) => {
    const folder = workspaces.primaryFolder();
    if (!active() || exitCode === undefined || !folder) return;
    const found = tracker.commandEnded(error, exitCode);
    if (found) offer(found, folder);
    if (exitCode !== 0) void pointOutEarlierFix(error, folder).catch((e: unknown) => log.debug(`no earlier fix looked up: ${describeError(e)}`));
  };

  context.subscriptions.push(
    vscode.languages.onDidChangeDiagnostics((event) => {
      if (active()) event.uris.forEach(diagnosticsChanged);
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length && folderOf(event.document.uri)) tracker.edited(vscode.workspace.asRelativePath(event.document.uri, false));
    }),
    vscode.tasks.onDidEndTaskProcess((event) => {
      const name = event.execution.task.name;
      commandEnded({ where: `task ${name}`, message: `the task “${name}” failed (exit code ${event.exitCode})`, source: 'task' }, event.exitCode);
    }),
    // Shell integration reports each command's exit code where the terminal has it.
    vscode.window.onDidEndTerminalShellExecution((event) => {
      const command = event.execution.commandLine.value.trim();
      if (command) commandEnded({ where: command, message: `\`${command}\` failed (exit code ${event.exitCode})`, source: 'terminal' }, event.exitCode);
    }),
    vscode.commands.registerCommand('codeMemory.recordFix', reported('record the fix', async (id: number) => {
      const item = pending.get(id);
      if (!item) throw new Error('that fix is no longer remembered: use Record Debugging Session');
      pending.delete(id);
      const uri = documents.draft(item.folder, fixTemplate(item.offer));
      await vscode.window.showTextDocument(uri, { preview: false });
      return uri.toString();
    })),
  );
  return { offers: () => [...pending.values()].map(({ offer: o }) => o) };
}

/** The draft a fix opens: the error and the diff filled in, the problem and the solution for the user to say. */
function fixTemplate({ error, diff }: FixOffer): string {
  const cites = error.source === 'diagnostic' ? `cites: [${JSON.stringify(error.where)}]\n` : '';
  const fence = '`'.repeat(Math.max(3, ...[...(diff ?? '').matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return [
    `---\nkind: debugging\ntags: []\n${cites}---\n`,
    `# Fixed: ${error.message.split('\n')[0].slice(0, 80)}\n`,
    'Problem: what went wrong, in your words.',
    `Error: ${error.message.split('\n')[0]}`,
    'Solution: what fixed it, and why.',
    ...(diff ? [`Diff:\n${fence}diff\n${diff}\n${fence}`] : []),
    '',
  ].join('\n');
}
