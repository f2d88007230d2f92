import { pathKind, type PathKind } from './pathKind';
import type { AnalyzedQuery } from './query';
import { BM25_K1, type Posting } from './termIndex';

/** One query word with what the index says about it. */
export interface TermEvidence {
  word: string;
  weight: number;
  idf: number;
  /** Rows containing it, best first (at most the per-word limit). */
  postings: Posting[];
}

/** A row's score for a query, 0–1, with the words it matched. */
export interface Scored {
  id: number;
  score: number;
  /** `score` measured against the question's most telling words only (0–1): whether it is about the question at all. */
  strength: number;
  matched: string[];
}

/**
 * How many of the question's most telling words `strength` is measured against: a long question (a commit
 * message, a pasted report) is not diluted by its twentieth word, a short one must be matched on each word.
 */
export const FOCUS_WORDS = 6;

/**
 * Ranking knobs, chosen on the localization benchmark (bench/localization, see search/README.md). A file
 * whose units together cover the question supports each of them (`fileWeight`); code that is not product code
 * is held back unless the question asks for it; with a path hint, files off the hint are held back.
 */
export const RANKING = {
  fileWeight: 0.25,
  /** Multipliers for code that is not product code, when the question does not ask for it. */
  nonProduct: { test: 0.3, fixture: 0.3, bench: 0.5, example: 0.8 } as Record<Exclude<PathKind, 'product'>, number>,
  offHint: 0.7,
};

/**
 * Scores rows from each word's evidence: a row's share is Σ weight × bm25 of the words it contains, over the
 * most the question could score (Σ weight × idf × (k1 + 1)), so scores are comparable between questions and
 * stay below 1. A file's share takes each word's best row in the file; a row gets its own share plus
 * `fileWeight` times its file's, then the path multipliers.
 */
export class EvidenceRanking {
  private readonly own = new Map<number, { fileId: number; sum: number; words: number[] }>();
  private readonly files = new Map<number, Float64Array>();
  private readonly fileShare = new Map<number, number>();
  private readonly multiplier = new Map<number, number>();
  private readonly ceiling: number;
  /** ceiling ÷ the ceiling of the most telling words (see FOCUS_WORDS). */
  private readonly focus: number;
  /** Where each word stands in the question: matched words are listed in the question's order. */
  private readonly order: Map<string, number>;

  constructor(private readonly terms: TermEvidence[], query: AnalyzedQuery, pathOf: (fileIds: number[]) => Map<number, string>) {
    const most = terms.map((t) => t.weight * t.idf * (BM25_K1 + 1)).sort((a, b) => b - a);
    this.ceiling = most.reduce((sum, x) => sum + x, 0) || 1;
    this.focus = this.ceiling / (most.slice(0, FOCUS_WORDS).reduce((sum, x) => sum + x, 0) || 1);
    this.order = new Map(query.terms.map((t, i) => [t.word, i]));
    terms.forEach((term, t) => {
      for (const p of term.postings) {
        const row = this.own.get(p.id) ?? { fileId: p.fileId, sum: 0, words: [] };
        row.sum += term.weight * p.score;
        row.words.push(t);
        this.own.set(p.id, row);
        let best = this.files.get(p.fileId);
        if (!best) this.files.set(p.fileId, (best = new Float64Array(terms.length)));
        best[t] = Math.max(best[t], term.weight * p.score);
      }
    });
    for (const [fileId, best] of this.files) this.fileShare.set(fileId, best.reduce((a, b) => a + b, 0) / this.ceiling);
    const paths = pathOf([...this.files.keys()].filter((id) => id > 0));
    const hinted = query.pathHints.length
      ? new Set([...paths].filter(([, p]) => onHint(p, query.pathHints)).map(([id]) => id))
      : undefined;
    for (const [fileId, path] of paths) {
      const kind = pathKind(path);
      let m = kind === 'product' || query.kinds.has(kind) ? 1 : RANKING.nonProduct[kind];
      // A hint no candidate file matches was not about paths.
      if (hinted?.size && !hinted.has(fileId)) m *= RANKING.offHint;
      this.multiplier.set(fileId, m);
    }
  }

  /** The score of any row (0 when it contains none of the words' best rows). */
  scoreOf(id: number): Scored | undefined {
    const row = this.own.get(id);
    if (!row) return undefined;
    const own = row.sum / this.ceiling;
    // Rows without a file (memories) stand alone: a file share would pool every memory's evidence.
    const file = row.fileId > 0 ? this.fileShare.get(row.fileId) ?? 0 : own;
    const score = ((own + RANKING.fileWeight * file) / (1 + RANKING.fileWeight)) * (this.multiplier.get(row.fileId) ?? 1);
    const matched = row.words.map((t) => this.terms[t].word).sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
    return { id, score, strength: Math.min(1, score * this.focus), matched };
  }

  /** Every row with evidence, best first; equal scores by id so the order never depends on chance. */
  ranked(): Scored[] {
    return [...this.own.keys()].map((id) => this.scoreOf(id)!).sort((a, b) => b.score - a.score || a.id - b.id);
  }
}

/** A file is on a hint when a folder or its name (without extension) is one of the hint's words. */
function onHint(path: string, hints: readonly string[]): boolean {
  const parts = path.toLowerCase().split('/');
  const name = parts.pop()!.replace(/\.[^.]*$/, '');
  return [...parts, name].some((part) => hints.includes(part) || part.split(/[-_.]/).some((p) => hints.includes(p)));
}
