import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { MemoryService } from '../../../src/core/memories/memoryService';
import { InputError } from '../../../src/core/workspaceIndex';
import { tempDir, writeTree } from '../../helpers';

const BILLING = 'def compute_invoice_total(invoice):\n    """Sum the invoice lines."""\n    return round(sum(invoice.lines), 2)\n';
const AUTH = 'def validate_token(token):\n    """Check a signed token."""\n    return token.user\n';

async function service(): Promise<{ root: string; memory: MemoryService; personalDb: string }> {
  const root = tempDir();
  writeTree(root, { 'src/billing.py': BILLING, 'src/auth.py': AUTH });
  const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await system.indexRepository();
  const personalDb = path.join(tempDir(), 'personal.db');
  return { root, memory: new MemoryService(system, personalDb), personalDb };
}

test('memory service: typed memories with tags, citations and source; preferences go to the personal store', async () => {
  const { root, memory, personalDb } = await service();
  const stored = memory.store({
    kind: 'project_knowledge', title: 'Invoice rounding', content: 'Invoice totals are rounded to cents only when sent.',
    tags: ['Billing', '#money', 'billing'], citations: [{ file: path.join(root, 'src/billing.py'), startLine: 1, endLine: 3 }], source: 'mcp:claude-code',
  });
  assert.equal(stored.created, true);
  assert.deepEqual(stored.similar, []);
  const m = stored.memory;
  assert.match(m.id, /^mem:\d+$/);
  assert.deepEqual([m.scope, m.kind, m.tags, m.citations, m.source, m.useCount],
    ['workspace', 'project_knowledge', ['billing', 'money'], [{ file: 'src/billing.py', startLine: 1, endLine: 3 }], 'mcp:claude-code', 0]);
  assert.equal(fs.existsSync(personalDb), false, 'no personal store until a personal memory exists');

  const preference = memory.store({ kind: 'user_preference', content: 'Prefers early returns over nested ifs.', source: 'agent' }).memory;
  assert.match(preference.id, /^personal:\d+$/);
  assert.equal(preference.title, 'Prefers early returns over nested ifs.', 'a memory without a title is titled by its first line');
  assert.equal(fs.existsSync(personalDb), true);
  assert.deepEqual(memory.get(preference.id)?.content, 'Prefers early returns over nested ifs.');

  const listed = memory.list();
  assert.deepEqual(listed.memories.map((v) => v.id).sort(), [m.id, preference.id].sort(), 'both scopes are listed together');
  memory.close();
});

test('memory service: bad input is an InputError that says what is wrong, and nothing is written', async () => {
  const { memory } = await service();
  const cases: [Parameters<MemoryService['store']>[0], RegExp][] = [
    [{ kind: 'opinion' as never, content: 'x', source: 'user' }, /kind must be one of documentation, debugging, note/],
    [{ content: '   ', source: 'user' }, /needs some content/],
    [{ content: 'x', citations: [{ file: 'a.py', startLine: 9, endLine: 3 }], source: 'user' }, /endLine \(3\) is before its startLine \(9\)/],
    [{ content: 'x', citations: [{ line: 3 }], source: 'user' }, /needs a file or an entity/],
    [{ content: 'x', tags: 'billing' as never, source: 'user' }, /tags must be a list/],
    [{ content: 'x'.repeat(20_001), source: 'user' }, /at most 20000 characters/],
  ];
  for (const [input, message] of cases) assert.throws(() => memory.store(input), (e: Error) => e instanceof InputError && message.test(e.message));
  assert.equal(memory.list().total, 0);
  assert.throws(() => memory.get('code:3'), /is code/);
  assert.throws(() => memory.get('12'), /expected mem:<number> or personal:<number>/);
  memory.close();
});

test('memory service: an exact repeat is not stored twice; a near repeat and a different statement about the same code come back as similar', async () => {
  const { memory } = await service();
  const first = memory.store({ kind: 'note', content: 'Invoice totals are rounded to cents only when the invoice is sent.', citations: [{ file: 'src/billing.py' }], source: 'user' });
  const again = memory.store({ kind: 'note', content: 'Invoice totals are rounded to cents only when the invoice is sent.', citations: [{ file: 'src/billing.py' }], source: 'chat' });
  assert.deepEqual([again.created, again.memory.id], [false, first.memory.id]);

  const near = memory.store({ kind: 'note', content: 'Invoice totals are rounded to cents only once the invoice is sent out.', source: 'user' });
  assert.equal(near.created, true);
  assert.deepEqual(near.similar.map((s) => [s.memory.id, s.reason]), [[first.memory.id, 'near-duplicate']]);

  const other = memory.store({ kind: 'note', content: 'Totals keep full precision; the PDF renderer formats them.', citations: [{ file: 'src/billing.py', startLine: 2, endLine: 3 }], source: 'user' });
  assert.deepEqual(other.similar.map((s) => [s.memory.id, s.reason]), [[first.memory.id, 'same-code']],
    'a memory citing the same code with other words may contradict it');
  const unrelated = memory.store({ kind: 'note', content: 'Tokens expire after an hour.', citations: [{ file: 'src/auth.py' }], source: 'user' });
  assert.deepEqual(unrelated.similar, []);
  memory.close();
});

