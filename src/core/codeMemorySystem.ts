import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IndexOptions, IndexRunSummary } from './indexing/indexer';
import { anchorCitation, checkCitations } from './memories/citations';
import { WorkspaceCode } from './memories/citedCode';
import { FILE_SOURCES, plainCitation } from './memories/model';
import { DEFAULT_TEAM_NOTES_FOLDER, knowledgeSourceOf, syncKnowledge } from './memories/knowledgeFiles';
import type { Memory } from './memorySystem';
import { MemoryBase } from './memorySystem';
import { ReceiptStore } from './receipts/receiptStore';
import { dayOf, recordDay } from './stats/history';
import { asDamage, writeIfFree } from './store/database';
import { GitRecency } from './retrieval/gitRecency';
import type { ModelProvider, RetrievalConfig } from './retrieval/types';
import { CODE_DEFAULTS } from './retrieval/types';
import type { ReindexResult, WorkspaceIndexOptions } from './workspaceIndex';
import { workspaceRelative } from './text/modulePath';
import { WorkspaceIndex } from './workspaceIndex';

/** What bringing knowledge files into memories changed. */
export type KnowledgeSync = ReturnType<typeof syncKnowledge>;

/** Memories whose citations were checked against the code, and how many of them are stale. */
export interface CitationSummary {
  checked: number;
  stale: number;
}

/** Today's counts are taken at most this often between index runs. */
const RECORD_INTERVAL_MS = 10 * 60 * 1000;
/** A diff this long names the changed functions; more would crowd the question out of a scoring prompt. */
const RECENT_CHANGES_CHARS = 4000;

export interface CodeMemorySystemOptions extends WorkspaceIndexOptions {
  /** Workspace-relative folder of team notes (default `.code-memory/notes`). */
  teamNotesFolder?: string;
  config?: Partial<RetrievalConfig>;
  /** The small model that scores candidates; without one, ranking is lexical. */
  scoringModel?: ModelProvider;
}

/**
 * The engine's front door for one workspace: its code index plus documentation, debugging sessions and
 * notes, retrieved together for a CodeContext. Mirrors the seed's CodeMemorySystem in TypeScript idiom.
 */
export class CodeMemorySystem extends MemoryBase {
  /** Where this workspace keeps team notes, workspace-relative. */
  readonly teamNotesFolder: string;
  /** What each answer and each agent's search was given (receipts/README.md). */
  readonly receipts: ReceiptStore;
  private recordedAt = 0;

  private constructor(readonly index: WorkspaceIndex, options: CodeMemorySystemOptions) {
    super(index.database, index.lexicalSearch, index.root, CODE_DEFAULTS, options.config, options.scoringModel, new GitRecency(index.root));
    this.teamNotesFolder = options.teamNotesFolder ?? DEFAULT_TEAM_NOTES_FOLDER;
    this.receipts = new ReceiptStore(index.database);
    this.memories.anchorCitations = (citations) => {
      const code = this.code();
      return citations.map((citation) => (citation.fileHash ? citation : anchorCitation(citation, code)));
    };
  }

  static open(workspaceRoot: string, options: CodeMemorySystemOptions = {}): CodeMemorySystem {
    const index = WorkspaceIndex.open(workspaceRoot, options);
    try {
      return new CodeMemorySystem(index, options);
    } catch (error) {
      index.close();
      throw asDamage(error, index.database.name);
    }
  }

  /**
   * Indexes the code, then brings the memories of instruction files and team notes in line with the files
   * (`knowledge`: what changed, and the notes that could not be read, one line each), and checks every
   * memory's citations against the code (`citations`).
   */
  async indexRepository(options?: IndexOptions): Promise<IndexRunSummary & { knowledge?: KnowledgeSync; citations?: CitationSummary }> {
    const summary = await this.index.indexRepository(options);
    if (summary.cancelled) return summary;
    const knowledge = this.syncKnowledge();
    const citations = this.checkCitations();
    this.recordToday(Date.now(), true);
    return { ...summary, knowledge, citations };
  }

  /** Today's counts for the dashboard's history; skipped while another process writes (the next run takes it). */
  recordToday(now = Date.now(), force = false): void {
    // Between index runs the counts move only with memories: a dashboard refreshing often writes now and then.
    if (!force && now - this.recordedAt < RECORD_INTERVAL_MS && dayOf(now) === dayOf(this.recordedAt)) return;
    this.recordedAt = now;
    const { files, entities, units } = this.index.counts();
    writeIfFree(this.index.database, () => recordDay(this.index.database, { files, entities, units, memories: this.memoryCount() }, now));
  }

  /** Instruction files and team notes (all, or these workspace-relative paths) as memories. */
  syncKnowledge(paths?: readonly string[]): KnowledgeSync {
    const result = syncKnowledge(this.memories, this.index.root, { paths, notesFolder: this.teamNotesFolder });
    if (result.added || result.removed) this.memoriesChanged();
    return result;
  }

