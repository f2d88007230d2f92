import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { indexableText, pathWords, splitIdentifier } from '../../../src/core/text/identifiers';
import { indexedWorkspace } from '../../helpers';

test('identifiers: camelCase, snake_case, acronyms and digits split into words', () => {
  assert.deepEqual(splitIdentifier('getUserById'), ['get', 'user', 'by', 'id']);
  assert.deepEqual(splitIdentifier('get_user_by_id'), ['get', 'user', 'by', 'id']);
  assert.deepEqual(splitIdentifier('HTTPResponse'), ['http', 'response']);
  assert.deepEqual(splitIdentifier('parseHTTPHeaders2Fast'), ['parse', 'http', 'headers', '2', 'fast']);
  assert.deepEqual(splitIdentifier('__init__'), ['init']);
  // Function words and single characters are left out: no query searches for them.
  assert.equal(indexableText('getUserById(id)'), 'getuserbyid get user id id');
  assert.equal(indexableText('for (let i = 0; i < n; i++) the_total += x'), 'the_total total');
  assert.equal(pathWords('src/core/userStore.ts'), 'src core userstore user store ts');
});

test('search: "user by id" finds getUserById and get_user_by_id', async () => {
  const index = await indexedWorkspace({
    'api/users.ts': 'export function getUserById(id: number) { return db.find(id); }\nexport function listOrders() {}\n',
    'legacy/users.py': 'def get_user_by_id(user_id):\n    return None\n\ndef remove_order(o):\n    pass\n',
    'web/Users.java': 'class Users { User getUserByID(long id) { return null; } void audit() {} }\n',
  });
  const hits = index.search('user by id');
  // The Java class is small enough to be one unit: its hit is the class that holds getUserByID.
  assert.deepEqual(hits.slice(0, 3).map((h) => `${h.file} ${h.entity?.name}`).sort(),
    ['api/users.ts getUserById', 'legacy/users.py get_user_by_id', 'web/Users.java Users']);
  const ts = hits.find((h) => h.entity?.name === 'getUserById')!;
  assert.deepEqual({ file: ts.file, startLine: ts.startLine, endLine: ts.endLine, kind: ts.kind, entityKind: ts.entity?.kind },
    { file: 'api/users.ts', startLine: 1, endLine: 1, kind: 'entity', entityKind: 'function' });
  assert.ok(hits.every((h) => h.score > 0));
  index.close();
});

test('search: name matches outrank mentions; limit, empty and hostile queries', async () => {
  const index = await indexedWorkspace({
    'billing.py': [
      'def compute_invoice_total(invoice):',
      '    """Sum the lines."""',
      '    return sum(invoice.lines)',
      '',
      'def send_reminder(invoice):',
      '    """Email a reminder about an unpaid invoice total."""',
      '    pass',
    ].join('\n'),
    'paths/invoice_total_report.py': 'def render():\n    pass\n',
  });
  const names = index.search('invoice total').map((h) => h.entity?.name);
  assert.equal(names[0], 'compute_invoice_total');
  assert.deepEqual(names.slice(1).sort(), ['render', 'send_reminder']);
  assert.equal(index.search('invoice total', { limit: 1 }).length, 1);
  assert.deepEqual(index.search(''), []);
  assert.deepEqual(index.search('   ?!  '), []);
  assert.deepEqual(index.search('"unbalanced OR NEAR( * ^'), []);
  assert.deepEqual(index.search('invoice" OR "x').map((h) => h.entity?.name).slice(0, 1), ['compute_invoice_total']);
  index.close();
});

test('search: when not every word matches, the selective words still find results', async () => {
  const index = await indexedWorkspace({
    'net.ts': 'export function openSocket(host: string) {}\nexport function closeSocket() {}\n',
    'fs.ts': 'export function readConfig(path: string) {}\n',
  });
  const hits = index.search('open the socket with retries');
  assert.equal(hits[0]?.entity?.name, 'openSocket');
  index.close();
});
