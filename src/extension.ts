import * as vscode from 'vscode';
import { registerAnswersView } from './extension/answersView';
import { createApi } from './extension/api';
import { registerDashboard } from './extension/dashboard';
import { registerChatParticipant } from './extension/chat/participant';
import { registerDamagedIndex } from './extension/damagedIndex';
import { registerEditorState } from './extension/editorState';
import { registerFileWatching } from './extension/fileWatching';
import { registerIndexing } from './extension/indexing';
import { registerLog } from './extension/log';
import { registerMemoryCommands } from './extension/memoryCommands';
import { registerMemoryDocuments } from './extension/memoryDocuments';
import { registerMemoryExchange } from './extension/memoryExchange';
import { registerMemoryTools } from './extension/memoryTools';
import { registerMemoryView } from './extension/memoryView';
import { registerFixCapture } from './extension/fixCapture';
import { registerProfile } from './extension/profile';
import { registerStaleReview } from './extension/staleReview';
import { registerModels } from './extension/models';
import { chooseSqliteDriver } from './extension/sqliteDriver';
import { registerStatusBar } from './extension/statusBar';
import { Workspaces } from './extension/workspaces';

/** Composes the features; none of them waits for indexing, which runs in the background. */
export function activate(context: vscode.ExtensionContext) {
  const log = registerLog(context);
  const workspaces = new Workspaces(chooseSqliteDriver(context, log), log);
  context.subscriptions.push(workspaces);
  const editors = registerEditorState(context);
  registerModels(context, workspaces, log);
  const profile = registerProfile(context, log);
  const statusBar = registerStatusBar(context, workspaces, profile);
  const dashboard = registerDashboard(context, workspaces);
  const documents = registerMemoryDocuments(context, workspaces);
  registerMemoryCommands(context, workspaces, documents);
  const fixes = registerFixCapture(context, workspaces, documents, log);
  const memoryView = registerMemoryView(context, workspaces, profile);
  registerStaleReview(context, workspaces);
  const answersView = registerAnswersView(context, workspaces);
  registerMemoryTools(context, workspaces, profile);
  registerMemoryExchange(context, workspaces, log);
  const indexer = registerIndexing(context, workspaces, log);
  registerFileWatching(context, workspaces, indexer);
  registerDamagedIndex(context, workspaces, indexer, log);
  registerChatParticipant(context, workspaces, editors, indexer, profile, log);
  return createApi(workspaces, indexer, statusBar, { memories: memoryView, answers: answersView, dashboard }, profile, fixes);
}

export function deactivate(): void {}
