import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { admits, type BrowsedMemory, conflictsAmong, describeBrowseFilter, groupMemories, parseBrowseFilter } from '../../../src/core/memories/browse';

let next = 1;
function memory(fields: Partial<BrowsedMemory>): BrowsedMemory {
  const id = `mem:${next++}`;
  return {
    id, scope: 'workspace', kind: 'note', title: id, content: `content of ${id}`, tags: [], citations: [], source: 'user',
    created: '2026-11-01T00:00:00.000Z', updated: '2026-11-01T00:00:00.000Z', useCount: 0, ...fields,
  };
}

test('browse filter: one line of words and key:value terms, and back', () => {
  const parsed = parseBrowseFilter('  kind:debugging tag:Billing rounding is:conflicting scope:personal cents ');
  assert.ok('filter' in parsed);
  assert.deepEqual(parsed.filter, { kinds: ['debugging'], tags: ['billing'], text: 'rounding cents', conflicting: true, scope: 'personal' });
  assert.equal(describeBrowseFilter(parsed.filter), 'kind:debugging tag:billing scope:personal is:conflicting rounding cents');
  assert.deepEqual(parseBrowseFilter(''), { filter: {} });
  assert.match((parseBrowseFilter('kind:rumour') as { problem: string }).problem, /^kind:rumour is not a kind; kinds: documentation, debugging, note/);
  assert.match((parseBrowseFilter('scope:team') as { problem: string }).problem, /scope:personal or scope:workspace/);
  assert.match((parseBrowseFilter('tag:') as { problem: string }).problem, /^tag: needs a value/);
  assert.match((parseBrowseFilter('is:old') as { problem: string }).problem, /say is:conflicting or is:stale/);
  const stale = parseBrowseFilter('is:stale billing');
  assert.deepEqual(stale, { filter: { stale: true, text: 'billing' } });
  assert.equal(describeBrowseFilter((stale as { filter: object }).filter), 'is:stale billing');
  const none = new Map<string, string[]>();
  assert.ok(admits({ stale: true }, memory({ content: 'billing', stale: 'compute_total changed since' }), none));
  assert.ok(!admits({ stale: true }, memory({ content: 'billing' }), none));
});

test('browse: memories citing the same code with other words are conflicting; the same words, other code, other folders or a whole file are not', () => {
  const a = memory({ citations: [{ file: 'src/billing.py', startLine: 10, endLine: 20 }], content: 'Totals round half up.' });
  const b = memory({ citations: [{ file: 'src/billing.py', startLine: 18, endLine: 30 }], content: 'Totals are truncated.' });
  const c = memory({ citations: [{ file: 'src/billing.py', startLine: 40, endLine: 50 }], content: 'Tax is added last.' });
  const d = memory({ citations: [{ entity: 'Invoice.total' }], content: 'Sums the lines.' });
  const e = memory({ citations: [{ entity: 'Invoice.total' }], content: 'Sums the lines.' });
  const f = memory({ citations: [{ file: 'src/billing.py', startLine: 1, endLine: 99 }], content: 'Billing rules.', folder: 'other' });
  const g = memory({ citations: [{ file: 'src/billing.py' }], content: 'Written with billing.py open.' });
  const conflicts = conflictsAmong([a, b, c, d, e, f, g]);
  assert.deepEqual(Object.fromEntries(conflicts), { [`\0${a.id}`]: [b.id], [`\0${b.id}`]: [a.id] });
  assert.ok(admits({ conflicting: true }, a, conflicts));
  assert.ok(!admits({ conflicting: true }, c, conflicts));
});

test('browse: filters by kind, tag, scope and every word, anywhere in title, text, tags or origin', () => {
  const m = memory({ kind: 'debugging', title: 'Off by a cent', content: 'Round once at the end.', tags: ['billing', 'money'], scope: 'personal' });
  const none = new Map<string, string[]>();
  assert.ok(admits({}, m, none));
  assert.ok(admits({ kinds: ['debugging', 'note'], tags: ['money'], scope: 'personal', text: 'CENT end' }, m, none));
  assert.ok(!admits({ kinds: ['note'] }, m, none));
  assert.ok(!admits({ tags: ['money', 'tax'] }, m, none));
  assert.ok(!admits({ scope: 'workspace' }, m, none));
  assert.ok(!admits({ text: 'cent tax' }, m, none));
  assert.ok(admits({ text: 'money' }, m, none), 'tags are searched too');
});

test('browse: groups by kind in the table order with counts, then by tag or by cited file, newest first', () => {
  const older = memory({ kind: 'debugging', tags: ['billing'], updated: '2026-11-02T00:00:00.000Z', citations: [{ file: 'src/a.py' }] });
  const newer = memory({ kind: 'debugging', tags: ['billing', 'auth'], updated: '2026-11-03T00:00:00.000Z', citations: [{ entity: 'login', file: 'src/b.py' }] });
  const loose = memory({ kind: 'debugging' });
  const doc = memory({ kind: 'documentation', title: 'README' });
  const byTag = groupMemories([older, newer, loose, doc], 'tag');
  assert.deepEqual(byTag.map((g) => [g.key, g.label, g.count]), [['kind:documentation', 'Documentation', 1], ['kind:debugging', 'Debugging session', 3]]);
  const debugging = byTag[1];
  assert.deepEqual(debugging.groups.map((g) => [g.label, g.count, g.memories.map((m) => m.id)]), [
    ['#auth', 1, [newer.id]], ['#billing', 2, [newer.id, older.id]],
  ]);
  assert.deepEqual(debugging.memories.map((m) => m.id), [loose.id], 'untagged memories sit under the kind');
  const byFile = groupMemories([older, newer, loose], 'file');
  assert.deepEqual(byFile[0].groups.map((g) => [g.label, g.memories.map((m) => m.id)]), [['src/a.py', [older.id]], ['src/b.py', [newer.id]]]);
  assert.deepEqual(groupMemories([], 'tag'), []);
});
