// What checking citations costs, and whether it marks the right memories (memories/README.md "Citations that go
// stale"): a Python corpus, memories citing its entities and lines, then (1) a check of every citation when
// nothing changed, (2) one after edits, against what the edits should have made stale, and (3) reindexFile with
// the check (CodeMemorySystem) against without it (WorkspaceIndex), alternated in the same run.
// Run: npm run bench:citations.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CodeMemorySystem } from '../src/core/codeMemorySystem';
import { MemoryService } from '../src/core/memories/memoryService';
import { percentile, recordResults } from './measure';

const CORPUS_BYTES = 20 * 1024 * 1024;
const MEMORIES = 2000;
const EDITED_FILES = 100;
const SKIP = /(^|\/)(site-packages|__pycache__|test|tests|idlelib|lib2to3|tkinter|turtledemo)(\/|$)/;

/** A seeded generator, so that runs cite the same code. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function copyCorpus(into: string): void {
  const stdlib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(stdlib, full).split(path.sep).join('/');
      if (SKIP.test(relative) || bytes >= CORPUS_BYTES) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.py')) {
        const size = fs.statSync(full).size;
        fs.mkdirSync(path.dirname(path.join(into, relative)), { recursive: true });
        fs.copyFileSync(full, path.join(into, relative));
        bytes += size;
      }
    }
  };
  walk(stdlib);
}

const time = (work: () => unknown) => {
  const start = performance.now();
  work();
  return performance.now() - start;
};

async function main(): Promise<void> {
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'code-memory-citations-'));
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-memory-citations-db-'));
  try {
    copyCorpus(corpus);
    const system = CodeMemorySystem.open(corpus, { dbPath: path.join(dbDir, 'index.db') });
    await system.index.indexRepository();
    const service = new MemoryService(system, false);
    const next = random(7);
    const entities = system.index.database.prepare(`SELECT e.qualified_name AS name, f.path AS file, e.start_line AS startLine, e.end_line AS endLine
      FROM entities e JOIN files f ON f.id = e.file_id WHERE e.kind IN ('function', 'method', 'class') ORDER BY e.id`).all() as
      { name: string; file: string; startLine: number; endLine: number }[];
    const storeStart = performance.now();
    const cites = new Map<string, { file: string; startLine: number; endLine: number }>();
    for (let i = 0; i < MEMORIES; i++) {
      const e = entities[Math.floor(next() * entities.length)];
      const lines = { file: e.file, startLine: e.startLine, endLine: i % 2 ? e.endLine : Math.min(e.endLine, e.startLine + 9) };
      const citation = i % 2 ? { entity: e.name, file: e.file } : lines;
      const { memory } = service.store({ content: `Memory ${i} about ${e.name}: how it behaves and why.`, citations: [citation], source: 'user' });
      cites.set(memory.id, lines);
    }
    const storeMs = (performance.now() - storeStart) / MEMORIES;

    const unchanged = [0, 1, 2].map(() => time(() => system.checkCitations()));

    // Edit files that memories cite: a comment line after the first line of code one memory cites (it changes what
    // it is in, and moves everything below it).
    const citedRanges = [...cites.values()].filter((c) => c.endLine > c.startLine);
    const edited = [...new Set(citedRanges.map((c) => c.file))].filter(() => next() < 0.5).slice(0, EDITED_FILES);
    const editAfter = new Map(edited.map((f) => [f, citedRanges.find((c) => c.file === f)!.startLine]));
    const originals = new Map(edited.map((f) => [f, fs.readFileSync(path.join(corpus, f), 'utf8')]));
    const edit = (f: string, text: string) => {
      const lines = text.split('\n');
      lines.splice(editAfter.get(f)!, 0, '# edited by the citation benchmark');
      return lines.join('\n');
    };
    for (const [f, text] of originals) fs.writeFileSync(path.join(corpus, f), edit(f, text));
    await system.index.indexRepository();
    let summary = { checked: 0, stale: 0 };
    const afterEdits = time(() => (summary = system.checkCitations()));
    // What should be stale: the memories whose cited lines hold the new line (inserted after line `at`).
    const expected = new Set([...cites].filter(([, c]) => {
      const at = editAfter.get(c.file);
      return at !== undefined && c.startLine <= at && at < c.endLine;
    }).map(([id]) => id));
    const marked = new Set(service.list({ stale: true, limit: MEMORIES }).memories.map((m) => m.id));
    const agree = [...expected].filter((id) => marked.has(id)).length;
    for (const [f, text] of originals) fs.writeFileSync(path.join(corpus, f), text);
    await system.index.indexRepository();
    system.checkCitations();

    // reindexFile with and without the check, alternated file by file.
    const withCheck: number[] = [];
    const without: number[] = [];
    for (const [i, [f, text]] of [...originals].entries()) {
      for (const checked of i % 2 ? [true, false] : [false, true]) {
        fs.writeFileSync(path.join(corpus, f), edit(f, text));
        const start = performance.now();
        await (checked ? system.reindexFile(f) : system.index.reindexFile(f));
        (checked ? withCheck : without).push(performance.now() - start);
        fs.writeFileSync(path.join(corpus, f), text);
        await system.reindexFile(f);
      }
    }
    const { files: fileCount, entities: entityCount } = system.index.counts();
    service.close();
    system.close();

    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const out = [
      `## ${new Date().toISOString().slice(0, 10)} — citations — ${os.cpus().length} × ${os.cpus()[0]?.model.trim().split(' ').slice(0, 2).join(' ')}, Node ${process.version}`,
      '',
      `Corpus: ${fileCount} Python files of the standard library (${entityCount} entities); ${MEMORIES} memories, half citing an entity, half up to 10 lines.`,
      '',
      '| Citations | value |',
      '|---|---|',
      `| store a memory with a citation (anchoring included), mean | ${ms(storeMs)} |`,
      `| check every citation, nothing changed (3 runs) | ${unchanged.map(ms).join(' / ')} |`,
      `| check every citation after ${edited.length} cited files were edited | ${ms(afterEdits)}; ${summary.stale} of ${summary.checked} memories stale |`,
      `| stale as expected (the cited lines hold the new line) / expected / marked | ${agree} / ${expected.size} / ${marked.size} |`,
      '',
      `| reindexFile, ${edited.length} cited files, a comment added in cited code | p50 | p95 |`,
      '|---|---|---|',
      `| without the citation check (WorkspaceIndex) | ${ms(percentile(without, 0.5))} | ${ms(percentile(without, 0.95))} |`,
      `| with it (CodeMemorySystem) | ${ms(percentile(withCheck, 0.5))} | ${ms(percentile(withCheck, 0.95))} |`,
      `| **with ÷ without** | **${(percentile(withCheck, 0.5) / percentile(without, 0.5)).toFixed(2)}** | **${(percentile(withCheck, 0.95) / percentile(without, 0.95)).toFixed(2)}** |`,
      '',
    ].join('\n');
    console.log(out);
    recordResults(out);
  } finally {
    fs.rmSync(corpus, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
}

void main();
