/**
 * `npm run bench:localization`: does search point at the code a real commit changed, asked with the commit's
 * message over the tree before it? The product against two plain BM25 baselines on the same trees and
 * questions. See bench/RESULTS.md for the method and the figures.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CodeMemorySystem } from '../../src/core/codeMemorySystem';
import { classifyText } from '../../src/core/indexing/fileProcessor';
import { LANGUAGES } from '../../src/core/indexing/languages';
import { walkWorkspace } from '../../src/core/indexing/walker';
import { percentile, recordResults } from '../measure';
import { Bm25Baseline, type Hit } from './baselines';
import { type Question, selectQuestions } from './history';
import { judge, Tally } from './metrics';

/** Public repositories, none of them reserved for the independent check (see the issue). */
const REPOSITORIES = [
  { name: 'pallets/click', language: 'Python' },
  { name: 'honojs/hono', language: 'TypeScript' },
  { name: 'expressjs/express', language: 'JavaScript' },
  { name: 'gin-gonic/gin', language: 'Go' },
  { name: 'clap-rs/clap', language: 'Rust' },
  { name: 'google/gson', language: 'Java' },
];
const QUESTIONS_PER_REPO = 60;
/** `--held-out`: other commits of the same histories, none of them seen while tuning (see history.ts). */
const HELD_OUT_OFFSET = 0.1;
/** Hits asked of every system: file recall counts distinct files among them. */
const HITS = 30;
const SYSTEMS = ['BM25, whole files', 'BM25, 40-line windows', 'code-memory search'] as const;
type SystemName = (typeof SYSTEMS)[number];

const { values: flags } = parseArgs({
  options: {
    repos: { type: 'string' },
    questions: { type: 'string' },
    'no-record': { type: 'boolean' },
    dump: { type: 'string' },
    'keep-indexes': { type: 'string' },
    'held-out': { type: 'boolean' },
  },
});
const MIRROR = process.env.CODE_MEMORY_BENCH_MIRROR ?? '/work/.mirror';
const WORK = process.env.CODE_MEMORY_BENCH_WORK ?? path.join(os.tmpdir(), 'code-memory-localization');

function gitDirOf(repo: string): string | undefined {
  const base = path.join(MIRROR, repo.replace('/', '+'), 'repo');
  for (const dir of [path.join(base, '.git'), base]) if (fs.existsSync(path.join(dir, 'HEAD'))) return dir;
  return undefined;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A work tree of our own (outside this repository) that shares the snapshot's objects. */
function workTree(repo: string, gitDir: string): string {
  const dir = path.join(WORK, repo.replace('/', '+'));
  if (!fs.existsSync(path.join(dir, '.git'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(WORK, { recursive: true });
    execFileSync('git', ['clone', '--quiet', '--shared', '--no-checkout', gitDir, dir]);
    // Only what the indexer reads: source files and ignore rules (a snapshot may lack big binaries).
    const patterns = [...new Set(LANGUAGES.flatMap((l) => l.extensions))].map((ext) => `*${ext}`);
    git(dir, ['sparse-checkout', 'set', '--no-cone', ...patterns, '.gitignore']);
  }
  return dir;
}

/** Keeps the baselines' documents equal to the files the product indexes (same walk, same skips). */
class BaselineSync {
  private readonly seen = new Map<string, string>();

  constructor(private readonly baselines: Bm25Baseline[]) {}

  update(root: string): void {
    const now = new Map<string, string>();
    for (const file of walkWorkspace(root).files) {
      const key = `${file.size}:${file.mtimeMs}`;
      now.set(file.path, key);
      if (this.seen.get(file.path) === key) continue;
      const buffer = fs.readFileSync(file.absolutePath);
      const text = buffer.toString('utf8');
      const usable = !buffer.subarray(0, 8000).includes(0) && !classifyText(text);
      for (const b of this.baselines) b.setFile(file.path, usable ? text : undefined);
    }
    for (const file of this.seen.keys()) if (!now.has(file)) for (const b of this.baselines) b.setFile(file, undefined);
    this.seen.clear();
    for (const [k, v] of now) this.seen.set(k, v);
  }
}

async function productHits(system: CodeMemorySystem, query: string): Promise<Hit[]> {
  const result = await system.retrieve({ userQuery: query });
  return result.memories.filter((m) => m.relevanceScore > 0 && m.file && m.startLine)
    .map((m) => ({ file: m.file!, start: m.startLine!, end: m.endLine! }));
}

/** A copy of the index a question was asked over, for ranking experiments that skip checkouts and indexing. */
function keepIndex(system: CodeMemorySystem, dir: string, i: number, question: Question): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${i}.db`);
  fs.rmSync(file, { force: true });
  system.index.database.exec(`VACUUM INTO '${file.replace(/'/g, "''")}'`);
  fs.writeFileSync(path.join(dir, `${i}.json`), JSON.stringify(question));
}

interface RepoResult {
  repo: string;
  language: string;
  eligible: number;
  tallies: Map<SystemName, Tally>;
  coldSeconds: number;
  incrementalMs: number[];
  files: number;
}

