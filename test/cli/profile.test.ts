import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers';
import { cli } from './run';

test('cli profile: load, show, status, pause and resume, clear and undo — on the file every front end reads', () => {
  const data = tempDir('cm-data-');
  const env = { CODE_MEMORY_DATA_DIR: data };
  assert.equal(cli(['profile', 'path'], env).stdout, `${path.join(data, 'profile.md')}\n`);
  assert.match(cli(['profile', 'show'], env).stdout, /^The profile is empty/);
  assert.equal(fs.existsSync(path.join(data, 'profile.db')), false, 'reading creates nothing');

  const source = path.join(tempDir(), 'me.md');
  fs.writeFileSync(source, '# User Profile\n\n## Role\n- Data engineer\n');
  assert.match(cli(['profile', 'load', source], env).stdout, /^Loaded the profile from /);
  assert.equal(cli(['profile', 'show'], env).stdout, '# User Profile\n\n## Role\n- Data engineer\n');
  assert.equal(fs.statSync(path.join(data, 'profile.md')).mode & 0o777, 0o600);
  assert.match(cli(['profile', 'status'], env).stdout, /Learning: on\nChanged: .*\(loaded\)\nUndo: +1 earlier versions/);

  assert.match(cli(['profile', 'pause'], env).stdout, /^Learning paused/);
  assert.match(cli(['profile', 'status'], env).stdout, /Learning: paused/);
  cli(['profile', 'resume'], env);
  assert.match(cli(['profile', 'status'], env).stdout, /Learning: on/);

  cli(['profile', 'clear'], env);
  assert.match(cli(['profile', 'show'], env).stdout, /^The profile is empty/);
  assert.equal(cli(['profile', 'undo'], env).code, 0);
  assert.equal(cli(['profile', 'show'], env).stdout, '# User Profile\n\n## Role\n- Data engineer\n');

  const bad = cli(['profile', 'load', path.join(data, 'missing.md')], env);
  assert.deepEqual([bad.code, bad.stderr.split('\n').length], [2, 2]);
  assert.match(bad.stderr, /^code-memory: cannot read .*missing\.md: ENOENT/);
  assert.equal(cli(['profile', 'frobnicate'], env).code, 2);
});
