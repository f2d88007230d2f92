import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, tempDir, writeTree } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CODE_MEMORY_CACHE_DIR: tempDir('cm-cache-'), ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workspace(): string {
  const root = tempDir();
  writeTree(root, {
    'src/users.ts': '/** Loads a user. */\nexport function getUserById(id: number) {\n  return db.get(id);\n}\n',
    'lib/users.py': 'def get_user_by_id(user_id):\n    return None\n',
    'src/tests/users.test.ts': 'function testGetUserById() {}\n',
    'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]),
  });
  return root;
}

test('cli: index, then search --json prints exactly the documented shape', () => {
  const root = workspace();
  const db = path.join(tempDir(), 'idx.db');
  const index = cli(['index', root, '--db', db, '--exclude', '*/tests/*']);
  assert.equal(index.code, 0, index.stderr);
  assert.match(index.stdout, /2 indexed, 0 unchanged, 0 removed, 0 skipped, 1 excluded/);
  assert.match(index.stdout, /entities: 2 in 2 files/);
  assert.match(index.stderr, /parsing 2\/2 files/);

  const search = cli(['search', 'user by id', '--workspace', root, '--db', db, '--json', '--limit', '5']);
  assert.equal(search.code, 0, search.stderr);
  const parsed = JSON.parse(search.stdout) as { results: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(parsed), ['results']);
  assert.equal(parsed.results.length, 2);
  for (const hit of parsed.results) {
    assert.deepEqual(Object.keys(hit), ['file', 'start_line', 'end_line', 'name', 'kind', 'score']);
    assert.equal(typeof hit.score, 'number');
  }
  const ts = parsed.results.find((r) => r.name === 'getUserById');
  assert.deepEqual({ ...ts, score: 0 }, { file: 'src/users.ts', start_line: 2, end_line: 4, name: 'getUserById', kind: 'function', score: 0 });

  const human = cli(['search', 'getUserById', '--workspace', root, '--db', db]);
  assert.match(human.stdout, /src\/users\.ts:2-4 {2}function getUserById/);

  const stats = cli(['stats', '--workspace', root, '--db', db, '--json']);
  const parsedStats = JSON.parse(stats.stdout);
  assert.equal(parsedStats.files, 2);
  assert.equal(parsedStats.entities, 2);
});

test('cli: the default database lives in the cache folder, not in the workspace', () => {
  const root = workspace();
  const cache = tempDir('cm-cache-');
  const before = fs.readdirSync(root).sort();
  assert.equal(cli(['index', root], { CODE_MEMORY_CACHE_DIR: cache }).code, 0);
  assert.deepEqual(fs.readdirSync(root).sort(), before, 'nothing written into the repository');
  const [folder] = fs.readdirSync(cache);
  assert.ok(fs.existsSync(path.join(cache, folder, 'index.db')));
  const search = cli(['search', 'user', '--workspace', root, '--json'], { CODE_MEMORY_CACHE_DIR: cache });
  assert.equal(JSON.parse(search.stdout).results.length, 3, 'all three user functions, the test file included');
  const again = cli(['index', root], { CODE_MEMORY_CACHE_DIR: cache });
  assert.match(again.stdout, /0 indexed, 3 unchanged/);
});

test('cli: bad input gets one clear line and a non-zero exit', () => {
  const root = workspace();
  const missing = cli(['index', path.join(root, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^code-memory: no such directory: .*nope\n$/);

  const unknown = cli(['index', root, '--frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^code-memory: Unknown option '--frobnicate'.*\(see code-memory --help\)\n$/);

  assert.equal(cli(['reticulate']).code, 2);
  assert.equal(cli(['search', 'x', '--limit', 'lots', '--workspace', root]).code, 2);
  assert.match(cli(['index', root, '--max-file-size', 'huge']).stderr, /--max-file-size must look like/);

  const noIndex = cli(['search', 'user', '--workspace', root]);
  assert.equal(noIndex.code, 1);
  assert.match(noIndex.stderr, /^code-memory: no index at .*: run `code-memory index` first\n$/);
});

test('cli: a corrupt database is reported and never overwritten', () => {
  const root = workspace();
  const db = path.join(tempDir(), 'idx.db');
  fs.writeFileSync(db, 'not a database at all');
  for (const args of [['index', root, '--db', db], ['search', 'user', '--workspace', root, '--db', db], ['stats', '--workspace', root, '--db', db]]) {
    const result = cli(args);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^code-memory: .*is not a SQLite database.*untouched\n$/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(fs.readFileSync(db, 'utf8'), 'not a database at all');
});

test('cli: an unreadable database path is one clear line', () => {
  const root = workspace();
  const notAFile = tempDir();
  const result = cli(['stats', '--workspace', root, '--db', notAFile]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^code-memory: cannot read .*EISDIR\n$/);
});

test('cli: no command prints usage on stderr and fails; --help succeeds on stdout', () => {
  const bare = cli([]);
  assert.equal(bare.code, 2);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /^Usage:/);
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage:/);
});
