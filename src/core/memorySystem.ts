import * as path from 'node:path';
import type Database from 'better-sqlite3';
import { buildPrompt, formatMemoriesForPrompt, type FormatOptions } from './retrieval/prompt';
import { memoryText, Retriever } from './retrieval/retriever';
import type { CodeContext, ModelProvider, RetrievalConfig, ScoredMemory } from './retrieval/types';
import { GENERAL_DEFAULTS, mergeConfig } from './retrieval/types';
import { LexicalSearch } from './search/lexicalSearch';
import { openDatabase } from './store/database';
import type { MemoryKind } from './store/memoryStore';
import { MemoryStore } from './store/memoryStore';
import { InputError } from './workspaceIndex';

/** A memory as the API returns it. Code memories carry their file and lines. */
export interface Memory {
  id: string;
  kind: 'code' | MemoryKind;
  text: string;
  metadata: Record<string, unknown>;
  /** ISO 8601 time of the last change. */
  timestamp: string;
  file?: string;
  startLine?: number;
  endLine?: number;
}

export interface MemorySystemOptions {
  dbPath: string;
  config?: Partial<RetrievalConfig>;
}

const MEMORY_ID = /^mem:(\d+)$/;

/**
 * What both memory systems share: memories that are not code — notes, documentation, debugging sessions —
 * stored in the same database as the code index, retrieved by relevance and formatted for prompts.
 */
export abstract class MemoryBase {
  protected readonly memories: MemoryStore;
  protected readonly retriever: Retriever;
  private settings: RetrievalConfig;

  protected constructor(
    protected readonly db: Database.Database,
    protected readonly lexical: LexicalSearch,
    root: string | undefined,
    defaults: RetrievalConfig,
    config: Partial<RetrievalConfig> = {},
  ) {
    this.settings = mergeConfig(defaults, config);
    this.memories = new MemoryStore(db);
    this.retriever = new Retriever(db, lexical, this.memories, root);
  }

  get config(): Readonly<RetrievalConfig> {
    return this.settings;
  }

  /** Validates every given setting (range and type) before changing any. */
  updateRetrievalConfig(changes: Partial<RetrievalConfig>): void {
    this.settings = mergeConfig(this.settings, changes);
  }

  addMemory(text: string, metadata: Record<string, unknown> = {}): string {
    return this.add('note', '', text, undefined, metadata);
  }

  getMemory(id: string): Memory | undefined {
    const memory = this.memories.get(this.memoryNumber(id));
    return memory && {
      id, kind: memory.kind, text: memoryText(memory), metadata: memory.metadata,
      timestamp: new Date(memory.updatedAt).toISOString(), file: memory.filePath ?? undefined,
    };
  }

  /** Returns false when there is no such memory. */
  updateMemory(id: string, changes: { text?: string; metadata?: Record<string, unknown> }): boolean {
    if (changes.text !== undefined && !changes.text.trim()) throw new InputError('a memory needs some text');
    const updated = this.memories.update(this.memoryNumber(id), changes);
    if (updated) this.lexical.memories.invalidate();
    return updated;
  }

  deleteMemory(id: string): boolean {
    const deleted = this.memories.delete(this.memoryNumber(id));
    if (deleted) this.lexical.memories.invalidate();
    return deleted;
  }

  /** The memories that matter for a context, best first, above the threshold and at most maxMemories. */
  async retrieveRelevantMemories(context: string | CodeContext): Promise<ScoredMemory[]> {
    const normalized = typeof context === 'string' ? { userQuery: context } : context;
    if (!normalized.userQuery?.trim()) throw new InputError('the context needs a question (userQuery)');
    return this.retriever.rank(normalized, this.settings)
      .filter((m) => m.relevanceScore >= this.settings.relevanceThreshold)
      .slice(0, this.settings.maxMemories);
  }

  formatMemoriesForPrompt(memories: ScoredMemory[], options?: FormatOptions): Promise<string> {
    return formatMemoriesForPrompt(memories, options);
  }

  /** Retrieves memories for the context and asks the primary model, within its input limit. */
  async query(context: string | CodeContext, primaryModel: ModelProvider, promptTemplate?: string): Promise<string> {
    const normalized = typeof context === 'string' ? { userQuery: context } : context;
    const memories = await this.retrieveRelevantMemories(normalized);
    return primaryModel.complete(await buildPrompt(normalized, memories, primaryModel, promptTemplate));
  }

  getStats() {
    const byKind = this.memories.countByKind();
    const nonCode = byKind.documentation + byKind.debugging + byKind.note;
    return { totalNonCodeMemories: nonCode, memoriesByKind: byKind, config: { ...this.settings } };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  protected add(kind: MemoryKind, title: string, text: string, filePath: string | undefined, metadata: Record<string, unknown>): string {
    if (!text.trim() && !title.trim()) throw new InputError('a memory needs some text');
    const id = this.memories.add({ kind, title, text, filePath, metadata });
    this.lexical.memories.invalidate();
    return `mem:${id}`;
  }

  protected memoryNumber(id: string): number {
    const match = MEMORY_ID.exec(id);
    if (match) return Number(match[1]);
    if (id.startsWith('code:')) throw new InputError(`${id} is code: it changes with its source file, not through memories`);
    throw new InputError(`not a memory id: ${id} (expected mem:<number>)`);
  }
}

/** The seed's general MemorySystem: notes and documents without a workspace. */
export class MemorySystem extends MemoryBase {
  static open(options: MemorySystemOptions): MemorySystem {
    const db = openDatabase(path.resolve(options.dbPath));
    try {
      return new MemorySystem(db, new LexicalSearch(db), undefined, GENERAL_DEFAULTS, options.config);
    } catch (error) {
      db.close();
      throw error;
    }
  }
}
