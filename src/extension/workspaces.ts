import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CodeMemorySystem } from '../core/codeMemorySystem';
import { MemoryService } from '../core/memories/memoryService';
import type { MemorySystem } from '../core/memorySystem';
import { PersonalMemories } from '../core/memories/personal';
import type { ModelProvider, RetrievalConfig } from '../core/retrieval/types';
import { moveAside, type MovedAside } from '../core/store/damage';
import { asDamage, isDamage } from '../core/store/database';
import { defaultDatabasePath } from '../core/store/location';
import type { SqliteDriver, SqliteUnavailableError } from '../core/store/driver';
import { describeError } from './log';
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

/** A folder whose index was found damaged, and what found it. */
export interface Damage {
  folder: vscode.WorkspaceFolder;
  error: Error;
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
  private readonly damage = new vscode.EventEmitter<Damage>();
  /** Damage found in a folder's index: kept across reopenings (nothing is read or written) until it is rebuilt. */
  private readonly damaged = new Map<string, Error>();
  /** Folders whose index is being moved aside: not opened meanwhile. */
  private readonly rebuilding = new Set<string>();
  /** Fires once when a folder's index is found damaged (on opening, by the page check, or by a failed read or write). */
  readonly onDamaged = this.damage.event;
  /** Fires when the extension shuts down: long runs stop before their databases close. */
  readonly onDispose = this.disposing.event;
  disposed = false;
  /** Fires after anything the status bar shows has changed. */
  readonly onDidChange = this.changed.event;
  indexing: IndexingState | undefined;
  lastError: string | undefined;
  private scoringModel: ModelProvider | undefined;
  private retrieval: RetrievalConfig | undefined;

  /** The user's own memories, shared by every folder and window (opened on first use). */
  private readonly personal: PersonalMemories;

  /** `sqlite`: the driver chosen at activation, or why none works here (every folder then refuses to open). */
  constructor(private readonly sqlite: SqliteDriver | SqliteUnavailableError, private readonly log: vscode.LogOutputChannel) {
    // Said once at activation; the status bar keeps showing it.
    if (sqlite instanceof Error) this.lastError = sqlite.message;
    this.personal = new PersonalMemories(undefined, sqlite instanceof Error ? undefined : sqlite);
  }

  /** The user's personal memories, if there are any (reading never creates their database). */
  personalMemories(): MemorySystem | undefined {
    return this.sqlite instanceof Error || !this.trusted ? undefined : this.personal.open(false);
  }

  /** Every memory operation of one folder (and the user's personal memories) goes through this. */
  memoryService(folder: vscode.WorkspaceFolder): MemoryService {
    if (this.sqlite instanceof Error) throw this.sqlite;
    return new MemoryService(this.system(folder), this.personal);
  }

  get sqliteDriver(): string | undefined {
    return this.sqlite instanceof Error ? undefined : this.sqlite.name;
  }

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

  /** The folder's memory; throws the damage found in its index, if any, rather than read or write it. */
  system(folder: vscode.WorkspaceFolder): CodeMemorySystem {
    this.throwIfDamaged(folder);
    return this.entry(folder).system;
  }

  /**
   * Records a failure of a folder's index. Damage (SQLITE_CORRUPT, a failed page check) stops every later read
   * and write of it and is announced once; a late failure of a connection since closed (`system`) is not the
   * current index's. Returns whether it was damage.
   */
  reportFailure(folder: vscode.WorkspaceFolder, error: unknown, system?: CodeMemorySystem): boolean {
    if (!isDamage(error)) return false;
    const key = folder.uri.toString();
    if (system && this.byFolder.get(key)?.system !== system) return true;
    if (!this.damaged.has(key)) {
      // Found by a read (a view, a search) rather than the page check: said the same way, naming the file.
      const damage = asDamage(error, defaultDatabasePath(folder.uri.fsPath)) as Error;
      this.damaged.set(key, damage);
      this.lastError = describeError(damage);
      this.damage.fire({ folder, error: damage });
      this.notify();
    }
    return true;
  }

  /** Checks every page of the folder's index now, on a worker thread; damage is reported as reportFailure does. */
  async checkPages(folder: vscode.WorkspaceFolder): Promise<void> {
    this.throwIfDamaged(folder);
    const { system } = this.entry(folder);
    try {
      await system.checkPages(true);
    } catch (error) {
      // Damage is said one way, whichever read met it first.
      throw this.reportFailure(folder, error, system) ? this.damageOf(folder) ?? error : error;
    }
  }

