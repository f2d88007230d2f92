import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { ModelServer } from '../modelServer';
import { damageTablePage, noMemories, tempDir, writeTree } from '../helpers';
import { CLI, cleanEnv, cli, cliAsync } from './run';

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

test('cli: index, then search --json keeps the documented keys first, with their meaning', () => {
  const root = workspace();
  const db = path.join(tempDir(), 'idx.db');
  const index = cli(['index', root, '--db', db, '--exclude', '*/tests/*']);
  assert.equal(index.code, 0, index.stderr);
  assert.match(index.stdout, /2 indexed, 0 unchanged, 0 removed, 0 skipped, 1 excluded/);
  assert.match(index.stdout, /code: {5}2 entities in 2 files, searched as 2 units/);
  assert.match(index.stderr, /parsing 2\/2 files/);

  const search = cli(['search', 'user by id', '--workspace', root, '--db', db, '--json', '--limit', '5']);
  assert.equal(search.code, 0, search.stderr);
  const parsed = JSON.parse(search.stdout) as { results: Record<string, unknown>[]; ranked_by: string };
  assert.equal(Object.keys(parsed)[0], 'results');
  assert.equal(parsed.ranked_by, 'lexical');
  assert.equal(parsed.results.length, 2);
  for (const hit of parsed.results) {
    assert.deepEqual(Object.keys(hit).slice(0, 6), ['file', 'start_line', 'end_line', 'name', 'kind', 'score']);
    assert.equal(typeof hit.score, 'number');
  }
  const ts = parsed.results.find((r) => r.name === 'getUserById')!;
  const pick = (r: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, r[k]]));
  // The unit: the function with its doc comment.
  assert.deepEqual(pick(ts, ['file', 'start_line', 'end_line', 'name', 'kind', 'unit', 'qualified_name']),
    { file: 'src/users.ts', start_line: 1, end_line: 4, name: 'getUserById', kind: 'function', unit: 'entity', qualified_name: 'getUserById' });
  const parts = ts.score_parts as Record<string, number>;
  assert.equal(parts.source, 'lexical');
  assert.ok(parts.base > 0.5 && parts.base < 1, `${parts.base}: most of the question, never all of it`);
  assert.ok(Math.abs(parts.recency_boost - (1 - parts.base) * 0.1) < 0.002, 'the recency boost closes a tenth of the gap');
  assert.ok(Math.abs((ts.score as number) - (parts.base + parts.recency_boost)) < 0.002);
  assert.ok((ts.score as number) < 1);
  assert.match(String(ts.reasoning), /^matched "user", "id"/);

  const human = cli(['search', 'getUserById', '--workspace', root, '--db', db]);
  assert.match(human.stdout, /^ 1\. src\/users\.ts:1-4 {2}function getUserById .*\n.*\n    why: matched "getuserbyid", "get", "user", "id"/);

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
  const files = (JSON.parse(search.stdout).results as { file: string }[]).map((r) => r.file).sort();
  assert.deepEqual(files, ['lib/users.py', 'src/users.ts'], 'the test file ranks far below them and is cut');
  const again = cli(['index', root], { CODE_MEMORY_CACHE_DIR: cache });
  assert.match(again.stdout, /0 indexed, 3 unchanged/);
});

test('cli: control characters in file names and memories are printed escaped, never sent to the terminal', () => {
  const root = tempDir();
  const evil = 'pay\x1b]0;owned\x07\x1b[31mred\u202e.py';
  writeTree(root, { [evil]: 'def settle_invoice_payment(invoice):\n    return invoice.total\n' });
  const db = path.join(tempDir(), 'index.db');
  const index = cli(['index', root, '--db', db]);
  assert.equal(index.code, 0, index.stderr);
  const stored = cli(['remember-debug', '--workspace', root, '--db', db, '--problem', 'settle \x1b[2J payment', '--error', 'E', '--solution', 'S']);
  assert.equal(stored.code, 0, stored.stderr);
  const search = cli(['search', 'settle invoice payment', '--workspace', root, '--db', db]);
  assert.equal(search.code, 0, search.stderr);
  for (const output of [index.stdout, search.stdout]) assert.doesNotMatch(output, /[\x1b\x07\u202e]/);
  assert.match(search.stdout, /pay\\u\{1b\}\]0;owned\\u\{7\}/);
  assert.match(search.stdout, /settle \\u\{1b\}\[2J payment/);
});

