import * as vscode from 'vscode';
import type { IndexProgress, IndexRunSummary } from '../core/indexing/indexer';
import { describeError } from './log';
import { SECTION } from './settings';
import type { Workspaces } from './workspaces';

export interface Indexer {
  /** Indexes every folder; only changed files are parsed. `notify` shows a cancellable notification. */
  indexAll(options: { notify: boolean }): Promise<IndexRunSummary[]>;
  /** Brings one file up to date (saved, created, deleted or renamed). */
  reindex(uri: vscode.Uri): Promise<void>;
}

const PHASES: Record<IndexProgress['phase'], string> = { walking: 'Finding files', parsing: 'Parsing', linking: 'Linking calls' };

/**
 * Full runs (on first activation, by command, after exclude changes) and single-file updates. Activation
 * never waits for them: the first run starts in the background, and the status bar shows its progress.
 */
export function registerIndexing(context: vscode.ExtensionContext, workspaces: Workspaces, log: vscode.LogOutputChannel): Indexer {
  let running: Promise<IndexRunSummary[]> | undefined;

  const indexAll = (options: { notify: boolean }): Promise<IndexRunSummary[]> => {
    if (!workspaces.trusted) {
      void vscode.window.showWarningMessage('Code Memory does not index an untrusted workspace. Trust it to build the index.');
      return Promise.resolve([]);
    }
    running ??= runAll(workspaces, log, options.notify).finally(() => { running = undefined; });
    return running;
  };

  const reindex = async (uri: vscode.Uri): Promise<void> => {
    const folder = workspaces.folderOf(uri);
    if (!folder || !workspaces.trusted) return;
    try {
      const result = await workspaces.exclusive(folder, (system) => system.reindexFile(uri.fsPath));
      log.debug(`${result.path}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
      workspaces.notify();
    } catch (error) {
      log.warn(`Could not update ${uri.fsPath}: ${describeError(error)}`);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('codeMemory.indexWorkspace', () => indexAll({ notify: true })),
    vscode.commands.registerCommand('codeMemory.reindexCurrentFile', async () => {
      const uri = vscode.window.activeTextEditor?.document.uri;
      if (!uri || !workspaces.folderOf(uri)) {
        void vscode.window.showInformationMessage('Open a file of this workspace to reindex it.');
        return;
      }
      await reindex(uri);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void indexAll({ notify: true })),
  );

  if (workspaces.trusted && vscode.workspace.getConfiguration(SECTION).get('autoIndex', true)) {
    // A folder never indexed gets the notification; reopening an indexed one only catches up, quietly.
    const firstTime = workspaces.folders().some((folder) => !workspaces.hasIndex(folder));
    void indexAll({ notify: firstTime });
  }
  return { indexAll, reindex };
}

async function runAll(workspaces: Workspaces, log: vscode.LogOutputChannel, notify: boolean): Promise<IndexRunSummary[]> {
  const run = (token?: vscode.CancellationToken, report?: (message: string, increment: number) => void) =>
    indexFolders(workspaces, log, token, report);
  if (!notify) return run();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Code Memory', cancellable: true },
    (progress, token) => {
      let reported = 0;
      return run(token, (message, percent) => {
        progress.report({ message, increment: Math.max(0, percent - reported) });
        reported = Math.max(reported, percent);
      });
    },
  );
}

async function indexFolders(workspaces: Workspaces, log: vscode.LogOutputChannel, token?: vscode.CancellationToken,
  report?: (message: string, percent: number) => void): Promise<IndexRunSummary[]> {
  const folders = workspaces.folders();
  const summaries: IndexRunSummary[] = [];
  const controller = new AbortController();
  const cancel = token?.onCancellationRequested(() => controller.abort());
  try {
    for (const [i, folder] of folders.entries()) {
      if (controller.signal.aborted) break;
      const onProgress = (progress: IndexProgress) => {
        const share = progress.total ? progress.done / progress.total : 0;
        const percent = Math.round(((i + (progress.phase === 'linking' ? 1 : share * 0.95)) / folders.length) * 100);
        workspaces.indexing = { folder: folder.name, phase: PHASES[progress.phase], percent };
        workspaces.notify();
        const counts = progress.phase === 'parsing' ? ` ${progress.done}/${progress.total} files` : '';
        report?.(`${PHASES[progress.phase]}${counts}${folders.length > 1 ? ` in ${folder.name}` : ''}`, percent);
      };
      try {
        const summary = await workspaces.exclusive(folder, (system) => system.indexRepository({ signal: controller.signal, onProgress }));
        summaries.push(summary);
        log.info(`${folder.name}: ${summary.files} files, ${summary.indexed} parsed, ${summary.removed} removed, ` +
          `${summary.skipped.length} skipped in ${summary.seconds.toFixed(1)} s${summary.cancelled ? ' (cancelled)' : ''}`);
        workspaces.lastError = undefined;
      } catch (error) {
        workspaces.lastError = describeError(error);
        log.error(`Indexing ${folder.name} failed: ${workspaces.lastError}`);
        void vscode.window.showErrorMessage(`Code Memory could not index ${folder.name}: ${workspaces.lastError}`, 'Open Log')
          .then((choice) => choice && vscode.commands.executeCommand('codeMemory.openLog'));
      }
    }
  } finally {
    cancel?.dispose();
    workspaces.indexing = undefined;
    workspaces.notify();
  }
  return summaries;
}