  /**
   * Moves the folder's index aside, byte for byte, and opens a new one holding the memories of the old one's
   * copy. The code is indexed again by the next run.
   */
  async rebuild(folder: vscode.WorkspaceFolder): Promise<{ moved: MovedAside; memories: number }> {
    const key = folder.uri.toString();
    if (this.rebuilding.has(key)) throw new Error(`the index of ${folder.name} is already being rebuilt`);
    this.rebuilding.add(key);
    let moved: MovedAside;
    try {
      await this.close([key]);
      moved = moveAside(defaultDatabasePath(folder.uri.fsPath));
      this.damaged.delete(key);
      this.lastError = undefined;
    } finally {
      this.rebuilding.delete(key);
    }
    const system = this.system(folder);
    const memories = moved.memories ? system.importMemories(moved.memories).added : 0;
    this.notify();
    return { moved, memories };
  }

  /**
   * Runs a write against one folder's index after the writes queued before it. The signal aborts when that
   * index is closed (settings changed, folder removed, shutdown), so long tasks should stop on it.
   */
  exclusive<T>(folder: vscode.WorkspaceFolder, task: (system: CodeMemorySystem, closing: AbortSignal) => Promise<T>): Promise<T> {
    const entry = this.entry(folder);
    const result = entry.queue.then(() => {
      this.throwIfDamaged(folder);
      return task(entry.system, entry.closing.signal);
    });
    entry.queue = result.catch((error) => this.reportFailure(folder, error, entry.system));
    return result;
  }

  /** Folders with an index (from this window, another one or the CLI), opened: statistics show only what exists. */
  indexed(): { folder: vscode.WorkspaceFolder; system: CodeMemorySystem }[] {
    if (!this.trusted) return [];
    return this.folders().filter((folder) => this.hasIndex(folder) && !this.damaged.has(folder.uri.toString()))
      .map((folder) => ({ folder, system: this.system(folder) }));
  }

  /** The small model that scores memories, if one is configured and reachable. */
  get scoringProvider(): ModelProvider | undefined {
    return this.scoringModel;
  }

  get scoringModelName(): string | undefined {
    return this.scoringModel?.name;
  }

  /** Why no model scores, and how to turn one on (statistics, dashboard); undefined while one does. */
  scoringNote: string | undefined;

  setScoringModel(model: ModelProvider | undefined, note?: string): void {
    this.scoringModel = model;
    this.scoringNote = model ? undefined : note;
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
    void this.close([...this.byFolder.keys()]).catch(() => undefined);
    this.personal.close();
    this.changed.dispose();
    this.disposing.dispose();
    this.damage.dispose();
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

  /** The damage found in the folder's index, until it is rebuilt. */
  damageOf(folder: vscode.WorkspaceFolder): Error | undefined {
    return this.damaged.get(folder.uri.toString());
  }

  private throwIfDamaged(folder: vscode.WorkspaceFolder): void {
    const damage = this.damageOf(folder);
    if (damage) throw damage;
  }

  private entry(folder: vscode.WorkspaceFolder): FolderMemory {
    if (!this.trusted) throw new UntrustedError();
    const key = folder.uri.toString();
    let entry = this.byFolder.get(key);
    if (!entry) {
      if (this.rebuilding.has(key)) throw new Error(`the index of ${folder.name} is being moved aside and rebuilt`);
      if (this.sqlite instanceof Error) throw this.sqlite;
      let system: CodeMemorySystem;
      try {
        system = CodeMemorySystem.open(folder.uri.fsPath, {
          ...indexSettings(folder), driver: this.sqlite, config: this.retrieval, scoringModel: this.scoringModel,
        });
      } catch (error) {
        this.reportFailure(folder, error);
        throw error;
      }
      const opened: FolderMemory = { system, queue: Promise.resolve(), closing: new AbortController() };
      // The daily check of every page runs on a worker thread; writes wait for it, reads do not.
      const checked = system.checkPages().catch((error) => {
        if (!this.reportFailure(folder, error, system)) this.log.warn(`Could not check the index of ${folder.name}: ${describeError(error)}`);
      });
      opened.queue = (this.closed.get(key) ?? Promise.resolve()).then(() => checked);
      this.byFolder.set(key, (entry = opened));
    }
    return entry;
  }
}
