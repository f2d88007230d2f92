import type Database from 'better-sqlite3';
import type { EntityHit } from '../types';
import { queryWords } from '../text/identifiers';

/**
 * A word in more than this share of rows says little and makes an OR query scan most of the index
 * (measured: OR with `return`, `self` takes 50–150 ms at 100k rows); the fallback leaves such words out.
 */
const COMMON_WORD_SHARE = 0.02;
const COMMON_WORD_MIN_DOCS = 200;
/** Row sets of common words kept in memory (a bit per row: 14 KB each at 113k rows). */
const COMMON_WORD_SETS = 64;
/** At most this many words in the OR fallback (a long pasted question must not become a huge OR). */
const MAX_OR_WORDS = 6;
const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'can', 'do', 'does', 'for', 'from', 'how', 'i', 'if',
  'in', 'into', 'is', 'it', 'its', 'of', 'on', 'or', 'that', 'the', 'this', 'to', 'what', 'when', 'where',
  'which', 'who', 'why', 'with',
]);

export interface SearchOptions {
  limit?: number;
}

/** A memory (not code) found by full-text search. */
export interface MemoryHit {
  id: number;
  /** Higher is better (negated bm25). */
  score: number;
}

/** The words a query searches for: split like identifiers, stopwords dropped unless nothing else is left. */
export function searchWords(query: string): string[] {
  const all = queryWords(query);
  const content = all.filter((w) => !STOPWORDS.has(w));
  return content.length ? content : all;
}

/**
 * One FTS5 table searched the same way: every word must match first (cheap and precise); when that finds
 * fewer than the limit, an OR over the query's selective words fills the rest, ranked by bm25.
 */
class FtsTable<Hit extends { id: number }> {
  private readonly hits: Database.Statement;
  private readonly docCount: Database.Statement;
  private readonly containing: Database.Statement;
  private readonly total: Database.Statement;
  private readonly frequency = new Map<string, number>();
  /** Common word → bit set of the rows containing it, most recently used last. */
  private readonly commonRows = new Map<string, Uint8Array>();
  private cachedTotal: number | undefined;

