import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir, writeTree } from '../helpers';
import { cli } from './run';

function workspace(): { root: string; at: string[]; env: Record<string, string> } {
  const root = tempDir();
  writeTree(root, { 'src/billing.py': 'def compute_invoice_total(invoice):\n    return round(sum(invoice.lines), 2)\n' });
  const at = ['--workspace', root, '--db', path.join(tempDir(), 'index.db')];
  return { root, at, env: { CODE_MEMORY_DATA_DIR: tempDir('cm-data-') } };
}

test('cli memories: add, list with filters, show, update and delete', () => {
  const { at, env } = workspace();
  const added = cli(['memories', 'add', 'Invoice totals are rounded to cents only when sent.', '--kind', 'project_knowledge',
    '--tag', 'billing', '--cite', 'src/billing.py:1-2', '--title', 'Invoice rounding', ...at], env);
  assert.equal(added.code, 0, added.stderr);
  const id = /Stored (mem:\d+)/.exec(added.stdout)?.[1];
  assert.ok(id, added.stdout);
  const pref = cli(['memories', 'add', 'Prefers early returns.', '--kind', 'user_preference', ...at], env);
  assert.match(pref.stdout, /Stored personal:\d+/);
  assert.equal(cli(['memories', 'add', 'x', '--kind', 'rumour', ...at], env).code, 2);

  const listed = cli(['memories', 'list', '--json', ...at], env);
  assert.equal(JSON.parse(listed.stdout).total, 2);
  const billing = JSON.parse(cli(['memories', 'list', '--tag', 'billing', '--json', ...at], env).stdout);
  assert.deepEqual(billing.memories.map((m: { id: string }) => m.id), [id]);
  assert.deepEqual(billing.memories[0].citations, [{ file: 'src/billing.py', startLine: 1, endLine: 2 }]);
  assert.equal(JSON.parse(cli(['memories', 'list', '--scope', 'personal', '--json', ...at], env).stdout).total, 1);
  assert.equal(JSON.parse(cli(['memories', 'list', '--since', '1d', '--kind', 'note', '--json', ...at], env).stdout).total, 0);
  const lines = cli(['memories', 'list', ...at], env).stdout.split('\n');
  assert.match(lines[0], /^personal:\d+ +user_preference +Prefers early returns\. \(updated \d{4}-\d\d-\d\d, used 0×\)$/, 'newest first');
  assert.match(lines[1], /^mem:\d+ +project_knowledge +Invoice rounding \[billing\]/);
  assert.equal(lines[2], '1–2 of 2 memories');

  const shown = cli(['memories', 'show', id!, ...at], env);
  assert.match(shown.stdout, /Project knowledge \(workspace\) \[billing\]\nTitle: Invoice rounding\nCites: src\/billing\.py:1-2\nSource: user/);
  const updated = cli(['memories', 'update', id!, '--text', 'Invoice totals are rounded half up when sent.', '--tag', 'money', ...at], env);
  assert.match(updated.stdout, new RegExp(`Updated ${id}`));
  assert.deepEqual(JSON.parse(cli(['memories', 'show', id!, '--json', ...at], env).stdout).tags, ['money']);
  assert.match(cli(['memories', 'delete', id!, ...at], env).stdout, new RegExp(`Deleted ${id}: Invoice rounding`));
  const gone = cli(['memories', 'show', id!, ...at], env);
  assert.deepEqual([gone.code, gone.stderr], [2, `code-memory: there is no memory ${id} (see code-memory --help)\n`]);
});

test('cli: export then import into an empty workspace round-trips; invalid records are reported by index', () => {
  const first = workspace();
  cli(['memories', 'add', 'Deploy from main only.', '--kind', 'project_knowledge', '--tag', 'deploy', ...first.at], first.env);
  cli(['memories', 'add', 'Prefers tabs.', '--kind', 'user_preference', ...first.at], first.env);
  const file = path.join(tempDir(), 'memories.json');
  assert.equal(cli(['export', file, ...first.at], first.env).code, 0);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the export is readable by the user only');

  const second = workspace();
  const imported = cli(['import', file, ...second.at], second.env);
  assert.deepEqual([imported.code, imported.stdout], [0, 'Imported 2 new, replaced 0, skipped 0 already stored\n']);
  const strip = (out: string) => (JSON.parse(out) as { memories: Record<string, unknown>[] }).memories
    .map(({ id: _, ...rest }) => rest).sort((a, b) => String(a.title).localeCompare(String(b.title)));
  assert.deepEqual(strip(cli(['export', ...second.at], second.env).stdout), strip(cli(['export', ...first.at], first.env).stdout));
  assert.match(cli(['import', file, ...second.at], second.env).stdout, /skipped 2 already stored/);

  fs.writeFileSync(file, JSON.stringify({ version: 2, memories: [{ kind: 'note', title: '', text: 'Fine.' }, { kind: 'note', title: 3, text: 'x' }] }));
  const partial = cli(['import', file, ...second.at], second.env);
  assert.equal(partial.code, 1);
  assert.equal(partial.stderr, 'code-memory: warning: record 1 not imported: title must be a string\n');
  assert.match(partial.stdout, /Imported 1 new.*1 invalid/);
  fs.writeFileSync(file, '{"memories": 3}');
  assert.match(cli(['import', file, ...second.at], second.env).stderr, /is not a Code Memory export or backup/);
});

