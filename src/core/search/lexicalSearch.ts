import type Database from 'better-sqlite3';
import type { EntityHit } from '../types';
import { queryWords } from '../text/identifiers';

/** bm25 column weights: name words, enclosing names, path words, signature and doc. */
const BM25_WEIGHTS = 'bm25(10.0, 3.0, 2.0, 1.0)';
/**
 * A word in more than this share of entities says little and makes an OR query scan most of the index
 * (measured: OR with `return`, `self` takes 50–150 ms at 100k rows); the fallback leaves such words out.
 */
const COMMON_WORD_SHARE = 0.02;
const COMMON_WORD_MIN_DOCS = 200;
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

/**
 * Full-text search over entities. Every word must match first (cheap and precise); when that finds
 * fewer than `limit`, an OR over the query's selective words fills the rest, ranked by bm25.
 */
export class LexicalSearch {
  private readonly s;
  private readonly frequentCache = new Map<string, boolean>();
  private cachedTotal: number | undefined;

  constructor(db: Database.Database) {
    const hits = `SELECT e.id, f.path AS file, e.start_line AS startLine, e.end_line AS endLine, e.name,
                    e.qualified_name AS qualifiedName, e.kind, e.signature, f.language, -hits.rank AS score
                  FROM (SELECT rowid, rank FROM entities_fts
                        WHERE entities_fts MATCH ? AND rank MATCH '${BM25_WEIGHTS}'
                        ORDER BY rank LIMIT ?) AS hits
                  JOIN entities e ON e.id = hits.rowid
                  JOIN files f ON f.id = e.file_id
                  ORDER BY hits.rank`;
    this.s = {
      hits: db.prepare(hits),
      docCount: db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM entities_fts WHERE entities_fts MATCH ? LIMIT ?)'),
      total: db.prepare('SELECT count(*) AS n FROM entities'),
    };
  }

  /** The index changed: word frequencies may have too. */
  invalidate(): void {
    this.frequentCache.clear();
    this.cachedTotal = undefined;
  }

  search(query: string, options: SearchOptions = {}): EntityHit[] {
    const limit = options.limit ?? 10;
    const all = queryWords(query);
    const content = all.filter((w) => !STOPWORDS.has(w));
    const words = content.length ? content : all;
    if (!words.length || limit <= 0) return [];
    const results = this.s.hits.all(words.map(quote).join(' '), limit) as EntityHit[];
    if (results.length >= limit || words.length === 1) return results;

    const selective = words.filter((w) => !this.isFrequent(w)).slice(0, MAX_OR_WORDS);
    if (selective.length === 0) return results;
    const seen = new Set(results.map((r) => r.id));
    for (const hit of this.s.hits.all(selective.map(quote).join(' OR '), limit + results.length) as EntityHit[]) {
      if (results.length >= limit) break;
      if (!seen.has(hit.id)) results.push(hit);
    }
    return results;
  }

  private isFrequent(word: string): boolean {
    let frequent = this.frequentCache.get(word);
    if (frequent === undefined) {
      this.cachedTotal ??= (this.s.total.get() as { n: number }).n;
      const threshold = Math.max(COMMON_WORD_MIN_DOCS, Math.ceil(this.cachedTotal * COMMON_WORD_SHARE));
      // Counting stops at the threshold, so a very common word costs no more than a rare one.
      frequent = (this.s.docCount.get(quote(word), threshold + 1) as { n: number }).n > threshold;
      this.frequentCache.set(word, frequent);
    }
    return frequent;
  }
}

/** Words are quoted so FTS5 operators and punctuation in a query are taken literally. */
function quote(word: string): string {
  return `"${word.replace(/"/g, '""')}"`;
}
