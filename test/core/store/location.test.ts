import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheRoot, defaultDatabasePath } from '../../../src/core/store/location';
import { tempDir } from '../../helpers';

function withEnv(values: Record<string, string | undefined>, body: () => void): void {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const set = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  set(values);
  try {
    body();
  } finally {
    set(saved);
  }
}

test('location: an empty or relative XDG_CACHE_HOME is ignored, never a folder inside the workspace', { skip: process.platform !== 'linux' }, () => {
  const fallback = path.join(os.homedir(), '.cache', 'code-memory');
  for (const value of ['', 'relative/cache', '.']) {
    withEnv({ XDG_CACHE_HOME: value, CODE_MEMORY_CACHE_DIR: undefined }, () => {
      assert.equal(cacheRoot(), fallback, JSON.stringify(value));
      const workspace = tempDir();
      assert.ok(!defaultDatabasePath(workspace).startsWith(workspace), 'the index is not inside the workspace');
    });
  }
  withEnv({ XDG_CACHE_HOME: '/var/cache/me', CODE_MEMORY_CACHE_DIR: undefined }, () => {
    assert.equal(cacheRoot(), '/var/cache/me/code-memory');
  });
});

test('location: CODE_MEMORY_CACHE_DIR wins, resolved to an absolute folder; empty means unset', () => {
  withEnv({ CODE_MEMORY_CACHE_DIR: 'rel/dir' }, () => assert.equal(cacheRoot(), path.resolve('rel/dir')));
  withEnv({ CODE_MEMORY_CACHE_DIR: '', XDG_CACHE_HOME: '/x' }, () => assert.ok(path.isAbsolute(cacheRoot())));
});
