// `npm run test:node-sqlite`: the core and CLI tests again, on Node 24 (the one `npm run test:vscode` uses,
// installed into .vscode-test/ if missing) with node:sqlite as the SQLite driver, as VS Code's extension hosts
// use it. `npm test` runs the same files on the Node that ran npm ci, with better-sqlite3.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureNode, REPO_ROOT } from './extension/runner/setup';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

const { node } = ensureNode((message) => console.log(`[test:node-sqlite] ${message}`));
const result = spawnSync(node, ['--test', '--test-reporter=spec', ...testFiles(path.join(REPO_ROOT, 'out', 'test'))], {
  stdio: 'inherit',
  // The Node running this script has better-sqlite3: drivers.test.ts writes with one and reads with the other.
  env: { ...process.env, CODE_MEMORY_SQLITE: 'node:sqlite', CODE_MEMORY_OTHER_NODE: process.execPath },
});
process.exit(result.status ?? 1);