test('cli: run in a subfolder of an indexed workspace, commands use that workspace\'s index and say so', () => {
  const root = workspace();
  const cache = tempDir('cm-cache-');
  const env = { CODE_MEMORY_CACHE_DIR: cache };
  assert.equal(cli(['index'], env, undefined, root).code, 0);
  const sub = path.join(root, 'src');
  const search = cli(['search', 'user by id', '--json'], env, undefined, sub);
  assert.equal(search.code, 0, search.stderr);
  assert.ok(JSON.parse(search.stdout).results.some((r: { file: string }) => r.file === 'src/users.ts'));
  assert.match(search.stderr, new RegExp(`using the index of ${fs.realpathSync(root).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal(cli(['index'], env, undefined, sub).code, 0, 'index from the subfolder updates the workspace');
  assert.equal(fs.readdirSync(cache).length, 1, 'no second, partial index');
});

test('cli: memories survive a damaged database through the copy kept beside it', () => {
  const root = workspace();
  const db = path.join(tempDir(), 'index.db');
  assert.equal(cli(['index', root, '--db', db]).code, 0);
  for (const problem of ['login loops after token refresh', 'report export times out']) {
    assert.equal(cli(['remember-debug', '--workspace', root, '--db', db, '--problem', problem, '--error', 'E', '--solution', 'S']).code, 0);
  }
  const backup = `${db}.memories.json`;
  assert.equal(fs.statSync(backup).mode & 0o777, 0o600, 'the copy is user-only');
  assert.match(cli(['stats', '--workspace', root, '--db', db]).stdout, new RegExp(`copied to ${backup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  // The database is lost (moved aside after damage); a new one gets the memories back, once.
  fs.renameSync(db, `${db}.damaged`);
  const fresh = path.join(tempDir(), 'fresh.db');
  const imported = cli(['import-memories', backup, '--workspace', root, '--db', fresh]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /Imported 2 of 2 memories/);
  assert.match(cli(['import-memories', backup, '--workspace', root, '--db', fresh]).stdout, /Imported 0 of 2 memories \(2 were already there\)/);
  const found = cli(['search', 'login loops token refresh', '--workspace', root, '--db', fresh, '--json']);
  assert.ok(JSON.parse(found.stdout).results.some((r: { kind: string }) => r.kind === 'debugging'));
  const bad = cli(['import-memories', path.join(root, 'src', 'users.ts'), '--workspace', root, '--db', fresh]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^code-memory: .*users\.ts is not a Code Memory export or backup \(not JSON\)\n$/);
});

test('cli: an index in a folder the user cannot write is still read, with a warning; writing says why it cannot', {
  skip: process.platform === 'win32' || process.getuid?.() !== 0 ? 'needs root to run the CLI as another user' : false,
}, (t) => {
  // As root, file modes do not apply: the CLI runs as nobody, who owns the index but cannot write its folder.
  const reach = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(CLI)})`], { uid: 65534, gid: 65534 });
  if (reach.status !== 0) return t.skip('the CLI is in a folder that user nobody cannot read');
  const base = tempDir();
  const root = path.join(base, 'ws');
  writeTree(root, { 'billing.py': 'def settle_invoice(invoice):\n    return invoice.total\n' });
  const folder = path.join(base, 'cache');
  const db = path.join(folder, 'index.db');
  assert.equal(cli(['index', root, '--db', db]).code, 0);
  execFileSync('chown', ['-R', '65534:65534', base]);
  fs.chmodSync(folder, 0o500);
  const asNobody = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--workspace', root, '--db', db],
    { uid: 65534, gid: 65534, encoding: 'utf8', env: cleanEnv({}) });
  for (const args of [['stats'], ['search', 'settle invoice']]) {
    const run = asNobody(args);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^code-memory: warning: the folder .*cache is not writable: reading a copy of its index/);
  }
  assert.match(asNobody(['search', 'settle invoice']).stdout, /billing\.py/);
  const write = asNobody(['remember-debug', '--problem', 'p', '--error', 'e', '--solution', 's']);
  assert.equal(write.status, 1);
  assert.match(write.stderr, /^code-memory: the folder .*cache is not writable, so its index cannot be used: make it writable \(chmod u\+w\)\n$/);
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

test('cli: a page overwritten with random bytes is found before anything is written, and the file is left as it was', () => {
  const root = workspace();
  const db = path.join(tempDir(), 'idx.db');
  assert.equal(cli(['index', root, '--db', db]).code, 0);
  assert.equal(cli(['remember-debug', '--workspace', root, '--db', db, '--problem', 'p', '--error', 'e', '--solution', 's']).code, 0);
  // As if the last check of every page were more than a day ago: index runs check then.
  damageTablePage(db, 'units', (connection) => connection.prepare("DELETE FROM meta WHERE key = 'pages_checked_at'").run());
  const before = fs.readFileSync(db);
  for (const args of [
    ['remember-debug', '--workspace', root, '--db', db, '--problem', 'q', '--error', 'e', '--solution', 's'],
    ['add-doc', 'Deploys', '--text', 'Deploys run from CI only.', '--workspace', root, '--db', db],
    ['index', root, '--db', db],
  ]) {
    const result = cli(args);
    assert.equal(result.code, 1, `${args[0]}: ${result.stdout}`);
    assert.match(result.stderr, /^code-memory: .*idx\.db is damaged \(.*\); it was left as it is: move it aside \(mv .*\), run `code-memory index` to build it again, and `code-memory import-memories .*idx\.db\.memories\.json` to bring back the memories\n$/);
  }
  assert.ok(fs.readFileSync(db).equals(before), 'the damaged file is byte for byte as it was');
});

test('cli: a damaged page of the memories is found by a memory write on a day the whole file was already checked', () => {
  const root = workspace();
  const db = path.join(tempDir(), 'idx.db');
  assert.equal(cli(['index', root, '--db', db]).code, 0);
  assert.equal(cli(['remember-debug', '--workspace', root, '--db', db, '--problem', 'p', '--error', 'e', '--solution', 's']).code, 0);
  damageTablePage(db, 'memories');
  const before = fs.readFileSync(db);
  const result = cli(['add-doc', 'Deploys', '--text', 'Deploys run from CI only.', '--workspace', root, '--db', db]);
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stderr, /idx\.db is damaged \(.*\); it was left as it is: move it aside/);
  assert.ok(fs.readFileSync(db).equals(before), 'the damaged file is byte for byte as it was');
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

test('cli: remember-debug and add-doc store memories that search and stats then find', () => {
  const root = workspace();
  const db = path.join(tempDir(), 'idx.db');
  assert.equal(cli(['index', root, '--db', db]).code, 0);
  const where = ['--workspace', root, '--db', db];
  const debug = cli(['remember-debug', '--problem', 'Login loops forever', '--error', 'RecursionError: maximum recursion depth',
    '--solution', 'getUserById called itself through the cache; break the cycle', '--file', path.join(root, 'src/users.ts'), ...where]);
  assert.equal(debug.code, 0, debug.stderr);
  assert.match(debug.stdout, /^Stored debugging session mem:1\n$/);
  const docFile = path.join(tempDir(), 'caching.md');
  fs.writeFileSync(docFile, 'The user cache keeps entries for five minutes.');
  assert.match(cli(['add-doc', 'User cache', '--from', docFile, '--category', 'architecture', ...where]).stdout, /^Stored documentation mem:2\n$/);
  assert.match(cli(['add-doc', 'Releases', ...where], {}, 'Releases are cut on Fridays.').stdout, /^Stored documentation mem:3\n$/);

  const found = cli(['search', 'recursion depth in user lookup', ...where, '--json']);
  const results = JSON.parse(found.stdout).results as Record<string, unknown>[];
  const session = results.find((r) => r.id === 'mem:1')!;
  assert.deepEqual(pick(session, ['file', 'start_line', 'kind', 'name']), { file: 'src/users.ts', start_line: null, kind: 'debugging', name: 'Login loops forever' });
  const human = cli(['search', 'how long are users cached', ...where]);
  assert.match(human.stdout, / 1\. \[documentation\] User cache {2}\(score /);
  const stats = cli(['stats', ...where, '--json']);
  assert.deepEqual(JSON.parse(stats.stdout).memories, { ...noMemories(), documentation: 2, debugging: 1 });

  for (const [args, message] of [
    [['remember-debug', '--problem', 'p', ...where], /remember-debug needs --error, --solution/],
    [['add-doc', 'Empty', '--text', '  ', ...where], /add-doc needs some text/],
    [['add-doc', 'Two', '--text', 'a', '--from', docFile, ...where], /--text or --from, not both/],
    [['add-doc', 'Missing', '--from', path.join(root, 'nope.md'), ...where], /cannot read .*nope\.md: ENOENT/],
    [['search', 'x', '--threshold', '2', ...where], /--threshold must be a number from 0 to 1, got '2'/],
    [['search', 'x', '--provider', 'gemini', ...where], /--provider must be openai or anthropic, got 'gemini'/],
    [['search', 'x', '--provider', 'anthropic', ...where], /no API key for anthropic: set ANTHROPIC_API_KEY/],
  ] as const) {
    const result = cli([...args]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.split('\n').length, 2, 'one line');
  }
});

function pick(r: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, r[k]]));
}

test('cli: --file, --error and --accessed fill the context; links and score parts are shown', () => {
  const root = tempDir();
  writeTree(root, {
    'app/auth.py': 'from .users import find_user\n\ndef login(name):\n    return find_user(name)\n',
    'app/users.py': 'def find_user(name):\n    return DB[name]\n\ndef delete_user(name):\n    del DB[name]\n',
  });
  const db = path.join(tempDir(), 'idx.db');
  assert.equal(cli(['index', root, '--db', db]).code, 0);
  const result = cli(['search', 'login fails', '--workspace', root, '--db', db, '--file', 'app/auth.py', '--error', "KeyError: 'bob'", '--accessed', 'app/users.py']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, / 1\. app\/auth\.py:3-4 {2}function login {2}\(score 0\.\d\d = words 0\.\d\d \+ dependency 0\.00 \+ recency 0\.\d\d\)\n.*\n    why: matched "login"; changed/);
  assert.match(result.stdout, /app\/users\.py:1-3 {2}function find_user {2}\(score 0\.\d\d = words 0\.00 \+ dependency 0\.15 \+ recency 0\.09\)\n.*\n    why: no query words matched; called by login in the current file/);
  assert.match(result.stdout, /\nNo code or memory mentions "fails"\.\n/);
  assert.match(result.stdout, /Ranked by matching words \(no model configured\), \d+ candidates\.\n$/);
});

test('cli: a model from the environment scores once; the score cache survives the process', async () => {
  const server = await ModelServer.start((request) => JSON.stringify([...request.prompt.matchAll(/<memory-[0-9a-f]+ id="(m\d+)">/g)]
    .map(([, id]) => ({ id, score: 0.8, reasoning: 'looks relevant' }))));
  try {
    const root = workspace();
    const db = path.join(tempDir(), 'idx.db');
    assert.equal(cli(['index', root, '--db', db]).code, 0);
    // A key in the environment alone does not send code anywhere; choosing a provider does.
    const keyOnly = await cliAsync(['search', 'user by id', '--workspace', root, '--db', db], { OPENAI_API_KEY: 'sk-test-official-key-0123456789' });
    assert.match(keyOnly.stdout, /Ranked by matching words \(no model configured\)/);
    const env = { CODE_MEMORY_PROVIDER: 'openai', OPENAI_BASE_URL: server.openaiURL, OPENAI_API_KEY: 'sk-test-official-key-0123456789' };
    const args = ['search', 'user by id', '--workspace', root, '--db', db];
    const first = await cliAsync(args, env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /\(score 0\.82 = model 0\.80 \+ dependency 0\.00 \+ recency 0\.02\)\n(.*\n)?    why: looks relevant; changed within 7 days/);
    assert.match(first.stdout, /Ranked by openai:gpt-4o-mini@http:\/\/127\.0\.0\.1:\d+\/v1: 1 call, 0 cached scores, 3 candidates\./);
    const second = await cliAsync([...args, '--json'], env);
    const parsed = JSON.parse(second.stdout);
    assert.deepEqual([parsed.ranked_by, parsed.model_calls, parsed.cache_hits], ['model', 0, 3]);
    assert.equal(server.requests.length, 1);
    assert.doesNotMatch(server.requests[0].credential, /official-key/, "OpenAI's key is never sent to another server");
    const lexical = await cliAsync([...args, '--no-model'], env);
    assert.match(lexical.stdout, /Ranked by matching words \(no model configured\)/);
    assert.equal(server.requests.length, 1);

    server.script({ status: 401, message: 'bad key' });
    const refused = await cliAsync(['search', 'user lookup', '--workspace', root, '--db', db], env);
    assert.equal(refused.code, 0, 'a model failure never fails the search');
    assert.match(refused.stderr, /^code-memory: scoring with openai:gpt-4o-mini@\S+ \(at most 20 s\)…\ncode-memory: warning: scoring with openai:gpt-4o-mini@.* failed: .*refused the API key \(401\): bad key; ranked by matching words instead\n$/);
    assert.match(refused.stdout, /= words /);

    server.script({ stall: true });
    const started = performance.now();
    const stalled = await cliAsync(['search', 'user lookup', '--workspace', root, '--db', db, '--scoring-timeout', '1'], env);
    assert.equal(stalled.code, 0, stalled.stderr);
    assert.ok(performance.now() - started < 10_000, 'a server that never answers costs the scoring timeout, not minutes');
    assert.match(stalled.stderr, /at most 1 s[\s\S]*no scores within 1 s \(scoringTimeout\); ranked by matching words instead/);
  } finally {
    await server.close();
  }
});
