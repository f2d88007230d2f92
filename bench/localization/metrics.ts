import { percentile } from '../measure';
import type { Hit } from './baselines';
import type { Question } from './history';

/** A hit longer than this points at nothing in particular: it never counts as finding the changed code. */
export const MAX_HIT_LINES = 150;

/** How one system did on one question. */
export interface Outcome {
  /** 1-based position of the first changed file among the distinct files ranked; 0 if absent. */
  fileRank: number;
  /** 1-based position of the first hit (≤ 150 lines) overlapping a changed range; 0 if absent. */
  codeRank: number;
  /** Lines per hit over the first 10 hits. */
  meanLines: number;
  ms: number;
}

export function judge(question: Question, hits: Hit[], ms: number): Outcome {
  const goldFiles = new Set(question.gold.map((g) => g.file));
  const files = [...new Set(hits.map((h) => h.file))];
  const fileRank = files.findIndex((f) => goldFiles.has(f)) + 1;
  const codeRank = hits.findIndex((h) => h.end - h.start + 1 <= MAX_HIT_LINES &&
    question.gold.some((g) => g.file === h.file && g.start <= h.end && h.start <= g.end)) + 1;
  const top = hits.slice(0, 10);
  const meanLines = top.length ? top.reduce((sum, h) => sum + h.end - h.start + 1, 0) / top.length : 0;
  return { fileRank, codeRank, meanLines, ms };
}

/** The figures of one system over a set of questions. */
export class Tally {
  private readonly outcomes: Outcome[] = [];

  add(outcome: Outcome): void {
    this.outcomes.push(outcome);
  }

  static merge(tallies: Tally[]): Tally {
    const all = new Tally();
    for (const t of tallies) all.outcomes.push(...t.outcomes);
    return all;
  }

  get n(): number {
    return this.outcomes.length;
  }

  /** Share of questions whose rank is within k (0 = not found). */
  share(rank: (o: Outcome) => number, k: number): number {
    return this.outcomes.filter((o) => rank(o) >= 1 && rank(o) <= k).length / Math.max(1, this.n);
  }

  fileRecall(k: number): number {
    return this.share((o) => o.fileRank, k);
  }

  codeHit(k: number): number {
    return this.share((o) => o.codeRank, k);
  }

  /** Mean reciprocal rank of the first changed-code hit within the first 10. */
  mrr(): number {
    return this.outcomes.reduce((sum, o) => sum + (o.codeRank >= 1 && o.codeRank <= 10 ? 1 / o.codeRank : 0), 0) / Math.max(1, this.n);
  }

  meanLines(): number {
    return this.outcomes.reduce((sum, o) => sum + o.meanLines, 0) / Math.max(1, this.n);
  }

  /** `p` from 0 to 1. */
  latency(p: number): number {
    return percentile(this.outcomes.map((o) => o.ms), p);
  }

  /** `file@1 | file@5 | file@10 | code@5 | code@10 | MRR | lines/hit | p50 ms | p95 ms` cells. */
  cells(windowed = true): string {
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const code = windowed
      ? `${pct(this.codeHit(5))} | ${pct(this.codeHit(10))} | ${this.mrr().toFixed(3)} | ${this.meanLines().toFixed(0)}`
      : 'n/a | n/a | n/a | whole files';
    return `${pct(this.fileRecall(1))} | ${pct(this.fileRecall(5))} | ${pct(this.fileRecall(10))} | ${code} | ` +
      `${this.latency(0.5).toFixed(1)} | ${this.latency(0.95).toFixed(1)}`;
  }
}