async function benchRepository(repo: string, language: string, gitDir: string, count: number,
  dump: unknown[]): Promise<RepoResult> {
  const { questions, eligible } = selectQuestions(repo, gitDir, count, flags['held-out'] ? HELD_OUT_OFFSET : undefined);
  const root = workTree(repo, gitDir);
  const dbPath = path.join(WORK, `${repo.replace('/', '+')}.db`);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
  const system = CodeMemorySystem.open(root, {
    dbPath, config: { maxMemories: HITS, candidateCount: Math.max(40, HITS), relevanceThreshold: 0, enableRecencyBoost: false },
  });
  const files = new Bm25Baseline('files', false);
  const windows = new Bm25Baseline('windows', true);
  const sync = new BaselineSync([files, windows]);
  const tallies = new Map<SystemName, Tally>(SYSTEMS.map((s) => [s, new Tally()]));
  const result: RepoResult = { repo, language, eligible, tallies, coldSeconds: 0, incrementalMs: [], files: 0 };
  try {
    for (const [i, question] of questions.entries()) {
      git(root, ['checkout', '--quiet', '--force', '--detach', question.parent]);
      git(root, ['clean', '--quiet', '-fdx']);
      const summary = await system.indexRepository();
      if (i === 0) result.coldSeconds = summary.seconds;
      else result.incrementalMs.push(summary.seconds * 1000);
      result.files = summary.files;
      sync.update(root);
      if (flags['keep-indexes']) keepIndex(system, path.join(flags['keep-indexes'], repo.replace('/', '+')), i, question);
      const ask = async (name: SystemName, run: () => Hit[] | Promise<Hit[]>) => {
        const start = performance.now();
        const hits = (await run()).slice(0, HITS);
        const outcome = judge(question, hits, performance.now() - start);
        tallies.get(name)!.add(outcome);
        return { name, outcome, hits: hits.slice(0, 10) };
      };
      const answers = [
        await ask('BM25, whole files', () => files.search(question.text, HITS)),
        await ask('BM25, 40-line windows', () => windows.search(question.text, HITS)),
        await ask('code-memory search', () => productHits(system, question.text)),
      ];
      dump.push({ ...question, answers });
      process.stderr.write(`\r${repo}: ${i + 1}/${questions.length}`);
    }
    process.stderr.write('\n');
  } finally {
    system.close();
  }
  return result;
}

function table(rows: { label: string; tally: Tally; windowed: boolean }[]): string[] {
  return [
    '| system | file@1 | file@5 | file@10 | code hit@5 | code hit@10 | MRR | lines/hit | p50 ms | p95 ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.tally.cells(r.windowed)} |`),
  ];
}

async function main(): Promise<void> {
  const wanted = flags.repos?.split(',');
  const repos = REPOSITORIES.filter((r) => !wanted || wanted.some((w) => r.name.includes(w)));
  const count = flags.questions ? Number(flags.questions) : QUESTIONS_PER_REPO;
  const missing = repos.filter((r) => !gitDirOf(r.name));
  if (missing.length) {
    console.error(`Missing repository snapshots under ${MIRROR} (set CODE_MEMORY_BENCH_MIRROR to move it):\n` +
      missing.map((r) => `  ${r.name}: the tool library's fetch (github:${r.name}), or ` +
        `git clone --bare https://github.com/${r.name} ${path.join(MIRROR, r.name.replace('/', '+'), 'repo')}`).join('\n'));
    process.exitCode = 1;
    return;
  }
  const dump: unknown[] = [];
  const results: RepoResult[] = [];
  for (const r of repos) results.push(await benchRepository(r.name, r.language, gitDirOf(r.name)!, count, dump));

  const overall = new Map<SystemName, Tally>(SYSTEMS.map((s) => [s, Tally.merge(results.map((r) => r.tallies.get(s)!))]));
  const out: string[] = [];
  const date = new Date().toISOString().slice(0, 10);
  out.push(`## ${date} — localization — ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}`, '');
  const questions = results.reduce((n, r) => n + r.tallies.get(SYSTEMS[0])!.n, 0);
  out.push(`${questions} questions from ${results.length} repositories (` +
    results.map((r) => `${r.repo} ${r.language}: ${r.tallies.get(SYSTEMS[0])!.n} of ${r.eligible} eligible, ${r.files} files`).join('; ') + ').', '');
  out.push('**All repositories**', '', ...table(SYSTEMS.map((s) => ({ label: s, tally: overall.get(s)!, windowed: s !== SYSTEMS[0] }))), '');
  out.push('| repository | system | file@1 | file@5 | file@10 | code hit@5 | code hit@10 | MRR | lines/hit | p50 ms | p95 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const s of SYSTEMS) out.push(`| ${r.repo} | ${s} | ${r.tallies.get(s)!.cells(s !== SYSTEMS[0])} |`);
  }
  out.push('');
  out.push('| repository | cold index | incremental index between questions p50 / p95 |', '|---|---|---|');
  for (const r of results) {
    out.push(`| ${r.repo} | ${r.coldSeconds.toFixed(2)} s | ${percentile(r.incrementalMs, 0.5).toFixed(0)} / ${percentile(r.incrementalMs, 0.95).toFixed(0)} ms |`);
  }
  out.push('');
  const product = overall.get('code-memory search')!;
  const window = overall.get('BM25, 40-line windows')!;
  const whole = overall.get('BM25, whole files')!;
  const points = (a: number, b: number) => `${((a - b) * 100 >= 0 ? '+' : '')}${((a - b) * 100).toFixed(1)}`;
  out.push(`Goals: code hit@10 − windows = **${points(product.codeHit(10), window.codeHit(10))} points** (goal ≥ +15); ` +
    `file@5 − whole files = **${points(product.fileRecall(5), whole.fileRecall(5))} points** (goal ≥ +5); ` +
    `repositories where code hit@10 < windows: ${results.filter((r) => r.tallies.get('code-memory search')!.codeHit(10) < r.tallies.get('BM25, 40-line windows')!.codeHit(10)).map((r) => r.repo).join(', ') || 'none'}.`, '');
  const report = out.join('\n');
  console.log(report);
  if (flags.dump) fs.writeFileSync(flags.dump, JSON.stringify(dump, null, 1));
  if (!flags['no-record'] && !wanted && !flags.questions) recordResults(flags['held-out'] ? report.replace(' — localization — ', ' — localization, held-out sample — ') : report);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
