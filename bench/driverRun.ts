// One driver's run for `npm run bench`'s driver comparison, in a process of its own on Node 24 (node:sqlite needs
// 22.16+; better-sqlite3 there is the build scripts/native.js makes for that Node). Prints one JSON line:
// cold index seconds, reindexFile and retrieval latencies (ms).
//   node driverRun.js <corpus> <better-sqlite3|node:sqlite> [native binding]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeMemorySystem } from '../src/core/codeMemorySystem';
import type { SqliteDriverName } from '../src/core/store/driver';
import { splitIdentifier } from '../src/core/text/identifiers';
import { editInMiddle } from './measure';

const SAMPLES = 100;
const MAX_LINES = 2000;

async function main(): Promise<void> {
  const [corpus, name, nativeBinding] = process.argv.slice(2);
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-memory-driver-'));
  const system = CodeMemorySystem.open(corpus, { dbPath: path.join(dbDir, 'index.db'), driver: { name: name as SqliteDriverName, nativeBinding } });
  try {
    const cold = await system.index.indexRepository();
    // As the main table's reindexFile row: files of at most 2,000 lines.
    const rows = (system.index.database.prepare(`SELECT f.path, e.name FROM entities e JOIN files f ON f.id = e.file_id
      WHERE e.kind IN ('function', 'method') ORDER BY e.id`).all() as { path: string; name: string }[])
      .filter((row, i) => i % 97 === 0 && fs.readFileSync(path.join(corpus, row.path), 'utf8').split('\n').length <= MAX_LINES);
    const step = Math.max(1, Math.floor(rows.length / SAMPLES));
    const sample = rows.filter((_, i) => i % step === 0).slice(0, SAMPLES);
    /** A blank line inserted in the middle, reindexed (timed), then the file put back. */
    const timedEdit = async (relative: string): Promise<number> => {
      const absolute = path.join(corpus, relative);
      const text = fs.readFileSync(absolute, 'utf8');
      fs.writeFileSync(absolute, editInMiddle(text));
      const start = performance.now();
      await system.index.reindexFile(relative);
      const elapsed = performance.now() - start;
      fs.writeFileSync(absolute, text);
      await system.index.reindexFile(relative);
      return elapsed;
    };
    // The first save in a language loads its grammar: not what this compares.
    const byExtension = new Map(sample.map((row) => [path.extname(row.path), row.path]));
    for (const relative of byExtension.values()) await timedEdit(relative);
    const reindexMs: number[] = [];
    for (const { path: relative } of sample) reindexMs.push(await timedEdit(relative));
    const retrieveMs: number[] = [];
    for (const [i, { name: entity }] of sample.entries()) {
      const words = splitIdentifier(entity).join(' ');
      const start = performance.now();
      await system.retrieve({ userQuery: `where is ${words} handled`, currentFile: sample[(i * 37) % sample.length].path });
      retrieveMs.push(performance.now() - start);
    }
    console.log(JSON.stringify({ coldSeconds: cold.seconds, reindexMs, retrieveMs }));
  } finally {
    system.close();
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