test('cli cleanup: a preview by default, then --apply removes duplicates and old unused memories', () => {
  const { at, env } = workspace();
  const file = path.join(tempDir(), 'old.json');
  for (const text of ['Deploy from main only.', 'Deploy from main only.', 'Deploy from the main branch only.', 'Tokens expire after an hour.']) {
    fs.writeFileSync(file, JSON.stringify({ version: 2, memories: [{ kind: 'note', title: '', text, updatedAt: Date.parse('2020-01-01') }] }));
    assert.equal(cli(['import', file, ...at], env).code, 0);
  }
  assert.equal(JSON.parse(cli(['memories', 'list', '--json', ...at], env).stdout).total, 3, 'the exact repeat was skipped on import');
  assert.equal(cli(['cleanup', ...at], env).code, 2, 'a rule is required');
  const preview = cli(['cleanup', '--older-than', '365', '--json', ...at], env);
  assert.equal(JSON.parse(preview.stdout).removed.length, 3);
  assert.equal(JSON.parse(cli(['memories', 'list', '--json', ...at], env).stdout).total, 3, 'a preview removes nothing');
  const dedupe = cli(['cleanup', '--duplicates', '--apply', ...at], env);
  assert.match(dedupe.stdout, /near duplicate of mem:\d+\nRemoved 1 memories\n$/);
  assert.equal(JSON.parse(cli(['memories', 'list', '--json', ...at], env).stdout).total, 2);
});

test('cli index: team notes come from the folder the workspace\'s VS Code setting names, or from --team-notes-folder', () => {
  const { root, at, env } = workspace();
  const note = (title: string) => `---\ntitle: ${title}\nkind: note\n---\n${title} is how the team does it.\n`;
  writeTree(root, {
    '.vscode/settings.json': '{\n  // the team keeps notes with the docs\n  "codeMemory.teamNotesFolder": "docs/notes/",\n}\n',
    'docs/notes/release.md': note('Releasing'),
    '.code-memory/notes/review.md': note('Reviewing'),
  });
  const db = at.slice(2);
  const titles = () => (JSON.parse(cli(['memories', 'list', '--source', 'team', '--json', ...at], env).stdout).memories as { title: string }[])
    .map((m) => m.title).sort();
  assert.equal(cli(['index', root, ...db], env).code, 0);
  assert.deepEqual(titles(), ['Releasing'], 'the setting in .vscode/settings.json (JSON with comments) names the folder');
  assert.equal(cli(['index', root, '--team-notes-folder', '.code-memory/notes', ...db], env).code, 0);
  assert.deepEqual(titles(), ['Releasing', 'Reviewing'], 'the flag wins; notes of another folder are left alone');
  const outside = cli(['index', root, '--team-notes-folder', '../elsewhere', ...db], env);
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /--team-notes-folder must be a folder inside the workspace, got '\.\.\/elsewhere'/);
});

test('cli memories: add-doc and remember-debug cite code; after the cited code changes, index marks them and list --stale shows why', () => {
  const { root, at, env } = workspace();
  assert.equal(cli(['index', root, '--db', at[3]], env).code, 0);
  const doc = cli(['add-doc', 'Invoice totals', '--text', 'Totals are rounded to cents.', '--cite', 'compute_invoice_total', ...at], env);
  assert.equal(doc.code, 0, doc.stderr);
  const debug = cli(['remember-debug', '--problem', 'totals off by a cent', '--error', 'AssertionError', '--solution', 'round at the end',
    '--cite', 'src/billing.py:1-2', ...at], env);
  assert.equal(debug.code, 0, debug.stderr);
  assert.equal(JSON.parse(cli(['memories', 'list', '--stale', '--json', ...at], env).stdout).total, 0);

  fs.writeFileSync(path.join(root, 'src/billing.py'), 'def compute_invoice_total(invoice):\n    return round(sum(invoice.lines) * 1.2, 2)\n');
  const indexed = cli(['index', root, '--db', at[3]], env);
  assert.match(indexed.stdout, /2 memories cite code that changed since they were written: code-memory memories list --stale/);
  const stale = JSON.parse(cli(['memories', 'list', '--stale', '--json', ...at], env).stdout);
  assert.deepEqual(stale.memories.map((m: { kind: string; stale: string }) => [m.kind, m.stale]).sort(), [
    ['debugging', 'src/billing.py:1-2 changed since'], ['documentation', 'compute_invoice_total changed since']]);
  assert.match(cli(['memories', 'list', '--stale', ...at], env).stdout, /Invoice totals \(updated .*\) — stale: compute_invoice_total changed since/);
});
