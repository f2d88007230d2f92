import * as path from 'node:path';
import type { Database, SqliteDriver } from './store/driver';
import { abortError } from './models/modelProvider';
import { withRetries } from './models/retry';
import type { GitRecency } from './retrieval/gitRecency';
import { scoreWithModel } from './retrieval/modelScorer';
import { buildPrompt, formatMemoriesForPrompt, type FormatOptions } from './retrieval/prompt';
import { keep } from './retrieval/relevance';
import { memoryText, type ResultFilter, Retriever } from './retrieval/retriever';
import type { CodeContext, ModelProvider, RetrievalConfig, ScoredMemory } from './retrieval/types';
import { GENERAL_DEFAULTS, mergeConfig } from './retrieval/types';
import { LexicalSearch } from './search/lexicalSearch';
import { analyzeQuery } from './search/query';
import { openDatabase } from './store/database';
import { readMemoryFile } from './memories/exchange';
import type { Citation } from './memories/model';
import { refuseFileMemory } from './memories/views';
import { type MemoryKind, memoryBackupPath, type MemoryRecord, MemoryStore } from './store/memoryStore';
import { type CacheStats, ScoreCache } from './store/scoreCache';
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

/** What forgetMemory did: `forgotten` carries what restoreMemory needs to undo it. */
export type ForgetOutcome =
  | { status: 'forgotten'; memory: Memory; forgotten: MemoryRecord }
  | { status: 'changed'; memory: Memory }
  | { status: 'missing' };

export interface MemorySystemOptions {
  dbPath: string;
  /** Which SQLite driver opens it (default: defaultDriver()). */
  driver?: SqliteDriver;
  config?: Partial<RetrievalConfig>;
  /** The small model that scores candidates; without one, ranking is lexical (see retrieval/README.md). */
  scoringModel?: ModelProvider;
}

export interface RetrieveOptions {
  signal?: AbortSignal;
  /** Only these kinds, or only memories with all these tags: filtered before the cut, so the count holds. */
  only?: ResultFilter;
  /** At most this many (default maxMemories). */
  limit?: number;
}

/** Retrieved memories and what it took to choose them. */
export interface RetrievalResult {
  memories: ScoredMemory[];
  /** Whose scores ranked them: the small model's, or the lexical scorer's. */
  source: 'model' | 'lexical';
  /** Candidates considered (at most candidateCount). */
  candidates: number;
  modelCalls: number;
  promptTokens: number;
  cacheHits: number;
  /** Why a configured model's scores were not used (the ranking is lexical then), in one line. */
  warning?: string;
  /** Words of the question that no code and no memory contains (a question about something else, or a typo). */
  missingWords: string[];
}

const MEMORY_ID = /^mem:(\d+)$/;

/**
 * What both memory systems share: memories that are not code — notes, documentation, debugging sessions —
 * stored in the same database as the code index, retrieved by relevance and formatted for prompts.
 */
export abstract class MemoryBase {
  /** The memories that are not code; the memory service (memories/memoryService.ts) works on them directly. */
  readonly memories: MemoryStore;
  protected readonly retriever: Retriever;
  private readonly scoreCache: ScoreCache;
  private settings: RetrievalConfig;
  private modelCalls = 0;
  private modelFailures = 0;

  protected constructor(
    protected readonly db: Database,
    protected readonly lexical: LexicalSearch,
    root: string | undefined,
    defaults: RetrievalConfig,
    config: Partial<RetrievalConfig> = {},
    private scoringModel: ModelProvider | undefined = undefined,
    protected readonly recency: GitRecency | undefined = undefined,
  ) {
    this.settings = mergeConfig(defaults, config);
    this.memories = new MemoryStore(db);
    this.retriever = new Retriever(db, lexical, this.memories, root);
    this.scoreCache = new ScoreCache(db);
  }

  /** Replaces (or, with undefined, removes) the small model that scores candidates. */
  setScoringModel(model: ModelProvider | undefined): void {
    this.scoringModel = model;
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
    return memory && asMemory(memory);
  }

