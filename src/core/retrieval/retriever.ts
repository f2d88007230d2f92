import type { Database } from '../store/driver';
import type { LexicalSearch } from '../search/lexicalSearch';
import { analyzeQuery } from '../search/query';
import type { EvidenceRanking } from '../search/ranking';
import { plainCitation } from '../memories/model';
import type { MemoryRecord, MemoryStore } from '../store/memoryStore';
import type { CachedScore } from '../store/scoreCache';
import { workspaceRelative } from '../text/modulePath';
import { type CodeUnit, CodeUnits, describeUnit } from './codeUnits';
import { linkReasons, TOP_FOR_LINKS } from './links';
import { type ScoringItem, scoringItem } from './modelScorer';
import { type Relevance, relevance } from './relevance';
import { SourceReader } from './sourceReader';
import type { CodeContext, RetrievalConfig, ScoreParts, ScoredMemory } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Per-source caps: every source is bounded, so the work per query does not grow with the code base. */
const UNITS_PER_FILE = 20;
const ACCESSED_FILES = 5;
const NEIGHBOURS = 20;
/** An error message is a question of its own, cut to its first words. */
const ERROR_CHARS = 400;
/** The error and the recent changes are searched with this share of the question's ranking budget. */
const SECONDARY_SHARE = 0.5;
/** A filtered question looks this many times deeper into the memory ranking for its share of candidates. */
const FILTER_SCAN = 8;
/**
 * A memory whose cited code changed since it was written keeps this share of its score: still found when it is
 * what the question is about, but behind a current memory that is as relevant.
 */
const STALE_WEIGHT = 0.7;
/** Code put into a memory's text is cut at this many lines. */
const MAX_CODE_LINES = 200;

/** Only some kinds of results, or only memories with all of some tags (code has no tags). */
export interface ResultFilter {
  kinds?: readonly string[];
  tags?: readonly string[];
}

export interface Candidate {
  memoryId: string;
  kind: ScoredMemory['kind'];
  unit?: CodeUnit;
  memory?: MemoryRecord;
  /** The lexical relevance (0–1): what ranks without a model, and breaks the model's ties. */
  lexical: number;
  /** How much of the question's most telling words it holds (0–1): the floor for "nothing relevant". */
  strength: number;
  base: number;
  /** Why the base score: the matched words, or the model's reason. */
  reasoning: string;
  text?: string;
}

/** A candidate's final score and reasons; its text is read only if it is returned (`memoriesOf`). */
export interface Ranked {
  candidate: Candidate;
  /** Linked by a call or an import to the current file (not only to another candidate). */
  nearCurrentFile: boolean;
  relevanceScore: number;
  reasoning: string;
  scoreParts: ScoreParts;
}

/** Candidates of one query, best K first, and what their boosts depend on. */
export interface Ranking {
  /** The context as ranked: paths workspace-relative, as the index and the score cache know them. */
  context: CodeContext;
  ranked: Ranked[];
  recentFiles: ReadonlySet<string> | undefined;
  /** Words of the question that no code and no memory contains. */
  missingWords: string[];
}

/**
 * The lexical half of retrieval: gathers candidates from bounded sources, scores them by the share of the
 * question (or the error) they and their file contain (search/ranking.ts), adds dependency and recency boosts,
 * and cuts what is clearly weaker than the best (relevance.ts). A small model, when configured, replaces the
 * base score of the best candidates (see README).
 */
export class Retriever {
  private readonly units: CodeUnits;

  constructor(
    db: Database,
    private readonly lexical: LexicalSearch,
    private readonly memories: MemoryStore,
    private readonly root: string | undefined,
  ) {
    this.units = new CodeUnits(db);
  }

