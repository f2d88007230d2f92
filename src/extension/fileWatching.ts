import * as path from 'node:path';
import * as vscode from 'vscode';
import { LANGUAGES } from '../core/indexing/languages';
import { knowledgeSourceOf } from '../core/memories/knowledgeFiles';
import type { Indexer } from './indexing';
import { INDEX_SETTINGS, indexSettings, SECTION } from './settings';
import type { Workspaces } from './workspaces';

/** A save, a formatter's rewrite and the watcher's echo of both arrive within this window: one update. */
const DEBOUNCE_MS = 400;
/** A tool rewriting files without pause must not postpone updates forever. */
const MAX_WAIT_MS = 2000;
/** More changed files than this at once (a checkout, a pull) are cheaper as one incremental full run. */
const FULL_RUN_THRESHOLD_FILES = 50;

const SOURCE_EXTENSIONS = new Set(LANGUAGES.flatMap((language) => language.extensions));
const SOURCE_GLOB = `**/*.{${[...SOURCE_EXTENSIONS].map((ext) => ext.slice(1)).join(',')}}`;
/** What instruction files and team notes can be named; `isSource` then asks knowledgeFiles.ts exactly. */
const KNOWLEDGE_GLOB = '**/{*.md,*.mdc,.cursorrules,.clinerules,.clinerules/*,.cursor/rules/*,.serena/memories/*}';

/**
 * Keeps the index fresh: saved files, files created, changed, deleted or renamed outside the editor
 * (git checkout, formatters, generators), and settings that change what is indexed.
 */
export function registerFileWatching(context: vscode.ExtensionContext, workspaces: Workspaces, indexer: Indexer): void {
  const pending = new Map<string, vscode.Uri>();
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt = 0;
  let fullRun = false;

  const flush = async () => {
    timer = undefined;
    firstPendingAt = 0;
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
    firstPendingAt ||= Date.now();
    const wait = Math.min(DEBOUNCE_MS, Math.max(0, firstPendingAt + MAX_WAIT_MS - Date.now()));
    timer = setTimeout(() => void flush(), wait);
  };
  /** Source code, or an instruction file or team note (their memories follow the file). */
  const isSource = (uri: vscode.Uri) => {
    if (SOURCE_EXTENSIONS.has(path.extname(uri.fsPath).toLowerCase())) return true;
    const folder = workspaces.folderOf(uri);
    return Boolean(folder && knowledgeSourceOf(path.relative(folder.uri.fsPath, uri.fsPath), indexSettings(folder).teamNotesFolder));
  };
  const changed = (uri: vscode.Uri) => {
    if (!enabled() || !workspaces.folderOf(uri) || !isSource(uri)) return;
    pending.set(uri.toString(), uri);
    schedule();
  };
  /** A folder deleted or renamed away: its files get no events of their own, so the workspace is walked again. */
  const folderGone = (uri: vscode.Uri) => {
    if (!enabled() || !workspaces.folderOf(uri)) return;
    fullRun = true;
    schedule();
  };
  const enabled = () => workspaces.trusted && vscode.workspace.getConfiguration(SECTION).get('autoIndex', true);

  const sources = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
  const knowledge = vscode.workspace.createFileSystemWatcher(KNOWLEDGE_GLOB);
  // Folders cannot be matched by extension; only their deletion matters (a new folder's files report themselves).
  const everything = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
  context.subscriptions.push(
    sources, everything, knowledge,
    sources.onDidCreate(changed), sources.onDidChange(changed), sources.onDidDelete(changed),
    knowledge.onDidCreate(changed), knowledge.onDidChange(changed), knowledge.onDidDelete(changed),
    everything.onDidDelete((uri) => { if (looksLikeFolder(uri)) folderGone(uri); }),
    vscode.workspace.onDidSaveTextDocument((document) => { if (isSource(document.uri)) changed(document.uri); }),
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