  /**
   * Checks the citations of memories against today's code (memories/citations.ts): of those citing these
   * workspace-relative files, or of all. Marks memories stale or no longer stale, and lets citations follow
   * moved code. Returns how many memories it looked at and how many are stale now.
   */
  checkCitations(paths?: readonly string[]): CitationSummary {
    const code = this.code(paths && new Set(paths));
    const memories = this.memories.citing(paths);
    const checks = memories.map((memory) =>
      ({ memory, ...checkCitations(memory.citations, code, memory.stale?.reason ?? null, !FILE_SOURCES.has(memory.source)) }));
    const changed = checks.filter(({ memory, citations, stale }) =>
      stale !== memory.stale?.reason || JSON.stringify(citations) !== JSON.stringify(memory.citations));
    if (this.memories.recordChecks(changed)) this.memoriesChanged();
    return { checked: memories.length, stale: checks.filter((check) => check.stale).length };
  }

  /** A stale memory found still valid: its citations anchored to today's code, and no longer stale. */
  reanchor(id: number): boolean {
    const memory = this.memories.get(id);
    if (!memory) return false;
    const code = this.code();
    const citations = memory.citations.map((citation) => anchorCitation(plainCitation(citation), code));
    if (this.memories.recordChecks([{ memory, citations, stale: undefined }])) this.memoriesChanged();
    return true;
  }

  /** See WorkspaceIndex.checkPages: a daily check of every page, off the calling thread. */
  checkPages(force = false): Promise<void> {
    return this.index.checkPages(force);
  }

  /** Indexes one file; the same as reindexFile (an unchanged file is not parsed again). */
  indexFile(filePath: string): Promise<ReindexResult> {
    return this.reindexFile(filePath);
  }

  /** One file: source code into the index; an instruction file or team note into memories. */
  async reindexFile(filePath: string): Promise<ReindexResult> {
    const relative = workspaceRelative(this.index.root, filePath);
    if (!knowledgeSourceOf(relative, this.teamNotesFolder)) {
      const result = await this.index.reindexFile(filePath);
      if (result.status === 'indexed' || result.status === 'removed') this.checkCitations([relative]);
      return result;
    }
    this.syncKnowledge([relative]);
    const present = fs.existsSync(path.join(this.index.root, relative));
    return { path: relative, status: present ? 'indexed' : 'removed', entityIds: [] };
  }

  addDocumentationMemory(title: string, content: string, options: {
    category?: string; filePath?: string; metadata?: Record<string, unknown>;
  } = {}): string {
    const metadata = { ...options.metadata, category: options.category ?? 'documentation' };
    return this.add('documentation', title, content, this.relative(options.filePath), metadata);
  }

  addDebuggingSession(description: string, error: string, solution: string, options: {
    filePath?: string; metadata?: Record<string, unknown>;
  } = {}): string {
    const text = `Problem: ${description.trim()}\nError: ${error.trim()}\nSolution: ${solution.trim()}`;
    return this.add('debugging', description, text, this.relative(options.filePath), { ...options.metadata, description, error, solution });
  }

  /** What changed since the last commit, for CodeContext.recentChanges; undefined outside git. */
  async recentChanges(maxChars = RECENT_CHANGES_CHARS): Promise<string | undefined> {
    return this.recency?.uncommittedDiff(maxChars);
  }

  /** Code memories (`code:<unit id>`) read from the index and the file; others as in MemorySystem. */
  override getMemory(id: string): Memory | undefined {
    const match = /^code:(\d+)$/.exec(id);
    if (!match) return super.getMemory(id);
    const [memory] = this.retriever.memoriesOf(this.retriever.unitsAsRanked([Number(match[1])]));
    return memory && {
      id, kind: 'code', text: memory.text, file: memory.file, startLine: memory.startLine, endLine: memory.endLine,
      timestamp: memory.timestamp, metadata: memory.metadata,
    };
  }

  /** A cheap subset of getStats() for status displays that refresh often. */
  summary() {
    return { ...this.index.counts(), memories: this.memoryCount(), cache: this.cacheStats() };
  }

  override getStats() {
    const stats = super.getStats();
    const index = this.index.stats();
    return {
      ...stats,
      totalCodeMemories: index.units,
      totalMemories: index.units + stats.totalNonCodeMemories,
      index,
    };
  }

  override close(): void {
    this.index.close();
  }

  /** The code as citations see it now (one per use: it reads each file once). */
  private code(scope?: ReadonlySet<string>): WorkspaceCode {
    return new WorkspaceCode(this.index.database, this.index.root, scope);
  }

  private relative(filePath: string | undefined): string | undefined {
    return filePath ? workspaceRelative(this.index.root, filePath) : undefined;
  }
}
