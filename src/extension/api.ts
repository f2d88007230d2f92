import * as vscode from 'vscode';
import type { ScoredMemory } from '../core/retrieval/types';
import { retrieveAll } from './chat/retrieve';
import type { Indexer } from './indexing';
import type { AnswersViewApi } from './answersView';
import type { DashboardApi } from './dashboard';
import type { FixOffer } from '../core/capture/fixes';
import type { FixCaptureApi } from './fixCapture';
import type { MemoryViewApi } from './memoryView';
import type { ProfileFeature } from './profile';
import type { Receipt } from '../core/receipts/receiptStore';
import type { ShownItem } from './treeSnapshot';
import type { Workspaces } from './workspaces';

/** What other extensions (and the integration tests) can use: `vscode.extensions.getExtension(…).exports`. */
export interface CodeMemoryApi {
  /** Runs (or joins) a full incremental index of every folder. */
  indexAll(): Promise<unknown>;
  /** The memories @memory would use for a question, best first. */
  retrieve(question: string): Promise<(ScoredMemory & { folder: string })[]>;
  /** What the status bar item shows, and its tooltip as text. */
  statusBarText(): string;
  statusBarTooltip(): string;
  /** The SQLite driver the indexes are opened with, or undefined when none works here. */
  sqliteDriver(): string | undefined;
  /** The Memories view as it shows now, every group expanded, and the message under its title. */
  memoryTree(): Promise<ShownItem[]>;
  memoryViewMessage(): string | undefined;
  /** The Answers view as it shows now, and the receipts behind it, newest first. */
  answersTree(): Promise<ShownItem[]>;
  receipts(): Receipt[];
  /** The charts the open dashboard drew, and what it was last sent. */
  dashboard(): ReturnType<DashboardApi['state']>;
  /** Resolves when the profile has learned from every conversation so far. */
  profileLearned(): Promise<unknown>;
  /** Fixes offered for recording and not yet recorded. */
  fixOffers(): FixOffer[];
}

export function createApi(workspaces: Workspaces, indexer: Indexer, statusBar: vscode.StatusBarItem,
  views: { memories: MemoryViewApi; answers: AnswersViewApi; dashboard: DashboardApi }, profile: ProfileFeature,
  fixes: FixCaptureApi): CodeMemoryApi {
  return {
    indexAll: () => indexer.indexAll({ notify: false }),
    async retrieve(question) {
      const found = await retrieveAll(workspaces, { userQuery: question }, new vscode.CancellationTokenSource().token);
      return found.memories.map(({ folder, memory }) => ({ ...memory, folder: folder.name }));
    },
    statusBarText: () => statusBar.text,
    statusBarTooltip: () => typeof statusBar.tooltip === 'string' ? statusBar.tooltip : statusBar.tooltip?.value ?? '',
    sqliteDriver: () => workspaces.sqliteDriver,
    memoryTree: () => views.memories.snapshot(),
    memoryViewMessage: () => views.memories.message(),
    answersTree: () => views.answers.snapshot(),
    receipts: () => views.answers.receipts(),
    dashboard: () => views.dashboard.state(),
    profileLearned: () => profile.idle(),
    fixOffers: () => fixes.offers(),
  };
}
