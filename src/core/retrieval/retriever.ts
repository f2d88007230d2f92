import * as fs from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import type { LexicalSearch } from '../search/lexicalSearch';
import { searchWords } from '../search/lexicalSearch';
import type { MemoryRecord, MemoryStore } from '../store/memoryStore';
import { workspaceRelative } from '../text/modulePath';
import type { EntityKind } from '../types';
import type { CachedScore } from '../store/scoreCache';
import { type ScoringItem, scoringItem } from './modelScorer';
import type { CodeContext, RetrievalConfig, ScoreParts, ScoredMemory } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Per-source caps: every source is bounded, so the work per query does not grow with the code base. */
const ENTITIES_PER_FILE = 20;
const ACCESSED_FILES = 5;
const NEIGHBOURS = 20;
const ERROR_WORDS = 12;
/** Candidates whose call edges count for the dependency boost besides the current file's entities. */
const TOP_FOR_LINKS = 3;
/** Code put into a memory's text is cut at this many lines. */
const MAX_CODE_LINES = 200;

export interface Candidate {
  memoryId: string;
  kind: ScoredMemory['kind'];
  entity?: EntityRow;
  memory?: MemoryRecord;
  base: number;
  /** Why the base score: the matched words, or the model's reason. */
  reasoning: string;
  text?: string;
}

/** A candidate's final score and reasons; its text is read only if it is returned (`memoriesOf`). */
export interface Ranked {
  candidate: Candidate;
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
}

export interface EntityRow {
  id: number;
  fileId: number;
  file: string;
  name: string;
  qualifiedName: string;
  kind: EntityKind;
  signature: string;
  doc: string;
  startLine: number;
  endLine: number;
  changedAt: number;
}

const ENTITY_COLUMNS = `e.id, e.file_id AS fileId, f.path AS file, e.name, e.qualified_name AS qualifiedName, e.kind,
  e.signature, e.doc, e.start_line AS startLine, e.end_line AS endLine,
  CASE WHEN f.mtime_ms > 0 THEN f.mtime_ms ELSE f.indexed_at END AS changedAt`;

/**
 * The lexical half of retrieval: gathers candidates from bounded sources, scores each by how much of the
 * query (or the error) it contains, weighted by word rarity (0–1), and adds dependency and recency boosts.
 * A small model, when configured, replaces the base score of the best candidates (see README).
 */
