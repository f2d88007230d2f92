import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { walkWorkspace } from '../../../src/core/indexing/walker';
import { tempDir, writeTree } from '../../helpers';

function walkedPaths(root: string, options = {}): string[] {
  return walkWorkspace(root, options).files.map((f) => f.path);
}

test('walk: nested .gitignore files with negation, deeper rules win', () => {
  const root = tempDir();
  writeTree(root, {
    '.gitignore': 'generated/\n*.gen.py\nlogs\n',
    'app/main.py': 'x = 1\n',
    'app/out.gen.py': 'x = 1\n',
    'generated/models.py': 'x = 1\n',
    'lib/.gitignore': '!keep.gen.py\nsecret_*.py\n',
    'lib/keep.gen.py': 'x = 1\n',
    'lib/drop.gen.py': 'x = 1\n',
    'lib/secret_keys.py': 'x = 1\n',
    'lib/util.py': 'x = 1\n',
    'logs/debug.py': 'x = 1\n',
    'other/secret_ok.py': 'x = 1\n',
  });
  assert.deepEqual(walkedPaths(root), ['app/main.py', 'lib/keep.gen.py', 'lib/util.py', 'other/secret_ok.py']);
  assert.equal(walkedPaths(root, { gitignore: false }).length, 9);
});

test('walk: default excludes (dependencies, build output, caches, minified, lock files)', () => {
  const root = tempDir();
  writeTree(root, {
    'src/index.ts': 'export const a = 1;\n',
    'node_modules/pkg/index.js': 'module.exports = 1;\n',
    'dist/index.js': 'x\n',
    'build/x.py': 'x\n',
    'out/x.js': 'x\n',
    'target/debug/x.rs': 'fn a() {}\n',
    'vendor/lib.go': 'package lib\n',
    'pkg/__pycache__/x.py': 'x\n',
    '.venv/lib/site.py': 'x\n',
    '.git/hooks/x.py': 'x\n',
    'web/app.min.js': 'x\n',
    'package-lock.json': '{}\n',
    'README.md': '# readme\n',
  });
  assert.deepEqual(walkedPaths(root), ['src/index.ts']);
});

test('walk: user globs match at any depth and cover whole folders', () => {
  const root = tempDir();
  writeTree(root, {
    'src/app.py': 'x\n',
    'src/tests/test_app.py': 'x\n',
    'src/pkg/tests/deep/test_x.py': 'x\n',
    'tests/top.py': 'x\n',
    'src/fixtures_data.py': 'x\n',
    'scripts/gen.js': 'x\n',
  });
  assert.deepEqual(walkedPaths(root, { exclude: ['*/tests/*'] }), [
    'scripts/gen.js', 'src/app.py', 'src/fixtures_data.py', 'tests/top.py',
  ]);
  assert.deepEqual(walkedPaths(root, { exclude: ['tests', '*.js'] }), ['src/app.py', 'src/fixtures_data.py']);
  assert.deepEqual(walkedPaths(root, { exclude: ['/tests'] }), [
    'scripts/gen.js', 'src/app.py', 'src/fixtures_data.py', 'src/pkg/tests/deep/test_x.py', 'src/tests/test_app.py',
  ]);
});

test('walk: oversized files are reported, not listed; non-recursive stays at the top', () => {
  const root = tempDir();
  writeTree(root, {
    'big.py': 'x = 1\n'.repeat(50_000),
    'small.py': 'x = 1\n',
    'sub/inner.py': 'x = 1\n',
  });
  const result = walkWorkspace(root, { maxFileBytes: 100_000 });
  assert.deepEqual(result.files.map((f) => f.path), ['small.py', 'sub/inner.py']);
  assert.deepEqual(result.skipped, [{ path: 'big.py', reason: 'too-large', detail: '300000 bytes' }]);
  assert.deepEqual(walkedPaths(root, { recursive: false, maxFileBytes: 100_000 }), ['small.py']);
});
