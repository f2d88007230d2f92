import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CodeMemorySystem } from '../core/codeMemorySystem';
import type { ModelProvider, RetrievalConfig } from '../core/retrieval/types';
import { defaultDatabasePath } from '../core/store/location';
import { indexSettings } from './settings';

/** A workspace the user has not trusted: nothing is indexed and no model is called until they do. */
export class UntrustedError extends Error {
  constructor() {
    super('This workspace is not trusted: Code Memory neither indexes it nor calls models until you trust it.');
  }
}

interface FolderMemory {
  system: CodeMemorySystem;
  /** Writes to one folder's index run one after another (a save during a full run waits for it). */
  queue: Promise<unknown>;
  /** Aborted when this connection is closed: a run started with the old settings stops instead of finishing. */
  closing: AbortController;
}

/** What the status bar and statistics show while a full run is under way. */
export interface IndexingState {
  folder: string;
  phase: string;
  percent: number;
}

/**
 * The memory of every folder of the workspace: one CodeMemorySystem each, on the same per-workspace database
 * the CLI uses (outside the repository), opened on first use and only in a trusted workspace.
 */
export class Workspaces implements vscode.Disposable {
  private readonly byFolder = new Map<string, FolderMemory>();
  /** Connections being closed: a folder's next connection writes only after its previous one has closed. */
  private readonly closed = new Map<string, Promise<void>>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposing = new vscode.EventEmitter<void>();
  /** Fires when the extension shuts down: long runs stop before their databases close. */
  readonly onDispose = this.disposing.event;
  disposed = false;
  /** Fires after anything the status bar shows has changed. */
  readonly onDidChange = this.changed.event;
  indexing: IndexingState | undefined;
  lastError: string | undefined;
  private scoringModel: ModelProvider | undefined;
  private retrieval: RetrievalConfig | undefined;

  constructor(private readonly nativeBinding: string | undefined) {}

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Folders on disk: the engine reads files, so virtual file systems are left out. */
  folders(): vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  }

  folderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
    const folder = uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    return folder?.uri.scheme === 'file' ? folder : undefined;
  }

  /** The active editor's file when it belongs to a folder on disk. */
  activeFile(): vscode.Uri | undefined {
    const active = vscode.window.activeTextEditor?.document.uri;
    return active && this.folderOf(active) ? active : undefined;
  }

  /** The folder of the active editor, else the first one: where new notes go. */
  primaryFolder(): vscode.WorkspaceFolder | undefined {
    const active = this.activeFile();
    return (active && this.folderOf(active)) ?? this.folders()[0];
  }

  /** True once the folder has an index on disk (from this window, another one, or the CLI). */
  hasIndex(folder: vscode.WorkspaceFolder): boolean {
    return this.byFolder.has(folder.uri.toString()) || fs.existsSync(defaultDatabasePath(folder.uri.fsPath));
  }

  system(folder: vscode.WorkspaceFolder): CodeMemorySystem {
    return this.entry(folder).system;
  }

  /**
   * Runs a write against one folder's index after the writes queued before it. The signal aborts when that
   * index is closed (settings changed, folder removed, shutdown), so long tasks should stop on it.
   */
  exclusive<T>(folder: vscode.WorkspaceFolder, task: (system: CodeMemorySystem, closing: AbortSignal) => Promise<T>): Promise<T> {
    const entry = this.entry(folder);
    const result = entry.queue.then(() => task(entry.system, entry.closing.signal));
    entry.queue = result.catch(() => undefined);
    return result;
  }

  /** Folders with an index (from this window, another one or the CLI), opened: statistics show only what exists. */
  indexed(): { folder: vscode.WorkspaceFolder; system: CodeMemorySystem }[] {
    if (!this.trusted) return [];
    return this.folders().filter((folder) => this.hasIndex(folder)).map((folder) => ({ folder, system: this.system(folder) }));
  }

  get scoringModelName(): string | undefined {
    return this.scoringModel?.name;
  }

  setScoringModel(model: ModelProvider | undefined): void {
    this.scoringModel = model;
    for (const { system } of this.byFolder.values()) system.setScoringModel(model);
  }

  setRetrievalSettings(settings: RetrievalConfig): void {
    this.retrieval = settings;
    for (const { system } of this.byFolder.values()) system.updateRetrievalConfig(settings);
  }

  /**
   * Closes every folder's index: a full run under way stops at its next file, queued writes finish, and the
   * next use reopens the index with new settings (its writes wait until the old connection has closed).
   */
  reopen(): Promise<void> {
    return this.close([...this.byFolder.keys()]);
  }

  /** Closes the indexes of folders removed from the workspace, after their queued writes. */
  forget(folders: readonly vscode.WorkspaceFolder[]): Promise<void> {
    return this.close(folders.map((folder) => folder.uri.toString()));
  }

  notify(): void {
    if (!this.disposed) this.changed.fire();
  }

  dispose(): void {
    this.disposed = true;
    this.disposing.fire();
    // Runs stop at their next file; each database closes once its queue has settled.
    void this.close([...this.byFolder.keys()]);
    this.changed.dispose();
    this.disposing.dispose();
  }

  private async close(keys: string[]): Promise<void> {
    const closing = keys.flatMap((key) => {
      const entry = this.byFolder.get(key);
      if (!entry) return [];
      this.byFolder.delete(key);
      entry.closing.abort();
      const done = entry.queue.then(() => entry.system.close());
      const settled = done.catch(() => undefined);
      this.closed.set(key, settled);
      void settled.then(() => { if (this.closed.get(key) === settled) this.closed.delete(key); });
      return [done];
    });
    await Promise.all(closing);
  }

  private entry(folder: vscode.WorkspaceFolder): FolderMemory {
    if (!this.trusted) throw new UntrustedError();
    const key = folder.uri.toString();
    let entry = this.byFolder.get(key);
    if (!entry) {
      const system = CodeMemorySystem.open(folder.uri.fsPath, {
        ...indexSettings(folder), nativeBinding: this.nativeBinding, config: this.retrieval, scoringModel: this.scoringModel,
      });
      entry = { system, queue: this.closed.get(key) ?? Promise.resolve(), closing: new AbortController() };
      this.byFolder.set(key, entry);
    }
    return entry;
  }
}
