import type { Database, Statement } from '../store/driver';
import type { EntityKind, LanguageId, UnitKind } from '../types';
import { analyzeQuery, type AnalyzedQuery, MAX_TERMS } from './query';
import { EvidenceRanking, type TermEvidence } from './ranking';
import { type Posting, TermIndex } from './termIndex';

/**
 * Rows a word contributes at most: its best rows by bm25. Enough that the answer's unit is among them for
 * any word specific enough to matter; a word in more rows than this weighs little anyway.
 */
const POSTINGS_PER_WORD = 200;
/** Rows ranked by bm25 per question, at most (the rarest word is ranked whatever its count): about 5 ms. */
const RANKED_ROWS = 5000;
/**
 * bm25's term-frequency part for one occurrence in a row of average length: (k1 + 1) / (1 + k1) = 1. A common
 * word found in a row without ranking counts this much times its idf.
 */
const AVERAGE_OCCURRENCE = 1;
/**
 * bm25 column weights. Units: the unit's entity name, enclosing names, path words, code. Memories: title, body,
 * related path. See search/README.md for how they were chosen.
 */
export const UNIT_WEIGHTS = [8, 2, 2, 1];
const MEMORY_WEIGHTS = [5, 1, 2];

export interface SearchOptions {
  limit?: number;
}

/** A unit found by search. Lines are 1-based and inclusive; the path is relative to the workspace. */
export interface UnitHit {
  id: number;
  file: string;
  language: LanguageId;
  startLine: number;
  endLine: number;
  kind: UnitKind;
  /** The entity the unit is or is a part of; none for code outside entities. */
  entity?: { id: number; name: string; qualifiedName: string; kind: EntityKind; signature: string };
  /** 0–1: the weighted share of the question that the unit and its file contain (see ranking.ts). */
  score: number;
  /** The question's words it contains. */
  matched: string[];
}

interface UnitRow {
  id: number; file: string; language: LanguageId; startLine: number; endLine: number; kind: UnitKind;
  entityId: number | null; name: string | null; qualifiedName: string | null; entityKind: EntityKind | null; signature: string | null;
}

/**
 * Full-text search over units (every line of code) and over memories, ranked from each word's evidence
 * (ranking.ts). Caches follow the database: another process's commit invalidates them too.
 */
export class LexicalSearch {
  readonly units: TermIndex;
  readonly memories: TermIndex;
  private readonly unitsByIds: Statement;
  private readonly filePaths: Statement;
  private dataVersion: number | undefined;

  constructor(private readonly db: Database) {
    this.units = new TermIndex(db, 'units_fts', UNIT_WEIGHTS, 'units', true);
    this.memories = new TermIndex(db, 'memories_fts', MEMORY_WEIGHTS, 'memories');
    this.unitsByIds = db.prepare(`SELECT u.id, f.path AS file, f.language, u.start_line AS startLine, u.end_line AS endLine,
        u.kind, e.id AS entityId, e.name, e.qualified_name AS qualifiedName, e.kind AS entityKind, e.signature
      FROM units u JOIN files f ON f.id = u.file_id LEFT JOIN entities e ON e.id = u.entity_id
      WHERE u.id IN (SELECT value FROM json_each(?))`);
    this.filePaths = db.prepare('SELECT id, path FROM files WHERE id IN (SELECT value FROM json_each(?))').raw();
  }

  /** The index changed: word frequencies may have too. */
  invalidate(): void {
    this.units.invalidate();
    this.memories.invalidate();
  }

  /** The best units for a question, best first. */
  search(query: string, options: SearchOptions = {}): UnitHit[] {
    const ranking = this.rankUnits(analyzeQuery(query));
    return this.hits(ranking.ranked().slice(0, options.limit ?? 10).map((s) => ({ id: s.id, score: s.score, matched: s.matched })));
  }

  /**
   * Every unit with evidence for the question, scored; ask `ranked()` or `scoreOf(id)`. `share`: of the rows
   * ranked by bm25 (a secondary question, such as an error message, gets less).
   */
  rankUnits(query: AnalyzedQuery, share = 1): EvidenceRanking {
    return new EvidenceRanking(this.evidence(this.units, query, RANKED_ROWS * share), query, (ids) => new Map(
      this.filePaths.all(JSON.stringify(ids)) as [number, string][]));
  }

  /** Memories (notes, documentation, debugging sessions) scored on the same scale as code. */
  rankMemories(query: AnalyzedQuery): EvidenceRanking {
    return new EvidenceRanking(this.evidence(this.memories, query, RANKED_ROWS), { ...query, pathHints: [] }, () => new Map());
  }

  /** Units with their place and entity, in the order of `scored`. */
  hits(scored: readonly { id: number; score: number; matched: string[] }[]): UnitHit[] {
    if (!scored.length) return [];
    const rows = new Map((this.unitsByIds.all(JSON.stringify(scored.map((s) => s.id))) as UnitRow[]).map((r) => [r.id, r]));
    return scored.flatMap(({ id, score, matched }) => {
      const r = rows.get(id);
      if (!r) return [];
      const entity = r.entityId === null ? undefined
        : { id: r.entityId, name: r.name!, qualifiedName: r.qualifiedName!, kind: r.entityKind!, signature: r.signature! };
      return [{ id, file: r.file, language: r.language, startLine: r.startLine, endLine: r.endLine, kind: r.kind, entity, score, matched }];
    });
  }

  /**
   * The question's most telling words with their rows; words the index lacks still count against the score.
   * Ranking a word's rows by bm25 costs FTS5 about a microsecond per row containing it, so words are ranked
   * rarest first within a budget of rows; the others are looked for only among the rows ranked so far
   * (`rowsWithAny`: no scoring, about a millisecond even for a word in half the index) and counted at the score
   * of one average occurrence. An index small enough for the budget ranks every word.
   */
  private evidence(index: TermIndex, query: AnalyzedQuery, budgetRows: number): TermEvidence[] {
    this.checkFresh();
    const terms = query.terms.map((t) => ({ ...t, idf: index.idf(t.word), rows: index.frequency(t.word) }))
      .sort((a, b) => b.weight * b.idf - a.weight * a.idf || (a.word < b.word ? -1 : 1))
      .slice(0, MAX_TERMS);
    const ranked = new Map<string, Posting[]>();
    let budget = budgetRows;
    for (const t of terms.filter((t) => t.rows > 0).sort((a, b) => a.rows - b.rows)) {
      if (ranked.size && t.rows > budget) continue;
      ranked.set(t.word, index.postings(t.word, POSTINGS_PER_WORD));
      budget -= t.rows;
    }
    const known = new Map<number, Posting>();
    for (const list of ranked.values()) for (const p of list) known.set(p.id, p);
    return terms.map(({ word, weight, idf, rows }) => {
      const postings = ranked.get(word) ?? (rows === 0 ? [] : index.rowsWithAny(word, [...ranked.keys()])
        .flatMap((id) => {
          const row = known.get(id);
          return row ? [{ ...row, score: idf * AVERAGE_OCCURRENCE }] : [];
        }));
      return { word, weight, idf, postings };
    });
  }

  /** Another connection (a window, the CLI) may have written since the caches were filled. */
  private checkFresh(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (this.dataVersion !== undefined && version !== this.dataVersion) this.invalidate();
    this.dataVersion = version;
  }
}