  /** `select` turns a subquery yielding (rowid, rank) into hit rows, keeping its order. */
  constructor(db: Database.Database, fts: string, weights: string, rowTable: string, select: (hits: string) => string) {
    this.hits = db.prepare(select(`(SELECT rowid, rank FROM ${fts} WHERE ${fts} MATCH ? AND rank MATCH '${weights}'
                                   ORDER BY rank LIMIT ?)`));
    this.docCount = db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`);
    this.containing = db.prepare(`SELECT rowid FROM ${fts} WHERE ${fts} MATCH ?`).pluck();
    this.total = db.prepare(`SELECT count(*) AS n FROM ${rowTable}`);
  }

  invalidate(): void {
    this.frequency.clear();
    this.commonRows.clear();
    this.cachedTotal = undefined;
  }

  search(words: string[], limit: number): Hit[] {
    if (!words.length || limit <= 0) return [];
    const results = this.hits.all(words.map(quote).join(' '), limit) as Hit[];
    if (results.length >= limit || words.length === 1) return results;
    const selective = words.filter((w) => !this.isFrequent(w)).slice(0, MAX_OR_WORDS);
    if (selective.length === 0) return results;
    const seen = new Set(results.map((r) => r.id));
    for (const hit of this.hits.all(selective.map(quote).join(' OR '), limit + results.length) as Hit[]) {
      if (results.length >= limit) break;
      if (!seen.has(hit.id)) results.push(hit);
    }
    return results;
  }

  /** Which of these rows contain the word (as the index tokenizes it: stemmed, split identifiers). */
  rowsWith(word: string, ids: readonly number[]): Set<number> {
    if (!ids.length) return new Set();
    if (this.isFrequent(word)) {
      // Probing rows for a common word costs 2–4 ms at 113k rows, and the same few words (error, file,
      // return…) come back query after query: their row sets are read once and kept until the index changes.
      const bits = this.commonRowSet(word);
      return new Set(ids.filter((id) => (bits[id >> 3] ?? 0) & (1 << (id & 7))));
    }
    // A selective word's whole row list is short: reading it costs a tenth of probing the rows one by one
    // (measured at 113k rows: 0.1–0.3 ms against about 1 ms).
    const wanted = new Set(ids);
    return new Set((this.containing.all(quote(word)) as number[]).filter((id) => wanted.has(id)));
  }

  private commonRowSet(word: string): Uint8Array {
    let bits = this.commonRows.get(word);
    if (bits) {
      this.commonRows.delete(word);
    } else {
      const rows = this.containing.all(quote(word)) as number[];
      bits = new Uint8Array((rows.reduce((max, id) => Math.max(max, id), 0) >> 3) + 1);
      for (const id of rows) bits[id >> 3] |= 1 << (id & 7);
      if (this.commonRows.size >= COMMON_WORD_SETS) this.commonRows.delete(this.commonRows.keys().next().value!);
    }
    this.commonRows.set(word, bits);
    return bits;
  }

  /**
   * How informative a word is, 0–1: log-scaled inverse document frequency, counted only up to the
   * "common" threshold so a frequent word costs no more than a rare one.
   */
  weight(word: string): number {
    const total = (this.cachedTotal ??= (this.total.get() as { n: number }).n);
    const cap = this.cap(total);
    const df = Math.max(1, this.count(word, cap));
    return total <= 1 ? 1 : Math.max(0.05, Math.log((total + 1) / df) / Math.log(total + 1));
  }

  private isFrequent(word: string): boolean {
    this.cachedTotal ??= (this.total.get() as { n: number }).n;
    const cap = this.cap(this.cachedTotal);
    return this.count(word, cap) > cap;
  }

  private cap(total: number): number {
    return Math.max(COMMON_WORD_MIN_DOCS, Math.ceil(total * COMMON_WORD_SHARE));
  }

  private count(word: string, cap: number): number {
    let n = this.frequency.get(word);
    if (n === undefined) {
      n = (this.docCount.get(quote(word), cap + 1) as { n: number }).n;
      this.frequency.set(word, n);
    }
    return n;
  }
}

/** Full-text search over code entities and over other memories. */
export class LexicalSearch {
  readonly entities: FtsTable<EntityHit>;
  readonly memories: FtsTable<MemoryHit>;

  constructor(db: Database.Database) {
    // bm25 column weights — entities: name words, enclosing names, path words, signature and doc;
    // memories: title, body, related path.
    this.entities = new FtsTable<EntityHit>(db, 'entities_fts', 'bm25(10.0, 3.0, 2.0, 1.0)', 'entities', (hits) =>
      `SELECT e.id, f.path AS file, e.start_line AS startLine, e.end_line AS endLine, e.name,
         e.qualified_name AS qualifiedName, e.kind, e.signature, f.language, -hits.rank AS score
       FROM ${hits} AS hits JOIN entities e ON e.id = hits.rowid JOIN files f ON f.id = e.file_id
       ORDER BY hits.rank`);
    this.memories = new FtsTable<MemoryHit>(db, 'memories_fts', 'bm25(5.0, 1.0, 2.0)', 'memories', (hits) =>
      `SELECT hits.rowid AS id, -hits.rank AS score FROM ${hits} AS hits ORDER BY hits.rank`);
  }

  /** The index changed: word frequencies may have too. */
  invalidate(): void {
    this.entities.invalidate();
    this.memories.invalidate();
  }

  search(query: string, options: SearchOptions = {}): EntityHit[] {
    return this.entities.search(searchWords(query), options.limit ?? 10);
  }
}

/** Words are quoted so FTS5 operators and punctuation in a query are taken literally. */
function quote(word: string): string {
  return `"${word.replace(/"/g, '""')}"`;
}