test('memory service: listing filters by kind, tag, file, source and date, pages, and ranks by text', async () => {
  const { memory } = await service();
  const a = memory.store({ kind: 'solution', content: 'Fix the CORS error by allowing the dashboard origin.', tags: ['http'], source: 'mcp:cursor' }).memory;
  const b = memory.store({ kind: 'note', content: 'Invoices are rounded when sent.', tags: ['billing', 'money'], citations: [{ entity: 'compute_invoice_total', file: 'src/billing.py' }], source: 'chat' }).memory;
  const c = memory.store({ kind: 'note', content: 'Token checks happen in middleware.', tags: ['auth'], citations: [{ file: 'src/auth.py', startLine: 1 }], source: 'user' }).memory;
  const ids = (options: Parameters<MemoryService['list']>[0]) => memory.list(options).memories.map((m) => m.id);
  assert.deepEqual(ids({ kinds: ['note'] }).sort(), [b.id, c.id].sort());
  assert.deepEqual(ids({ tags: ['billing', 'money'] }), [b.id]);
  assert.deepEqual(ids({ tags: ['billing', 'http'] }), []);
  assert.deepEqual(ids({ file: 'src/auth.py' }), [c.id]);
  assert.deepEqual(ids({ file: 'src/billing.py' }), [b.id], 'an entity citation with a file counts for the file');
  assert.deepEqual(ids({ source: 'mcp' }), [a.id]);
  assert.deepEqual(ids({ source: 'chat' }), [b.id]);
  assert.deepEqual(ids({ since: Date.now() + 60_000 }), []);
  assert.deepEqual(ids({ until: Date.now() + 60_000 }).length, 3);
  assert.deepEqual(ids({ text: 'cors origin' })[0], a.id);
  const page = memory.list({ limit: 2, offset: 2 });
  assert.deepEqual([page.total, page.memories.length, page.offset], [3, 1, 2]);
  memory.close();
});

test('memory service: search ranks memories with code, labels scopes, and counts each use', async () => {
  const { memory } = await service();
  const note = memory.store({ kind: 'project_knowledge', content: 'Invoice totals are rounded to cents only when sent.', tags: ['billing'], source: 'user' }).memory;
  memory.store({ kind: 'user_preference', content: 'Explain invoice rounding with a worked example.', source: 'user' });
  const found = await memory.search({ userQuery: 'how are invoice totals rounded' });
  const scopes = new Set(found.results.map((r) => r.scope));
  assert.ok(scopes.has('code') && scopes.has('workspace') && scopes.has('personal'), `code and both scopes come back: ${[...scopes]}`);
  assert.ok(found.results.some((r) => r.memoryId === note.id));
  assert.ok(found.results.some((r) => r.file === 'src/billing.py' && r.kind === 'code'));
  const used = memory.get(note.id)!;
  assert.equal(used.useCount, 1, 'retrieval counted the use');
  assert.ok(used.lastUsed && Date.parse(used.lastUsed) <= Date.now());
  const onlyCode = await memory.search({ userQuery: 'how are invoice totals rounded' }, { kinds: ['code'] });
  assert.ok(onlyCode.results.length && onlyCode.results.every((r) => r.kind === 'code'));
  const tagged = await memory.search({ userQuery: 'how are invoice totals rounded' }, { tags: ['billing'] });
  assert.deepEqual(tagged.results.map((r) => r.memoryId), [note.id]);
  memory.close();
});

test('memory service: a filtered search is filtered before the cut, so many better matches of other kinds do not crowd it out', async () => {
  const { memory } = await service();
  for (let i = 0; i < 40; i++) {
    memory.store({ kind: 'note', content: `Invoice totals rounding note ${i}: invoice totals are rounded, invoice rounding ${i}.`, source: 'user' });
  }
  const wanted = memory.store({ kind: 'debugging', content: 'Invoice totals were off by a cent.', tags: ['money'], source: 'user' }).memory;
  const question = { userQuery: 'invoice totals rounding' };
  const unfiltered = await memory.search(question);
  assert.ok(!unfiltered.results.some((r) => r.memoryId === wanted.id), 'without a filter the notes outrank it');
  assert.deepEqual((await memory.search(question, { kinds: ['debugging'] })).results.map((r) => r.memoryId), [wanted.id]);
  assert.deepEqual((await memory.search(question, { tags: ['money'] })).results.map((r) => r.memoryId), [wanted.id]);
  assert.deepEqual((await memory.search(question, { tags: ['#Money'] })).results.map((r) => r.memoryId), [wanted.id], 'tags as they are stored');
  assert.deepEqual(memory.list({ tags: ['#MONEY'] }).memories.map((m) => m.id), [wanted.id]);
  const many = await memory.search(question, { kinds: ['note'], limit: 30 });
  assert.equal(many.results.length, 30, 'a limit above maxMemories (15) is honoured');
  assert.ok(many.results.every((r) => r.kind === 'note'));
  memory.close();
});

