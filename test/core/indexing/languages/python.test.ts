import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('python: entities with nesting, decorators and methods', async () => {
  const extraction = await extractFixture('languages', 'python', 'sample.py');
  assert.deepEqual(entityLines(extraction), [
    'function get_user_by_id 7-9',
    'class UserCache 13-28',
    'class UserCache.Entry 17-19',
    'method UserCache.Entry.touch 18-19',
    'method UserCache.create 21-23',
    'method UserCache.fetch 25-28',
    'function UserCache.fetch.on_miss 26-27',
    'function generic 31-32',
  ]);
  assert.deepEqual(extraction.imports, ['os', '.models', 'collections.abc']);
  assert.equal(extraction.hasErrors, false);
});

test('python: calls are attributed to the innermost definition', async () => {
  const extraction = await extractFixture('languages', 'python', 'sample.py');
  assert.deepEqual(callMap(extraction), {
    get_user_by_id: ['load'],
    'UserCache.Entry.touch': ['getmtime'],
    'UserCache.create': ['UserCache'],
    'UserCache.fetch': ['lookup', 'on_miss'],
    'UserCache.fetch.on_miss': ['get_user_by_id'],
    generic: ['first'],
  });
});

test('python: docstrings and signatures', async () => {
  const { entities } = await extractFixture('languages', 'python', 'sample.py');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('get_user_by_id')?.doc, 'Load one user by id.');
  assert.equal(byName.get('get_user_by_id')?.signature, 'def get_user_by_id(user_id: int) -> "User":');
  assert.equal(byName.get('UserCache')?.doc, 'A cache of users.');
  assert.equal(byName.get('UserCache')?.signature, 'class UserCache(Base):');
  assert.equal(byName.get('UserCache.fetch')?.signature, 'async def fetch(self, user_id):');
});