  /** Returns false when there is no such memory. */
  updateMemory(id: string, changes: { text?: string; metadata?: Record<string, unknown> }): boolean {
    if (changes.text !== undefined && !changes.text.trim()) throw new InputError('a memory needs some text');
    this.refuseFileMemory(id);
    const updated = this.memories.update(this.memoryNumber(id), changes);
    if (updated) this.memoriesChanged();
    return updated;
  }

  private refuseFileMemory(id: string): void {
    const record = this.memories.get(this.memoryNumber(id));
    if (record) refuseFileMemory(record, id);
  }

  /** This connection wrote memories: what search cached about them goes (other connections notice by themselves). */
  memoriesChanged(): void {
    this.lexical.memories.invalidate();
  }

  /** Memories whose text best matches `text`, best first, with their lexical score (0–1). */
  memoriesLike(text: string, limit: number): { id: number; score: number }[] {
    return this.lexical.rankMemories(analyzeQuery(text)).ranked().slice(0, limit).map(({ id, score }) => ({ id, score }));
  }

  deleteMemory(id: string): boolean {
    return this.forgetMemory(id).status === 'forgotten';
  }

  /**
   * Forgets a memory if it is still the version the caller showed (`seen`: that Memory's timestamp), so a button
   * shown long ago cannot remove what the memory has become since. Ids are never reused.
   */
  forgetMemory(id: string, seen?: string): ForgetOutcome {
    this.refuseFileMemory(id);
    const outcome = this.memories.delete(this.memoryNumber(id), seen === undefined ? undefined : Date.parse(seen));
    if (outcome === 'missing') return { status: 'missing' };
    if (outcome === 'changed') return { status: 'changed', memory: this.getMemory(id)! };
    this.memoriesChanged();
    return { status: 'forgotten', memory: asMemory(outcome), forgotten: outcome };
  }

  /** The copy of every memory kept beside the database after each change (undefined in memory). */
  get memoryBackupFile(): string | undefined {
    return memoryBackupPath(this.db.name);
  }

  /** Adds the memories of a backup file (memoryBackupFile) that this database lacks; returns how many. */
  importMemories(file: string): { added: number; total: number } {
    const { records } = readMemoryFile(file);
    const { added } = this.memories.importRecords(records);
    if (added) this.memoriesChanged();
    return { added, total: records.length };
  }

  /** Undoes forgetMemory: the memory comes back under its own id. False if that id is in use. */
  restoreMemory(forgotten: MemoryRecord): boolean {
    const restored = this.memories.restore(forgotten);
    if (restored) this.memoriesChanged();
    return restored;
  }

  /**
   * The memories that matter for a context, best first, at most maxMemories: the scoring model's above the
   * threshold, or without a model those whose share of the question is clearly above noise (relevance.ts).
   */
  async retrieveRelevantMemories(context: string | CodeContext, options: RetrieveOptions = {}): Promise<ScoredMemory[]> {
    return (await this.retrieve(context, options)).memories;
  }

  /**
   * As retrieveRelevantMemories, with what it cost. A model failure never fails retrieval: the ranking falls
   * back to lexical scores and `warning` says why. Cancellation rejects with an AbortError.
   */
  async retrieve(context: string | CodeContext, options: RetrieveOptions = {}): Promise<RetrievalResult> {
    return (await this.rankAndScore(contextOf(context), options)).result;
  }