  /**
   * The K best candidates by lexical score and boosts, best first, not yet cut by threshold or count; the
   * set can be scored again with a model's scores (`rescore`). `recentFiles`: files git says changed recently.
   * `only`: candidates outside the filter are never gathered, so a filtered question gets a full share of them.
   */
  rank(given: CodeContext, config: RetrievalConfig, recentFiles?: ReadonlySet<string>, only: ResultFilter = {}): Ranking {
    const context = this.normalize(given);
    const { currentFile } = context;
    const k = config.candidateCount;
    const questions = [analyzeQuery(context.userQuery), ...(context.errors?.trim() ? [analyzeQuery(context.errors.slice(0, ERROR_CHARS))] : [])];
    const withCode = !only.tags?.length && (!only.kinds?.length || only.kinds.includes('code'));
    const unitRankings = questions.map((q, i) => this.lexical.rankUnits(q, i ? SECONDARY_SHARE : 1));
    const memoryRankings = questions.map((q) => this.lexical.rankMemories(q));
    const accessed = (context.accessedFiles ?? []).filter((f) => f !== currentFile).slice(0, ACCESSED_FILES);

    // Gather: every source bounded, deduplicated, in the order found (ties keep it).
    const unitIds = new Set<number>();
    if (withCode) {
      unitRankings.forEach((r, i) => r.ranked().slice(0, i ? Math.ceil(k / 2) : k).forEach((s) => unitIds.add(s.id)));
      // Identifiers in recent changes find candidates; they do not score them (an edit is not a question).
      if (context.recentChanges?.trim()) {
        this.lexical.rankUnits(analyzeQuery(context.recentChanges), SECONDARY_SHARE).ranked().slice(0, Math.ceil(k / 4)).forEach((s) => unitIds.add(s.id));
      }
      const fromFiles: CodeUnit[] = [];
      if (currentFile) fromFiles.push(...this.units.ofFile(currentFile, UNITS_PER_FILE));
      for (const file of accessed) fromFiles.push(...this.units.ofFile(file, Math.ceil(UNITS_PER_FILE / 2)));
      fromFiles.forEach((u) => unitIds.add(u.id));
      const seeds = [...unitIds].slice(0, TOP_FOR_LINKS);
      this.units.neighbours(seeds, currentFile, NEIGHBOURS).forEach((id) => unitIds.add(id));
    }

    const admits = memoryFilter(only);
    const memoryIds = new Set<number>();
    memoryRankings.forEach((r, i) => {
      const wanted = Math.ceil(k / (i ? 4 : 2));
      let taken = 0;
      for (const { id } of r.ranked().slice(0, admits ? wanted * FILTER_SCAN : wanted)) {
        if (taken === wanted) break;
        if (admits && !admits(this.memories.get(id))) continue;
        memoryIds.add(id);
        taken++;
      }
    });
    const files = currentFile ? [currentFile, ...accessed] : accessed;
    for (const memory of this.memories.aboutFiles(files, Math.ceil(k / 4))) if (!admits || admits(memory)) memoryIds.add(memory.id);

    const units = this.units.byIds(unitIds);
    const candidates: Candidate[] = [
      ...[...unitIds].flatMap((id): Candidate[] => {
        const unit = units.get(id);
        return unit ? [{ memoryId: `code:${id}`, kind: 'code', unit, ...best(unitRankings, id) }] : [];
      }),
      ...[...memoryIds].flatMap((id): Candidate[] => {
        const memory = this.memories.get(id);
        return memory ? [{ memoryId: `mem:${id}`, kind: memory.kind, memory, ...best(memoryRankings, id) }] : [];
      }),
    ];
    const missingWords = questions[0].terms.filter((t) => t.weight >= 1 && t.word.length > 2 &&
      !this.lexical.units.frequency(t.word) && !this.lexical.memories.frequency(t.word)).map((t) => t.word);
    return { context, recentFiles, missingWords, ranked: this.finish(candidates, context, recentFiles, config, 'lexical').slice(0, k) };
  }

  /** What the scoring model is shown for each candidate of a ranking. */
  scoringItems(ranking: Ranking): ScoringItem[] {
    const files = new SourceReader(this.root);
    return ranking.ranked.map(({ candidate: c }) => {
      const label = c.unit ? `${describeUnit(c.unit)} in ${c.unit.file}` : `${c.kind}${c.memory!.filePath ? ` about ${c.memory!.filePath}` : ''}`;
      return scoringItem(c.memoryId, label, this.text(c, files));
    });
  }

