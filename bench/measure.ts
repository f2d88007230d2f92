/** Figures shared by the benchmarks. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'RESULTS.md');

/** Adds a run's Markdown report to bench/RESULTS.md, newest first. */
export function recordResults(markdown: string): void {
  const marker = '<!-- runs: newest first -->';
  const existing = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : `# Benchmark results\n\n${marker}\n`;
  const [head, rest = ''] = existing.split(marker);
  fs.writeFileSync(RESULTS, `${head}${marker}\n\n${markdown}\n${rest.replace(/^\n+/, '\n')}`);
}

/** Inserts a blank line in the middle: every entity below it moves, as after a typical edit. */
export function editInMiddle(text: string): string {
  const lines = text.split('\n');
  lines.splice(Math.floor(lines.length / 2), 0, '');
  return lines.join('\n');
}

export function mean(values: number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

/** One percentile for the benchmarks and the dashboard (p from 0 to 1, nearest rank). */
export { percentile } from '../src/core/stats/dashboard';

/** Hit@1, Hit@10 and MRR over the 1-based positions where the wanted result was found (0: not found). */
export class RankTally {
  n = 0;
  private hit1 = 0;
  private hit10 = 0;
  private rr = 0;

  add(position: number): void {
    this.n++;
    if (position === 1) this.hit1++;
    if (position >= 1 && position <= 10) {
      this.hit10++;
      this.rr += 1 / position;
    }
  }

  /** `queries | Hit@1 | Hit@10 | MRR` cells of a Markdown row. */
  cells(): string {
    const share = (k: number) => `${((k / this.n) * 100).toFixed(1)}%`;
    return `${this.n} | ${share(this.hit1)} | ${share(this.hit10)} | ${(this.rr / this.n).toFixed(3)}`;
  }
}
