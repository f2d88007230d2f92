import * as vscode from 'vscode';
import type { IndexProgress, IndexRunSummary } from '../core/indexing/indexer';
import { isDamage } from '../core/store/database';
import type { ReindexResult } from '../core/workspaceIndex';
import { announceFirstIndex } from './firstIndex';
import { describeError } from './log';
import { SECTION } from './settings';
import { summary } from './statistics';
import type { Workspaces } from './workspaces';

export interface Indexer {
  /** Indexes every folder; only changed files are parsed. `notify` shows a cancellable notification. */
  indexAll(options: { notify: boolean }): Promise<IndexRunSummary[]>;
  /** Brings one file up to date (saved, created, deleted or renamed); a string says why it could not. */
  reindex(uri: vscode.Uri): Promise<ReindexResult | string | undefined>;
}

const PHASES: Record<IndexProgress['phase'], string> = { walking: 'Finding files', parsing: 'Parsing', linking: 'Linking calls' };
const STATUS_MESSAGE_MS = 4000;

function describeReindex(result: ReindexResult): string {
  switch (result.status) {
    case 'indexed': return `reindexed: ${result.entityIds.length} entities`;
    case 'unchanged': return `is up to date: ${result.entityIds.length} entities`;
    default: return `${result.status}${result.reason ? ` (${result.reason})` : ''}`;
  }
}

/**
 * Full runs (on first activation, by command, after exclude changes) and single-file updates. Activation
 * never waits for them: the first run starts in the background, and the status bar shows its progress.
 */
export function registerIndexing(context: vscode.ExtensionContext, workspaces: Workspaces, log: vscode.LogOutputChannel): Indexer {
  let running: Promise<IndexRunSummary[]> | undefined;
  /** A run asked for while one was under way: that one may have walked past the change, so one more follows. */
  let next: Promise<IndexRunSummary[]> | undefined;
  let nextNotifies = false;

  const indexAll = (options: { notify: boolean }): Promise<IndexRunSummary[]> => {
    if (!workspaces.trusted) {
      void vscode.window.showWarningMessage('Code Memory does not index an untrusted workspace. Trust it to build the index.');
      return Promise.resolve([]);
    }
    const start = (notify: boolean) => {
      running = runAll(workspaces, log, notify).then((summaries) => {
        try {
          if (notify) announceFirstIndex(context, summaries, summary(workspaces).entities);
        } catch {
          // An index that cannot be read now has its own message; the run's result stands.
        }
        return summaries;
      }).finally(() => { running = undefined; });
      return running;
    };
    if (!running) return start(options.notify);
    nextNotifies ||= options.notify;
    next ??= running.catch(() => undefined).then(() => {
      next = undefined;
      const notify = nextNotifies;
      nextNotifies = false;
      return start(notify);
    });
    return next;
  };

  const reindex = async (uri: vscode.Uri): Promise<ReindexResult | string | undefined> => {
    const folder = workspaces.folderOf(uri);
    if (!folder || !workspaces.trusted) return;
    try {
      const result = await workspaces.exclusive(folder, (system) => system.reindexFile(uri.fsPath));
      log.debug(`${result.path}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
      workspaces.notify();
      return result;
    } catch (error) {
      log.warn(`Could not update ${uri.fsPath}: ${describeError(error)}`);
      return describeError(error);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('codeMemory.indexWorkspace', () => indexAll({ notify: true })),
    vscode.commands.registerCommand('codeMemory.reindexCurrentFile', async () => {
      const uri = vscode.window.activeTextEditor?.document.uri;
      if (!uri || !workspaces.folderOf(uri)) {
        void vscode.window.showInformationMessage('Open a file of this workspace to reindex it.');
        return undefined;
      }
      if (!workspaces.trusted) return indexAll({ notify: true }); // explains why nothing happens
      const result = await reindex(uri);
      if (typeof result === 'string') void vscode.window.showWarningMessage(`Code Memory could not reindex this file: ${result}`);
      else if (result) vscode.window.setStatusBarMessage(`$(check) Code Memory: ${result.path} ${describeReindex(result)}`, STATUS_MESSAGE_MS);
      return result;
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => autoIndex()),
    vscode.workspace.onDidChangeWorkspaceFolders(async (event) => {
      await workspaces.forget(event.removed);
      if (event.added.length) autoIndex();
      workspaces.notify();
    }),
  );

  /** On opening, on trust and for added folders: a folder never indexed gets the notification, others catch up quietly. */
  const autoIndex = () => {
    // Without a SQLite driver the user was told once, at activation: no second popup per folder.
    if (!workspaces.trusted || !workspaces.sqliteDriver || !vscode.workspace.getConfiguration(SECTION).get('autoIndex', true)) return;
    const firstTime = workspaces.folders().some((folder) => !workspaces.hasIndex(folder));
    void indexAll({ notify: firstTime });
  };
  autoIndex();
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
  const stop = workspaces.onDispose(() => controller.abort());
  workspaces.lastError = undefined;
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
        const summary = await workspaces.exclusive(folder, (system, closing) =>
          system.indexRepository({ signal: AbortSignal.any([controller.signal, closing]), onProgress }));
        summaries.push(summary);
        log.info(`${folder.name}: ${summary.files} files, ${summary.indexed} parsed, ${summary.removed} removed, ` +
          `${summary.skipped.length} skipped in ${summary.seconds.toFixed(1)} s${summary.cancelled ? ' (cancelled)' : ''}`);
        for (const problem of summary.knowledge?.problems ?? []) log.warn(`${folder.name}: ${problem}`);
      } catch (error) {
        if (workspaces.disposed) break;
        workspaces.lastError = describeError(error);
        // Damage comes with its own offer to rebuild (see damagedIndex.ts).
        if (isDamage(error)) continue;
        log.error(`Indexing ${folder.name} failed: ${workspaces.lastError}`);
        // Quiet runs (catching up, file events) leave it to the status bar's warning: no popup on every change.
        if (report) void vscode.window.showErrorMessage(`Code Memory could not index ${folder.name}: ${workspaces.lastError}`, 'Open Log')
          .then((choice) => choice && vscode.commands.executeCommand('codeMemory.openLog'));
      }
    }
  } finally {
    cancel?.dispose();
    stop.dispose();
    workspaces.indexing = undefined;
    workspaces.notify();
  }
  return summaries;
}
