import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { GitRecency } from '../../../src/core/retrieval/gitRecency';
import { tempDir, writeTree } from '../../helpers';

function git(cwd: string, args: string[], daysAgo = 0): void {
  const date = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  execFileSync('git', args, {
    cwd, stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
  });
}

/** A repository whose files all have fresh mtimes, as after a clone, but whose history says otherwise. */
function repository(): string {
  const repo = tempDir();
  writeTree(repo, {
    'app/old.py': 'def settled():\n    return 1\n',
    'app/edited.py': 'def edited():\n    return 1\n',
    'app/recent.py': 'def recent_work():\n    return 2\n',
    'outside.py': 'def elsewhere():\n    return 3\n',
  });
  git(repo, ['init', '-q']);
  git(repo, ['add', 'app/old.py', 'app/edited.py', 'outside.py']);
  git(repo, ['commit', '-qm', 'old'], 40);
  git(repo, ['add', 'app/recent.py']);
  git(repo, ['commit', '-qm', 'recent'], 2);
  writeTree(repo, { 'app/edited.py': 'def edited():\n    return 42\n', 'app/untracked.py': 'def brand_new():\n    return 4\n' });
  return repo;
}

test('git recency: recent commits and uncommitted changes count, a fresh mtime alone does not', async () => {
  const repo = repository();
  const recency = new GitRecency(repo);
  assert.deepEqual([...(await recency.recentFiles(7))!].sort(), ['app/edited.py', 'app/recent.py', 'app/untracked.py']);
  assert.deepEqual([...(await recency.recentFiles(60))!].sort(), ['app/edited.py', 'app/old.py', 'app/recent.py', 'app/untracked.py', 'outside.py']);
  // A workspace inside the repository sees its own files, relative to itself.
  assert.deepEqual([...(await new GitRecency(path.join(repo, 'app')).recentFiles(7))!].sort(), ['edited.py', 'recent.py', 'untracked.py']);
  assert.equal(await new GitRecency(tempDir()).recentFiles(7), undefined, 'not a repository: callers use mtimes');
});

test('git recency: the boost follows history in a repository and mtimes outside one', async () => {
  const repo = repository();
  const system = CodeMemorySystem.open(repo, { dbPath: path.join(tempDir(), 'index.db'), config: { relevanceThreshold: 0 } });
  try {
    await system.indexRepository();
    const results = [];
    for (const query of ['settled', 'edited', 'recent work', 'brand new', 'elsewhere']) results.push(...await system.retrieveRelevantMemories(query));
    const boosted = Object.fromEntries(results.map((m) => [m.metadata.qualifiedName, m.scoreParts.recencyBoost > 0]));
    assert.deepEqual(boosted, { settled: false, edited: true, recent_work: true, brand_new: true, elsewhere: false });
    // Each boost closes a tenth of the gap between the match and 1.
    for (const m of results) assert.ok(Math.abs(m.scoreParts.recencyBoost - (m.scoreParts.recencyBoost && (1 - m.scoreParts.base) * 0.1)) < 1e-9);
  } finally {
    system.close();
  }
  const plain = tempDir();
  writeTree(plain, { 'a.py': 'def settled():\n    return 1\n' });
  const outside = CodeMemorySystem.open(plain, { dbPath: path.join(tempDir(), 'index.db'), config: { relevanceThreshold: 0 } });
  try {
    await outside.indexRepository();
    const [settled] = await outside.retrieveRelevantMemories('settled');
    assert.ok(settled.scoreParts.recencyBoost > 0, 'an hour-old mtime is recent without git');
  } finally {
    outside.close();
  }
});

test('recent changes: the uncommitted diff of the workspace, cut at a line; nothing outside git', async () => {
  const repo = repository();
  const system = CodeMemorySystem.open(path.join(repo, 'app'), { dbPath: path.join(tempDir(), 'index.db') });
  try {
    const diff = await system.recentChanges();
    assert.match(diff!, /^diff --git a\/app\/edited\.py b\/app\/edited\.py/);
    assert.match(diff!, /^\+    return 42$/m);
    const cut = await system.recentChanges(60);
    assert.ok(cut!.length < diff!.length && cut!.endsWith('\n[diff truncated]'), cut);
    assert.ok(diff!.startsWith(cut!.replace('\n[diff truncated]', '')), 'cut at a line boundary');
  } finally {
    system.close();
  }
  const plain = tempDir();
  writeTree(plain, { 'a.py': 'def settled():\n    return 1\n' });
  const outside = CodeMemorySystem.open(plain, { dbPath: path.join(tempDir(), 'index.db') });
  try {
    assert.equal(await outside.recentChanges(), undefined);
  } finally {
    outside.close();
  }
});
