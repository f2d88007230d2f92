import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { sections } from '../../../src/core/memories/knowledgeFiles';
import { MemoryService } from '../../../src/core/memories/memoryService';
import { shareWithTeam, teamNote } from '../../../src/core/memories/sharing';
import { tempDir, writeTree } from '../../helpers';

const AGENTS = [
  '# Agent guide', '', 'Read this first.', '',
  '## Testing', '', 'Run `npm test`; the database tests need a real SQLite file.', '',
  '## Releases', '', 'Releases are cut from main on Tuesdays.', '```sh', '# not a heading', 'npm run release', '```', '',
].join('\n');
const NOTE = ['---', 'title: Invoice rounding', 'kind: project_knowledge', 'tags: [billing]', 'cites: ["src/billing.py:1-2", "compute_total"]', '---', '',
  'Invoice totals are rounded half up to cents when the invoice is sent.', ''].join('\n');

async function workspace(): Promise<{ root: string; system: CodeMemorySystem; service: MemoryService }> {
  const root = tempDir();
  writeTree(root, {
    'src/billing.py': 'def compute_total(lines):\n    return round(sum(lines), 2)\n',
    'AGENTS.md': AGENTS,
    '.github/copilot-instructions.md': 'Prefer small pure functions.\n',
    '.cursor/rules/style.mdc': '# Style\n\nUse snake_case in Python.\n',
    'memory-bank/progress.md': '# Progress\n\nThe export feature is half done.\n',
    'docs/other.md': '# Not an instruction file\n\nIgnored.\n',
    '.code-memory/notes/invoice-rounding.md': NOTE,
    '.code-memory/notes/broken.md': '---\nkind: rumour\n---\n\nText.\n',
    '.code-memory/notes/bad-yaml.md': '---\ntitle: [unclosed\n---\n\nText.\n',
  });
  const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  return { root, system, service: new MemoryService(system, false) };
}

test('knowledge files: markdown splits at headings outside code fences, the preamble kept', () => {
  assert.deepEqual(sections(AGENTS).map((s) => [s.heading, s.startLine, s.endLine]),
    [['Agent guide', 1, 4], ['Testing', 5, 8], ['Releases', 9, 16]]);
  assert.deepEqual(sections('Intro line.\n\n# Only a heading\n').map((s) => s.heading), ['']);
});

test('knowledge files: instruction files and team notes become labelled memories, and a question finds the right section', async () => {
  const { system, service } = await workspace();
  const summary = await system.indexRepository();
  assert.deepEqual(summary.knowledge?.problems.sort(), [
    '.code-memory/notes/bad-yaml.md: the front matter is not valid YAML (line 2)',
    '.code-memory/notes/broken.md: kind must be one of documentation, debugging, note, user_preference, conversation_context, project_knowledge, code_snippet, solution, general',
  ]);
  const memories = service.list({ limit: 100 }).memories;
  assert.deepEqual(memories.map((m) => m.title).sort(), [
    '.cursor/rules/style.mdc › Style', '.github/copilot-instructions.md', 'AGENTS.md › Agent guide', 'AGENTS.md › Releases', 'AGENTS.md › Testing',
    'Invoice rounding', 'memory-bank/progress.md › Progress',
  ]);
  const testing = memories.find((m) => m.title === 'AGENTS.md › Testing')!;
  assert.deepEqual([testing.kind, testing.source, testing.origin, testing.citations], ['documentation', 'instructions', 'AGENTS.md', [{ file: 'AGENTS.md', startLine: 5, endLine: 8 }]]);
  const note = memories.find((m) => m.title === 'Invoice rounding')!;
  assert.deepEqual([note.kind, note.source, note.tags, note.citations], ['project_knowledge', 'team', ['billing'],
    [{ file: 'src/billing.py', startLine: 1, endLine: 2 }, { entity: 'compute_total' }]]);
  const found = await service.search({ userQuery: 'how do I run the tests' }, { kinds: ['documentation'] });
  assert.equal(found.results[0]?.memoryId, testing.id);
  assert.throws(() => service.update(testing.id, { content: 'x' }), /comes from AGENTS\.md: edit that file to change it/);
  assert.throws(() => service.delete(note.id), /comes from \.code-memory\/notes\/invoice-rounding\.md/);
  // The seed's engine API refuses the same: a file's memories change only with the file.
  assert.throws(() => system.forgetMemory(note.id), /comes from \.code-memory\/notes\/invoice-rounding\.md/);
  assert.throws(() => system.deleteMemory(testing.id), /comes from AGENTS\.md/);
  assert.throws(() => system.updateMemory(testing.id, { text: 'x' }), /comes from AGENTS\.md/);
  assert.throws(() => service.deleteUnchanged([note]), /comes from \.code-memory/);
  assert.ok(service.get(note.id) && service.get(testing.id));
  assert.deepEqual(service.cleanup({ maxMemories: 0 }), [], 'cleanup never touches files people keep');
  system.close();
});