test('memory service: export then import into an empty store is lossless; bad records are reported by index; modes', async () => {
  const { memory } = await service();
  memory.store({ kind: 'solution', title: 'CORS', content: 'Allow the dashboard origin.', tags: ['http'], citations: [{ entity: 'cors.allow' }], source: 'mcp:cursor' });
  memory.store({ kind: 'user_preference', content: 'Prefers tabs.', source: 'user' });
  await memory.search({ userQuery: 'dashboard origin' });
  const exported = memory.export();
  assert.equal(exported.memories.length, 2);

  const { memory: empty } = await service();
  const report = empty.import(JSON.parse(JSON.stringify(exported)));
  assert.deepEqual(report, { added: 2, replaced: 0, skipped: 0, invalid: [] });
  const strip = (views: ReturnType<MemoryService['list']>['memories']) => views.map(({ id: _, ...rest }) => rest)
    .sort((x, y) => x.title.localeCompare(y.title));
  assert.deepEqual(strip(empty.list().memories), strip(memory.list().memories), 'every field but the id survives');

  const again = empty.import(exported);
  assert.deepEqual([again.added, again.skipped], [0, 2], 'skip-duplicates by default');
  assert.deepEqual(empty.import(exported, 'keep-both').added, 2);
  assert.deepEqual(empty.import(exported, 'overwrite').replaced, 2);

  const bad = empty.import({ version: 2, memories: [{ kind: 'note', title: '', text: 'Good one.', source: 'team' }, { kind: 'rumour', title: '', text: 'x' }, 'x',
    { kind: 'note', title: 't', text: 'y', citations: [{ file: 'a.py', startLine: 0 }] }, { kind: 'note', title: 'long', text: 'x'.repeat(20_001) }] });
  assert.deepEqual(bad.added, 1);
  assert.deepEqual(bad.invalid.map((i) => i.index), [1, 2, 3, 4]);
  assert.equal(empty.list({ text: 'good one' }).memories[0].source, 'import', 'nothing imported passes for a team note');
  assert.match(bad.invalid[0].reason, /kind must be one of/);
  assert.match(bad.invalid[2].reason, /startLine is a line number/);
  assert.throws(() => empty.import({ memories: [] }), /not a Code Memory export or backup/);
  memory.close();
  empty.close();
});

test('memory service: a debugging session with a long first line gets a short title; an update keeps fields it was not given', async () => {
  const { memory } = await service();
  const long = `Checkout hangs ${'when the cart holds many items '.repeat(10)}`;
  const session = memory.recordDebugSession({ problem: long, error: 'TimeoutError', solution: 'Page the cart query.', source: 'user' }).memory;
  assert.ok(session.title.length <= 80 && long.startsWith(session.title.slice(0, 40)), session.title);
  const note = memory.store({ kind: 'note', content: 'Deploys need approval.', tags: ['ops'], source: 'user' }).memory;
  memory.update(note.id, { content: 'Deploys need two approvals.' });
  assert.deepEqual([memory.get(note.id)?.content, memory.get(note.id)?.tags], ['Deploys need two approvals.', ['ops']]);
  memory.close();
});

test('memory service: cleanup previews, then deletes only what is unchanged since the preview, in one go', async () => {
  const { memory, personalDb } = await service();
  const keep = memory.store({ kind: 'note', content: 'Invoices are rounded when sent to the customer.', source: 'user' }).memory;
  const near = memory.store({ kind: 'note', content: 'Invoices are rounded when they are sent to the customer.', source: 'user' }).memory;
  const edited = memory.store({ kind: 'note', content: 'Tokens are checked in the middleware of the api.', source: 'user' }).memory;
  memory.store({ kind: 'note', content: 'Tokens are checked in the middleware of the api layer.', source: 'user' });
  const preview = memory.cleanup({ duplicates: true });
  assert.equal(preview.length, 2, JSON.stringify(preview.map((p) => [p.memory.id, p.reason])));
  assert.equal(memory.list().total, 4, 'a preview deletes nothing');
  const planned = preview.map((p) => p.memory);
  const editedPlanned = planned.find((m) => m.id === edited.id) ?? planned.find((m) => m.id !== near.id && m.id !== keep.id)!;
  // Another process edits one of them after the user saw the preview.
  const other = new MemoryService(memory.workspace, personalDb);
  await new Promise((resolve) => setTimeout(resolve, 5));
  other.update(editedPlanned.id, { content: 'Tokens are checked in the middleware, and refreshed there too.' });
  const outcome = memory.deleteUnchanged(planned);
  assert.deepEqual(outcome.changed, [editedPlanned.id]);
  assert.equal(outcome.deleted.length, 1);
  assert.equal(memory.get(editedPlanned.id)?.content, 'Tokens are checked in the middleware, and refreshed there too.');
  assert.equal(memory.get(outcome.deleted[0]), undefined);
  assert.throws(() => memory.deleteUnchanged([{ id: 'code:3', updated: new Date().toISOString() }]), InputError);
  memory.close();
});