export class Retriever {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly lexical: LexicalSearch,
    private readonly memories: MemoryStore,
    private readonly root: string | undefined,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      entitiesByIds: p(`SELECT ${ENTITY_COLUMNS} FROM entities e JOIN files f ON f.id = e.file_id
                        WHERE e.id IN (SELECT value FROM json_each(?))`),
      entitiesOfFile: p(`SELECT ${ENTITY_COLUMNS} FROM entities e JOIN files f ON f.id = e.file_id
                         WHERE f.path = ? ORDER BY e.start_line LIMIT ?`),
      neighbours: p(`SELECT target_id AS id FROM calls WHERE entity_id IN (SELECT value FROM json_each(@ids)) AND target_id IS NOT NULL
                     UNION SELECT entity_id AS id FROM calls WHERE target_id IN (SELECT value FROM json_each(@ids)) LIMIT @limit`),
      // Calls between the whole current file (not only the entities gathered from it) and the candidates.
      fileEdges: p(`SELECT c.target_id AS id, e.qualified_name AS name, 'called by' AS how FROM calls c
                      JOIN entities e ON e.id = c.entity_id JOIN files f ON f.id = e.file_id
                    WHERE c.entity_id != c.target_id AND f.path = @file AND c.target_id IN (SELECT value FROM json_each(@candidates))
                    UNION ALL
                    SELECT c.entity_id AS id, t.qualified_name AS name, 'calls' AS how FROM calls c
                      JOIN entities t ON t.id = c.target_id JOIN files f ON f.id = t.file_id
                    WHERE c.entity_id != c.target_id AND f.path = @file AND c.entity_id IN (SELECT value FROM json_each(@candidates))`),
      edges: p(`SELECT entity_id AS a, target_id AS b FROM calls WHERE target_id IS NOT NULL
                AND (entity_id IN (SELECT value FROM json_each(@ids)) OR target_id IN (SELECT value FROM json_each(@ids)))`),
      linkedFiles: p(`SELECT t.path FROM imports i JOIN files f ON f.id = i.file_id JOIN files t ON t.id = i.target_file_id WHERE f.path = @file
                      UNION SELECT f.path FROM imports i JOIN files f ON f.id = i.file_id JOIN files t ON t.id = i.target_file_id WHERE t.path = @file`),
    };
  }

  /**
   * The K best candidates by lexical score and boosts, best first, not yet cut by threshold or count; the
   * set can be scored again with a model's scores (`rescore`). `recentFiles`: files git says changed recently.
   */
  rank(given: CodeContext, config: RetrievalConfig, recentFiles?: ReadonlySet<string>): Ranking {
    const context = this.normalize(given);
    const { currentFile } = context;
    const queryWords = searchWords(context.userQuery);
    const errorWords = context.errors ? searchWords(context.errors).slice(0, ERROR_WORDS) : [];
    // Identifiers in recent changes find candidates; they do not score them (an edit is not a question).
    const changeWords = context.recentChanges ? searchWords(context.recentChanges).slice(0, ERROR_WORDS) : [];
    const accessed = (context.accessedFiles ?? []).filter((f) => f !== currentFile).slice(0, ACCESSED_FILES);
    const k = config.candidateCount;

    // Gather: every source bounded by k, deduplicated by memory id.
    const entityIds = new Set<number>();
    const addHits = (hits: { id: number }[]) => hits.forEach((h) => entityIds.add(h.id));
    addHits(this.lexical.entities.search(queryWords, k));
    addHits(this.lexical.entities.search(errorWords, Math.ceil(k / 2)));
    addHits(this.lexical.entities.search(changeWords, Math.ceil(k / 4)));
    const fileEntities = (file: string, limit: number) => this.s.entitiesOfFile.all(file, limit) as EntityRow[];
    const currentEntities = currentFile ? fileEntities(currentFile, ENTITIES_PER_FILE) : [];
    addHits(currentEntities);
    for (const file of accessed) addHits(fileEntities(file, Math.ceil(ENTITIES_PER_FILE / 2)));
    const seeds = [...currentEntities.map((e) => e.id), ...[...entityIds].slice(0, TOP_FOR_LINKS)];
    addHits(this.s.neighbours.all({ ids: JSON.stringify(seeds), limit: NEIGHBOURS }) as { id: number }[]);

    const memoryIds = new Set<number>();
    for (const hit of this.lexical.memories.search(queryWords, Math.ceil(k / 2))) memoryIds.add(hit.id);
    for (const hit of this.lexical.memories.search(errorWords, Math.ceil(k / 4))) memoryIds.add(hit.id);
    const files = currentFile ? [currentFile, ...accessed] : accessed;
    for (const memory of this.memories.aboutFiles(files, Math.ceil(k / 4))) memoryIds.add(memory.id);

    // In discovery order, full-text hits in bm25 order first: sorts below are stable, so it breaks ties.
    const discovered = new Map([...entityIds].map((id, i) => [id, i]));
    const entities = (this.s.entitiesByIds.all(JSON.stringify([...entityIds])) as EntityRow[])
      .sort((a, b) => discovered.get(a.id)! - discovered.get(b.id)!);
    const candidates: Candidate[] = [
      ...entities.map((entity): Candidate => ({
        memoryId: `code:${entity.id}`, kind: 'code', entity, base: 0, reasoning: '',
      })),
      ...[...memoryIds].flatMap((id): Candidate[] => {
        const memory = this.memories.get(id);
        return memory ? [{ memoryId: `mem:${id}`, kind: memory.kind, memory, base: 0, reasoning: '' }] : [];
      }),
    ];

    this.scoreLexically(candidates, queryWords, errorWords);
    return { context, recentFiles, ranked: this.finish(candidates, context, recentFiles, config, 'lexical').slice(0, k) };
  }

  /** What the scoring model is shown for each candidate of a ranking. */
  scoringItems(ranking: Ranking): ScoringItem[] {
    const files = new Map<string, string[] | undefined>();
    return ranking.ranked.map(({ candidate: c }) => {
      const label = c.entity
        ? `${c.entity.kind} ${c.entity.qualifiedName} in ${c.entity.file}`
        : `${c.kind}${c.memory!.filePath ? ` about ${c.memory!.filePath}` : ''}`;
      return scoringItem(c.memoryId, label, this.text(c, files));
    });
  }

  /** The memories themselves, with their text: read here, for the few that are returned. */
  memoriesOf(ranked: readonly Ranked[]): ScoredMemory[] {
    const files = new Map<string, string[] | undefined>();
    return ranked.map((r) => this.toScored(r, files));
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
    const ordered = [...candidates].sort((a, b) => b.base - a.base);
    const links = this.linkSources(context.currentFile, ordered);
    const scored = ordered.map((c) => this.boost(c, config, links.get(c.memoryId) ?? [], recentFiles, source));
    // The score is capped at 1, but a boosted memory still goes before an unboosted one of the same capped score.
    const uncapped = (r: Ranked) => r.scoreParts.base + r.scoreParts.dependencyBoost + r.scoreParts.recencyBoost;
    return scored.sort((a, b) => b.relevanceScore - a.relevanceScore || uncapped(b) - uncapped(a) || b.scoreParts.base - a.scoreParts.base);
  }

  /** Base score: the rarity-weighted share of the query's words (or the error's) that a candidate contains. */
  private scoreLexically(candidates: Candidate[], queryWords: string[], errorWords: string[]): void {
    const tables = [
      { table: this.lexical.entities, group: candidates.filter((c) => c.entity), id: (c: Candidate) => c.entity!.id },
      { table: this.lexical.memories, group: candidates.filter((c) => c.memory), id: (c: Candidate) => c.memory!.id },
    ];
    for (const words of [queryWords, errorWords]) {
      if (!words.length) continue;
      for (const { table, group, id } of tables) {
        if (!group.length) continue;
        const weights = words.map((w) => table.weight(w));
        const total = weights.reduce((a, b) => a + b, 0);
        const contains = words.map((w) => table.rowsWith(w, group.map(id)));
        for (const candidate of group) {
          const matched = words.filter((_, i) => contains[i].has(id(candidate)));
          const share = words.reduce((sum, _, i) => sum + (contains[i].has(id(candidate)) ? weights[i] : 0), 0) / total;
          if (share > candidate.base) {
            candidate.base = share;
            candidate.reasoning = `matched ${matched.map((w) => `"${w}"`).join(', ')}`;
          }
        }
      }
    }
  }

  private boost(candidate: Candidate, config: RetrievalConfig, links: string[], recentFiles: ReadonlySet<string> | undefined,
    source: ScoreParts['source']): Ranked {
    const dependencyBoost = config.enableDependencyBoost && links.length ? config.dependencyBoostAmount : 0;
    // Code: git's view when the workspace has one (mtimes lie after a clone or checkout); memories: their own time.
    const { entity, memory } = candidate;
    const recent = entity && recentFiles
      ? recentFiles.has(entity.file)
      : Date.now() - (entity?.changedAt ?? memory!.updatedAt) <= config.recencyDays * DAY_MS;
    const recencyBoost = config.enableRecencyBoost && recent ? config.recencyBoostAmount : 0;
    const relevanceScore = Math.min(1, candidate.base + dependencyBoost + recencyBoost);
    const why = candidate.reasoning || (source === 'model' ? 'the model gave no reason' : 'no query words matched');
    const reasons = [why, ...links.slice(0, 3), ...(recencyBoost ? [`changed within ${config.recencyDays} days`] : [])];
    return { candidate, relevanceScore, reasoning: reasons.join('; '), scoreParts: { source, base: candidate.base, dependencyBoost, recencyBoost } };
  }

  /**
   * Which candidates are linked, and how: call edges to or from the current file's entities or the best
   * candidates, code in files the current file imports or is imported by, memories about those files.
   */
  private linkSources(currentFile: string | undefined, ranked: Candidate[]): Map<string, string[]> {
    const links = new Map<string, string[]>();
    const note = (memoryId: string, why: string) => {
      const list = links.get(memoryId) ?? [];
      if (!list.includes(why)) list.push(why);
      links.set(memoryId, list);
    };
    const candidateIds = new Set(ranked.flatMap((c) => (c.entity ? [c.entity.id] : [])));
    if (currentFile) {
      const edges = this.s.fileEdges.all({ file: currentFile, candidates: JSON.stringify([...candidateIds]) }) as { id: number; name: string; how: string }[];
      for (const { id, name, how } of edges) note(`code:${id}`, `${how} ${name} in the current file`);
    }
    const anchors = new Map<number, string>();
    for (const c of ranked.slice(0, TOP_FOR_LINKS)) {
      if (c.entity && c.base > 0) anchors.set(c.entity.id, c.entity.qualifiedName);
    }
    for (const { a, b } of this.s.edges.all({ ids: JSON.stringify([...anchors.keys()]) }) as { a: number; b: number }[]) {
      if (a === b) continue;
      // A link to the current file already says more than one to a top candidate.
      if (anchors.has(a) && candidateIds.has(b) && !links.has(`code:${b}`)) note(`code:${b}`, `called by ${anchors.get(a)}`);
      if (anchors.has(b) && candidateIds.has(a) && !links.has(`code:${a}`)) note(`code:${a}`, `calls ${anchors.get(b)}`);
    }
    if (currentFile) {
      const linkedFiles = new Set((this.s.linkedFiles.all({ file: currentFile }) as { path: string }[]).map((r) => r.path));
      for (const c of ranked) {
        const file = c.entity?.file ?? c.memory?.filePath ?? undefined;
        if (!file) continue;
        if (c.memory && file === currentFile) note(c.memoryId, 'about the current file');
        else if (linkedFiles.has(file)) note(c.memoryId, `in ${file}, linked to the current file by an import`);
      }
    }
    return links;
  }

  private toScored({ candidate, relevanceScore, reasoning, scoreParts }: Ranked, files: Map<string, string[] | undefined>): ScoredMemory {
    const { entity, memory } = candidate;
    if (entity) {
      return {
        memoryId: candidate.memoryId, kind: 'code', text: this.text(candidate, files), file: entity.file,
        startLine: entity.startLine, endLine: entity.endLine,
        metadata: { name: entity.name, qualifiedName: entity.qualifiedName, entityKind: entity.kind, signature: entity.signature },
        timestamp: new Date(entity.changedAt).toISOString(), relevanceScore, reasoning, scoreParts,
      };
    }
    return {
      memoryId: candidate.memoryId, kind: memory!.kind, text: this.text(candidate, files), file: memory!.filePath ?? undefined,
      metadata: memory!.metadata, timestamp: new Date(memory!.updatedAt).toISOString(), relevanceScore, reasoning, scoreParts,
    };
  }

  /** Read once per candidate, each file once per call: the scoring prompt and the result share it. */
  private text(candidate: Candidate, files: Map<string, string[] | undefined>): string {
    candidate.text ??= candidate.entity ? this.codeText(candidate.entity, files) : memoryText(candidate.memory!);
    return candidate.text;
  }

  /** The entity's current source lines; its signature and doc when the file cannot be read. */
  private codeText(entity: EntityRow, files: Map<string, string[] | undefined>): string {
    if (!files.has(entity.file)) files.set(entity.file, this.readLines(entity.file));
    const lines = files.get(entity.file);
    if (lines) {
      const end = Math.min(entity.endLine, entity.startLine + MAX_CODE_LINES - 1);
      const body = lines.slice(entity.startLine - 1, end).join('\n');
      return end < entity.endLine ? `${body}\n… (${entity.endLine - end} more lines)` : body;
    }
    return [entity.doc, entity.signature].filter(Boolean).join('\n');
  }

  private readLines(file: string): string[] | undefined {
    if (!this.root) return undefined;
    try {
      return fs.readFileSync(path.join(this.root, file), 'utf8').split('\n');
    } catch {
      return undefined; // moved since it was indexed: the caller falls back to what the index knows
    }
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

export function memoryText(memory: MemoryRecord): string {
  return memory.title && !memory.text.startsWith(memory.title) ? `${memory.title}\n\n${memory.text}` : memory.text;
}