  /** The memories themselves, with their text: read here, for the few that are returned. */
  memoriesOf(ranked: readonly Ranked[]): ScoredMemory[] {
    const files = new SourceReader(this.root);
    return ranked.map((r) => this.toScored(r, files));
  }

  /** Units by id as unscored results (to read one memory by id). */
  unitsAsRanked(ids: number[]): Ranked[] {
    return [...this.units.byIds(ids).values()].map((unit) => ({
      candidate: { memoryId: `code:${unit.id}`, kind: 'code', unit, lexical: 0, strength: 0, base: 0, reasoning: '' }, nearCurrentFile: false,
      relevanceScore: 0, reasoning: '', scoreParts: { source: 'lexical', base: 0, dependencyBoost: 0, recencyBoost: 0 },
    }));
  }

  /** The ranking again with the model's scores as base scores; links follow the model's best candidates. */
  rescore(ranking: Ranking, scores: ReadonlyMap<string, CachedScore>, config: RetrievalConfig): Ranked[] {
    const candidates = ranking.ranked.map(({ candidate }) => {
      const scored = scores.get(candidate.memoryId);
      candidate.base = scored?.score ?? 0;
      candidate.reasoning = scored?.reasoning ?? '';
      return candidate;
    });
    return this.finish(candidates, ranking.context, ranking.recentFiles, config, 'model');
  }

  private finish(candidates: Candidate[], context: CodeContext, recentFiles: ReadonlySet<string> | undefined,
    config: RetrievalConfig, source: ScoreParts['source']): Ranked[] {
    const ordered = [...candidates].sort(byScores);
    const links = linkReasons(this.units, context.currentFile, ordered);
    const scored = ordered.map((c) => ({
      ...this.boost(c, config, links.reasons.get(c.memoryId) ?? [], recentFiles, source),
      nearCurrentFile: links.toCurrentFile.has(c.memoryId),
    }));
    // Never ties by chance: then the lexical score, then the id.
    return scored.sort((a, b) => b.relevanceScore - a.relevanceScore || byScores(a.candidate, b.candidate));
  }

  private boost(candidate: Candidate, config: RetrievalConfig, links: string[], recentFiles: ReadonlySet<string> | undefined,
    source: ScoreParts['source']): Omit<Ranked, 'nearCurrentFile'> {
    // Code: git's view when the workspace has one (mtimes lie after a clone or checkout); memories: their own time.
    const { unit, memory } = candidate;
    const recent = unit && recentFiles
      ? recentFiles.has(unit.file)
      : Date.now() - (unit?.changedAt ?? memory!.updatedAt) <= config.recencyDays * DAY_MS;
    const parts: Relevance = relevance(candidate.base,
      config.enableDependencyBoost && links.length ? config.dependencyBoostAmount : 0,
      config.enableRecencyBoost && recent ? config.recencyBoostAmount : 0);
    const why = candidate.reasoning || (source === 'model' ? 'the model gave no reason' : 'no query words matched');
    const stale = memory?.stale;
    const reasons = [why, ...links.slice(0, 3), ...(parts.recencyBoost ? [`changed within ${config.recencyDays} days`] : []),
      ...(stale ? [`stale: ${stale.reason}`] : [])];
    const stalePenalty = stale ? parts.score * (1 - STALE_WEIGHT) : 0;
    return {
      candidate, relevanceScore: parts.score - stalePenalty, reasoning: reasons.join('; '),
      scoreParts: { source, base: candidate.base, dependencyBoost: parts.dependencyBoost, recencyBoost: parts.recencyBoost,
        ...(stale ? { stalePenalty } : {}) },
    };
  }

