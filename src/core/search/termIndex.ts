import type { Database, Statement } from '../store/driver';

/** bm25's term-frequency saturation in FTS5 (k1): a term's share of a row's score never reaches k1 + 1. */
export const BM25_K1 = 1.2;

/** A row that contains a word, and how well (FTS5's bm25 for that word alone, weighted by column). */
export interface Posting {
  id: number;
  score: number;
  /** The row's file (units); 0 where rows have none (memories). */
  fileId: number;
}

/**
 * A word's document frequency is counted up to this share of the rows: past it the word is common, its
 * inverse document frequency is near its floor anyway, and counting further costs milliseconds per word.
 */
const COUNT_SHARE = 0.2;
const COUNT_MIN = 1000;

/**
 * One FTS5 table asked one word at a time, so every word's evidence is known apart: ranking can weight words,
 * see which ones a row covers, and add a file's best evidence per word (see ranking.ts). Document frequencies
 * are cached until `invalidate()`.
 */
export class TermIndex {
  private readonly postingsStatement: Statement;
  private readonly countStatement: Statement;
  private readonly exactCountStatement: Statement;
  private readonly matchingStatement: Statement;
  private readonly totalStatement: Statement;
  private readonly averagesStatement: Statement;
  private readonly frequencies = new Map<string, number>();
  private readonly exactFrequencies = new Map<string, number>();
  private rows: number | undefined;
  private ftsRows: number | undefined;

  /** `code`: the rows have files (units); memories have none. */
  constructor(db: Database, fts: string, weights: readonly number[], rowTable: string, code = false) {
    const ranked = `SELECT rowid, rank FROM ${fts} WHERE ${fts} MATCH ? AND rank MATCH 'bm25(${weights.map((w) => w.toFixed(2)).join(', ')})'
                    ORDER BY rank LIMIT ?`;
    this.postingsStatement = db.prepare(code
      ? `SELECT h.rowid, -h.rank, r.file_id FROM (${ranked}) h JOIN ${rowTable} r ON r.id = h.rowid`
      : `SELECT h.rowid, -h.rank, 0 FROM (${ranked}) h`).raw();
    this.countStatement = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`).pluck();
    this.exactCountStatement = db.prepare(`SELECT count(*) FROM ${fts} WHERE ${fts} MATCH ?`).pluck();
    this.matchingStatement = db.prepare(`SELECT rowid FROM ${fts} WHERE ${fts} MATCH ?`).pluck();
    this.totalStatement = db.prepare(`SELECT count(*) FROM ${rowTable}`).pluck();
    this.averagesStatement = db.prepare(`SELECT block FROM ${fts}_data WHERE id = 1`).pluck();
  }

  invalidate(): void {
    this.frequencies.clear();
    this.exactFrequencies.clear();
    this.rows = undefined;
    this.ftsRows = undefined;
  }

  get total(): number {
    return (this.rows ??= this.totalStatement.get() as number);
  }

  /** Rows containing the word (as the index tokenizes it), counted up to the common-word cap (then cap + 1). */
  frequency(word: string): number {
    let n = this.frequencies.get(word);
    if (n === undefined) {
      n = this.countStatement.get(quote(word), this.countCap() + 1) as number;
      this.frequencies.set(word, n);
    }
    return n;
  }

  /** The exact count, for a word whose count reached the cap (FTS5's bm25 uses the exact one). */
  private exactFrequency(word: string): number {
    const n = this.frequency(word);
    if (n <= this.countCap()) return n;
    let exact = this.exactFrequencies.get(word);
    if (exact === undefined) {
      exact = this.exactCountStatement.get(quote(word)) as number;
      this.exactFrequencies.set(word, exact);
    }
    return exact;
  }

  private countCap(): number {
    return Math.max(COUNT_MIN, Math.ceil(this.total * COUNT_SHARE));
  }

  /**
   * How much a word says, from the rows there are now: the square root of Lucene's bm25 idf. Measured on the
   * localization benchmark, full idf lets one rare word of a question (a typo, a word from a bug report's
   * story) outweigh the words it shares with the code; the root keeps rarity's order and flattens its range.
   */
  idf(word: string): number {
    const n = Math.min(this.frequency(word), this.total);
    return Math.sqrt(Math.log(1 + (this.total - n + 0.5) / (n + 0.5)));
  }

  /**
   * The `limit` rows where the word weighs most, best first, scored by bm25 with `idf()`. FTS5 computes its own
   * idf from a row count that deletes from a contentless table never decrease (it counts every row ever
   * inserted), so as an index ages every word would look rarer than it is: its score is divided by that idf
   * and multiplied by ours, leaving only the term-frequency part of FTS5's bm25.
   */
  postings(word: string, limit: number): Posting[] {
    const correction = this.idf(word) / bm25Idf(Math.max(this.total, this.insertedRows()), this.exactFrequency(word));
    return (this.postingsStatement.all(quote(word), limit) as [number, number, number][])
      .map(([id, score, fileId]) => ({ id, score: score * correction, fileId }));
  }

  /**
   * Rows that contain `word` and at least one of `others`: FTS5 merges the word lists without scoring a row,
   * so even a word in half the index costs about a millisecond.
   */
  rowsWithAny(word: string, others: readonly string[]): number[] {
    if (!others.length) return [];
    return this.matchingStatement.all(`${quote(word)} AND (${others.map(quote).join(' OR ')})`) as number[];
  }

  /** FTS5's own row count: the first varint of its averages record (id 1 of the `_data` table). */
  private insertedRows(): number {
    if (this.ftsRows === undefined) {
      const block = this.averagesStatement.get() as Uint8Array | undefined;
      this.ftsRows = block ? readVarint(block) : 0;
    }
    return this.ftsRows;
  }
}

function bm25Idf(rows: number, containing: number): number {
  return Math.max(1e-6, Math.log((rows - containing + 0.5) / (containing + 0.5)));
}

/** SQLite's varint: big-endian 7-bit groups, the high bit set on all but the last; a ninth byte is whole. */
function readVarint(bytes: Uint8Array): number {
  let value = 0;
  for (let i = 0; i < Math.min(bytes.length, 9); i++) {
    if (i === 8) return value * 256 + bytes[i];
    value = value * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) return value;
  }
  return value;
}

/** Words are quoted so FTS5 operators and punctuation in a query are taken literally. */
function quote(word: string): string {
  return `"${word.replace(/"/g, '""')}"`;
}