test('knowledge files: a full index of unchanged files writes nothing, and leaves the memory copy untouched', async () => {
  const { system } = await workspace();
  await system.indexRepository();
  const backup = system.memoryBackupFile!;
  const copy = fs.readFileSync(backup, 'utf8');
  const aMinuteAgo = new Date(Math.floor(fs.statSync(backup).mtimeMs) - 60_000);
  fs.utimesSync(backup, aMinuteAgo, aMinuteAgo);
  const summary = await system.indexRepository();
  assert.deepEqual([summary.knowledge?.added, summary.knowledge?.removed], [0, 0]);
  assert.equal(Math.round(fs.statSync(backup).mtimeMs), aMinuteAgo.getTime(), 'the copy was not rewritten');
  assert.equal(fs.readFileSync(backup, 'utf8'), copy);
  system.close();
});

test('knowledge files: an edit replaces only the sections that changed; a deleted file takes its memories along', async () => {
  const { root, system, service } = await workspace();
  await system.indexRepository();
  const ids = () => new Map(service.list({ source: 'instructions', limit: 100 }).memories.map((m) => [m.title, m.id]));
  const before = ids();
  fs.writeFileSync(path.join(root, 'AGENTS.md'), AGENTS.replace('on Tuesdays', 'on Thursdays'));
  assert.equal((await system.reindexFile(path.join(root, 'AGENTS.md'))).status, 'indexed');
  const after = ids();
  assert.equal(after.get('AGENTS.md › Testing'), before.get('AGENTS.md › Testing'), 'an unchanged section keeps its memory');
  assert.notEqual(after.get('AGENTS.md › Releases'), before.get('AGENTS.md › Releases'));
  assert.match(service.get(after.get('AGENTS.md › Releases')!)!.content, /Thursdays/);
  fs.writeFileSync(path.join(root, 'AGENTS.md'), AGENTS.replace('Read this first.', 'Read this first. Staging key: API_KEY=sk-live-abcdefghijklmnopqrstuvwx'));
  await system.reindexFile('AGENTS.md');
  const withSecret = ids().get('AGENTS.md › Agent guide');
  assert.doesNotMatch(service.get(withSecret!)!.content, /sk-live/, 'a secret in an instruction file is not stored');
  assert.deepEqual((await system.indexRepository()).knowledge?.added, 0, 'a section with a secret is not replaced by every sync');
  assert.equal(ids().get('AGENTS.md › Agent guide'), withSecret);
  fs.rmSync(path.join(root, 'AGENTS.md'));
  assert.equal((await system.reindexFile('AGENTS.md')).status, 'removed');
  assert.deepEqual([...ids().keys()].filter((t) => t.startsWith('AGENTS.md')), []);
  system.close();
});

test('team notes: "share with team" shows the file first, writes it (secrets redacted, never over another file), and the memory becomes the note', async () => {
  const { root, system, service } = await workspace();
  const { memory } = service.store({ kind: 'solution', title: 'CORS fix', content: 'Allow the dashboard origin. Token: ghp_' + 'a'.repeat(36),
    tags: ['http'], citations: [{ file: 'src/billing.py', startLine: 1, endLine: 2 }], source: 'user' });
  const note = teamNote(service, memory.id)!;
  assert.equal(note.file, '.code-memory/notes/cors-fix.md');
  assert.equal(note.text, '---\ntitle: CORS fix\nkind: solution\ntags:\n  - http\ncites:\n  - src/billing.py:1-2\n---\n\nAllow the dashboard origin. Token: [redacted GitHub token]\n');
  assert.equal(fs.existsSync(path.join(root, note.file)), false, 'nothing is written before the user agrees');
  const shared = shareWithTeam(service, memory.id, note);
  assert.deepEqual(shared.map((m) => [m.title, m.kind, m.source, m.tags]), [['CORS fix', 'solution', 'team', ['http']]]);
  assert.equal(service.get(memory.id), undefined, 'the memory is now the note');
  assert.equal(fs.readFileSync(path.join(root, note.file), 'utf8'), note.text);
  const other = service.store({ kind: 'note', title: 'CORS fix', content: 'Another note with the same title.', source: 'user' }).memory;
  assert.equal(teamNote(service, other.id)!.file, '.code-memory/notes/cors-fix-2.md', 'an existing note is never overwritten');
  assert.throws(() => shareWithTeam(service, other.id, note), /cors-fix\.md exists already: nothing was written/);
  assert.ok(service.get(other.id), 'a memory whose note was not written is kept');
  assert.throws(() => shareWithTeam(service, other.id, { file: '.code-memory/notes/x.md', text: '---\nkind: rumour\n---\nx' }), /kind must be one of/);
  assert.throws(() => shareWithTeam(service, other.id, { file: 'src/x.md', text: 'x' }), /not in the team notes folder/);
  system.close();
});
