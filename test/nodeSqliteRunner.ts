// `npm run test:node-sqlite`: the core and CLI tests again with node:sqlite as the SQLite driver, as VS Code's
// extension hosts use it, on Node 24 (the one `npm run test:vscode` uses) and on Node 22.18 (VS Code 1.104's),
// installed from npm into .vscode-test/ if missing. `npm test` runs the same files on the Node that ran npm ci,
// with better-sqlite3.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureNode, NODE_VERSION, OLDEST_NODE_VERSION, REPO_ROOT } from './extension/runner/setup';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

/** The Node of the newest VS Code here, and that of the oldest the extension installs into. */
const RUNTIMES = [NODE_VERSION, OLDEST_NODE_VERSION];

let failed = 0;
for (const version of RUNTIMES) {
  const { node } = ensureNode((message) => console.log(`[test:node-sqlite] ${message}`), version);
  console.log(`[test:node-sqlite] Node ${version}, node:sqlite`);
  const result = spawnSync(node, ['--test', '--test-reporter=spec', ...testFiles(path.join(REPO_ROOT, 'out', 'test'))], {
    stdio: 'inherit',
    // The Node running this script has better-sqlite3: drivers.test.ts writes with one and reads with the other.
    env: { ...process.env, CODE_MEMORY_SQLITE: 'node:sqlite', CODE_MEMORY_OTHER_NODE: process.execPath },
  });
  if (result.status !== 0) {
    console.log(`[test:node-sqlite] Node ${version}: FAILED`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