  private toScored({ candidate, relevanceScore, reasoning, scoreParts }: Ranked, files: SourceReader): ScoredMemory {
    const { unit, memory } = candidate;
    if (unit) {
      return {
        memoryId: candidate.memoryId, kind: 'code', text: this.text(candidate, files), file: unit.file,
        startLine: unit.startLine, endLine: unit.endLine,
        metadata: {
          unit: unit.kind, name: unit.entity?.name ?? null, qualifiedName: unit.entity?.qualifiedName ?? null,
          entityKind: unit.entity?.kind ?? null, signature: unit.entity?.signature ?? null, description: describeUnit(unit),
        },
        timestamp: new Date(unit.changedAt).toISOString(), relevanceScore, reasoning, scoreParts,
      };
    }
    return {
      memoryId: candidate.memoryId, kind: memory!.kind, text: this.text(candidate, files), file: memory!.filePath ?? undefined,
      metadata: { ...memory!.metadata, title: memory!.title, tags: memory!.tags, citations: memory!.citations.map(plainCitation),
        source: memory!.source, ...(memory!.stale ? { stale: memory!.stale.reason } : {}) },
      timestamp: new Date(memory!.updatedAt).toISOString(), relevanceScore, reasoning, scoreParts,
    };
  }

  /** Read once per candidate, each file once per call: the scoring prompt and the result share it. */
  private text(candidate: Candidate, files: SourceReader): string {
    candidate.text ??= candidate.unit ? this.codeText(candidate.unit, files) : memoryText(candidate.memory!);
    return candidate.text;
  }

  /**
   * The unit's current lines; a part that does not start its entity is headed by the entity's signature, so
   * the reader knows where the lines are. The signature alone when the file cannot be read.
   */
  private codeText(unit: CodeUnit, files: SourceReader): string {
    const header = unit.kind === 'part' && unit.entity && unit.entity.startLine < unit.startLine ? `${unit.entity.signature}\n…\n` : '';
    const end = Math.min(unit.endLine, unit.startLine + MAX_CODE_LINES - 1);
    const body = files.lines(unit.file, unit.startLine, end);
    if (body === undefined) return unit.entity?.signature ?? '';
    return `${header}${body}${end < unit.endLine ? `\n… (${unit.endLine - end} more lines)` : ''}`;
  }

  private normalize(context: CodeContext): CodeContext {
    return {
      ...context,
      currentFile: context.currentFile ? this.relative(context.currentFile) : undefined,
      accessedFiles: context.accessedFiles?.map((f) => this.relative(f)),
    };
  }

  private relative(file: string): string {
    return this.root ? workspaceRelative(this.root, file) : file.replace(/\\/g, '/').replace(/^\.\//, '');
  }
}

/** A row's lexical score: the better of the question's and the error's, with the words matched. */
function best(rankings: EvidenceRanking[], id: number): Pick<Candidate, 'lexical' | 'strength' | 'base' | 'reasoning'> {
  let score = 0;
  let strength = 0;
  let matched: string[] = [];
  for (const ranking of rankings) {
    const s = ranking.scoreOf(id);
    if (s && s.score > score) {
      ({ score, strength, matched } = s);
    }
  }
  return { lexical: score, strength, base: score, reasoning: matched.length ? `matched ${matched.map((w) => `"${w}"`).join(', ')}` : '' };
}

/** Whether a memory passes the filter; undefined when every memory does. */
function memoryFilter(only: ResultFilter): ((memory: MemoryRecord | undefined) => boolean) | undefined {
  const { kinds, tags } = only;
  if (!kinds?.length && !tags?.length) return undefined;
  return (memory) => !!memory && (!kinds?.length || kinds.includes(memory.kind)) && (!tags?.length || tags.every((t) => memory.tags.includes(t)));
}

function byScores(a: Candidate, b: Candidate): number {
  return b.base - a.base || b.lexical - a.lexical || (a.memoryId < b.memoryId ? -1 : a.memoryId > b.memoryId ? 1 : 0);
}

export function memoryText(memory: MemoryRecord): string {
  return memory.title && !memory.text.startsWith(memory.title) ? `${memory.title}\n\n${memory.text}` : memory.text;
}

