import * as path from 'node:path';
import * as vscode from 'vscode';
import { LANGUAGES } from '../core/indexing/languages';
import type { Indexer } from './indexing';
import { INDEX_SETTINGS, SECTION } from './settings';
import type { Workspaces } from './workspaces';

/** A save, a formatter's rewrite and the watcher's echo of both arrive within this window: one update. */
const DEBOUNCE_MS = 400;
/** More changed files than this at once (a checkout, a pull) are cheaper as one incremental full run. */
const FULL_RUN_THRESHOLD_FILES = 50;

const SOURCE_EXTENSIONS = new Set(LANGUAGES.flatMap((language) => language.extensions));
const SOURCE_GLOB = `**/*.{${[...SOURCE_EXTENSIONS].map((ext) => ext.slice(1)).join(',')}}`;

/**
 * Keeps the index fresh: saved files, files created, changed, deleted or renamed outside the editor
 * (git checkout, formatters, generators), and settings that change what is indexed.
 */
export function registerFileWatching(context: vscode.ExtensionContext, workspaces: Workspaces, indexer: Indexer): void {
  const pending = new Map<string, vscode.Uri>();
  let timer: NodeJS.Timeout | undefined;
  let fullRun = false;

  const flush = async () => {
    timer = undefined;
    const uris = [...pending.values()];
    pending.clear();
    if (fullRun || uris.length > FULL_RUN_THRESHOLD_FILES) {
      fullRun = false;
      await indexer.indexAll({ notify: false });
      return;
    }
    for (const uri of uris) await indexer.reindex(uri);
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), DEBOUNCE_MS);
  };
  const changed = (uri: vscode.Uri) => {
    if (!enabled() || !workspaces.folderOf(uri)) return;
    if (SOURCE_EXTENSIONS.has(path.extname(uri.fsPath).toLowerCase())) pending.set(uri.toString(), uri);
    else fullRun = true; // a folder deleted or renamed away: its files get no events of their own
    schedule();
  };
  const enabled = () => workspaces.trusted && vscode.workspace.getConfiguration(SECTION).get('autoIndex', true);

  const sources = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
  // Folders cannot be matched by extension; only their deletion matters (a new folder's files report themselves).
  const everything = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
  context.subscriptions.push(
    sources, everything,
    sources.onDidCreate(changed), sources.onDidChange(changed), sources.onDidDelete(changed),
    everything.onDidDelete((uri) => { if (looksLikeFolder(uri)) changed(uri); }),
    vscode.workspace.onDidSaveTextDocument((document) => changed(document.uri)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!INDEX_SETTINGS.some((key) => event.affectsConfiguration(key))) return;
      await workspaces.reopen();
      if (enabled()) await indexer.indexAll({ notify: false });
    }),
    { dispose: () => timer && clearTimeout(timer) },
  );
}

/** A deleted path is gone and cannot be asked; folders rarely have extensions, git's own files are not ours. */
function looksLikeFolder(uri: vscode.Uri): boolean {
  return path.extname(uri.fsPath) === '' && !/[\\/]\.git([\\/]|$)/.test(uri.fsPath);
}
