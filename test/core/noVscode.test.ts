import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

test('src/core imports nothing from vscode (source scan)', () => {
  const offenders = sourceFiles(path.join(REPO_ROOT, 'src', 'core')).filter((file) =>
    /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(fs.readFileSync(file, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(REPO_ROOT, f)), []);
});

test('src/core loads in a process where vscode cannot be required', () => {
  const compiledCore = path.join(__dirname, '..', '..', 'src', 'core');
  // Worker entries (…Worker.ts) need a parent thread; everything they import is loaded through the other modules.
  const modules = sourceFiles(path.join(REPO_ROOT, 'src', 'core')).filter((f) => !f.endsWith('Worker.ts')).map((file) =>
    path.join(compiledCore, path.relative(path.join(REPO_ROOT, 'src', 'core'), file)).replace(/\.ts$/, '.js'));
  const script = `
    const Module = require('module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (request === 'vscode') throw new Error('src/core required vscode');
      return load.call(this, request, ...rest);
    };
    for (const m of ${JSON.stringify(modules)}) require(m);
    console.log('loaded ' + ${modules.length});
  `;
  const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.match(output, new RegExp(`loaded ${modules.length}`));
});