  private async rankAndScore(context: CodeContext, options: RetrieveOptions): Promise<{ result: RetrievalResult; context: CodeContext }> {
    // A limit above the usual count needs as many candidates of each source (memories get half the pool).
    const config = options.limit && options.limit * 2 > this.settings.candidateCount
      ? { ...this.settings, candidateCount: options.limit * 2 } : this.settings;
    const recentFiles = config.enableRecencyBoost ? await this.recency?.recentFiles(config.recencyDays) : undefined;
    if (options.signal?.aborted) throw abortError(options.signal);
    const ranking = this.retriever.rank(context, config, recentFiles, options.only);
    let ranked = ranking.ranked;
    const result: RetrievalResult = {
      memories: [], source: 'lexical', candidates: ranking.ranked.length, modelCalls: 0, promptTokens: 0, cacheHits: 0,
      missingWords: ranking.missingWords,
    };
    const model = this.scoringModel;
    if (model && ranking.ranked.length) {
      const outcome = await scoreWithModel(ranking.context, this.retriever.scoringItems(ranking), model, config, this.scoreCache, options.signal);
      this.modelCalls += outcome.calls;
      Object.assign(result, { modelCalls: outcome.calls, promptTokens: outcome.promptTokens, cacheHits: outcome.cacheHits });
      if (outcome.error) {
        this.modelFailures++;
        result.warning = `${outcome.error}; ranked by matching words instead`;
      } else {
        ranked = this.retriever.rescore(ranking, outcome.scores, config);
        result.source = 'model';
      }
    }
    result.memories = this.retriever.memoriesOf(keep(ranked, result.source, config.relevanceThreshold).slice(0, options.limit ?? config.maxMemories));
    this.memories.markUsed(result.memories.flatMap((m) => (MEMORY_ID.test(m.memoryId) ? [Number(m.memoryId.slice(4))] : [])));
    return { result, context: ranking.context };
  }

  /** Forgets every cached model score (they are also replaced one by one as memories change). */
  clearCache(): void {
    this.scoreCache.clear();
  }

  formatMemoriesForPrompt(memories: ScoredMemory[], options?: FormatOptions): Promise<string> {
    return formatMemoriesForPrompt(memories, options);
  }

  /** Retrieves memories for the context and asks the primary model, within its input limit. */
  async query(context: string | CodeContext, primaryModel: ModelProvider, promptTemplate?: string,
    options: RetrieveOptions = {}): Promise<string> {
    // The primary model sees the context as ranked: workspace-relative paths, no home folder.
    const { result, context: ranked } = await this.rankAndScore(contextOf(context), options);
    const prompt = await buildPrompt(ranked, result.memories, primaryModel, promptTemplate);
    return withRetries(() => primaryModel.complete(prompt, { signal: options.signal }), this.settings, options.signal);
  }

  protected memoryCount(): number {
    return total(this.memories.countByKind());
  }

  protected cacheStats(): CacheStats {
    return this.scoreCache.stats();
  }

  getStats() {
    const byKind = this.memories.countByKind();
    const nonCode = total(byKind);
    const cacheStats = this.cacheStats();
    return {
      totalNonCodeMemories: nonCode, memoriesByKind: byKind, config: { ...this.settings }, cacheStats,
      scoringModel: { name: this.scoringModel?.name ?? null, calls: this.modelCalls, failures: this.modelFailures },
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  protected add(kind: MemoryKind, title: string, text: string, filePath: string | undefined, metadata: Record<string, unknown>): string {
    if (!text.trim() && !title.trim()) throw new InputError('a memory needs some text');
    const { source, ...rest } = metadata;
    const citations: Citation[] = filePath ? [{ file: filePath }] : [];
    const id = this.memories.add({ kind, title, text, filePath, citations, metadata: rest, source: typeof source === 'string' ? source : 'user' });
    this.memoriesChanged();
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
    const db = openDatabase(path.resolve(options.dbPath), { driver: options.driver, verify: 'memories' });
    try {
      return new MemorySystem(db, new LexicalSearch(db), undefined, GENERAL_DEFAULTS, options.config, options.scoringModel);
    } catch (error) {
      db.close();
      throw error;
    }
  }
}

function asMemory(memory: MemoryRecord): Memory {
  return {
    id: `mem:${memory.id}`, kind: memory.kind, text: memoryText(memory), metadata: memory.metadata,
    timestamp: new Date(memory.updatedAt).toISOString(), file: memory.filePath ?? undefined,
  };
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function contextOf(context: string | CodeContext): CodeContext {
  const given = typeof context === 'string' ? { userQuery: context } : context;
  if (typeof given?.userQuery !== 'string' || !given.userQuery.trim()) throw new InputError('the context needs a question (userQuery)');
  return given;
}
