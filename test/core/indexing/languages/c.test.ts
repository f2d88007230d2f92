import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('c: functions, structs, typedefs, enums and unions; no prototypes or macros', async () => {
  const extraction = await extractFixture('languages', 'c', 'sample.c');
  assert.deepEqual(entityLines(extraction), [
    'struct entry 10-17',
    'struct entry::meta 14-16',
    'struct StoreConfig 20-23',
    'struct Node 25-27',
    'enum status 29-29',
    'enum LogLevel 31-31',
    'struct number 33-36',
    'function hash_key 42-48',
    'function copy_key 51-54',
    'function store_put 56-62',
    'function list_keys 64-67',
    'function main 69-74',
  ]);
  assert.deepEqual(extraction.imports, ['stdio.h', 'stdlib.h', 'store.h']);
  assert.equal(extraction.hasErrors, false);
});

test('c: calls are attributed to the enclosing function', async () => {
  const extraction = await extractFixture('languages', 'c', 'sample.c');
  assert.deepEqual(callMap(extraction), {
    copy_key: ['malloc', 'strcpy', 'strlen'],
    store_put: ['SQUARE', 'copy_key', 'hash_key', 'log'],
    list_keys: ['store_size'],
    main: ['printf', 'store_put', 'store_size'],
  });
});

test('c: doc comments and signatures', async () => {
  const { entities } = await extractFixture('languages', 'c', 'sample.c');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('entry')?.doc, 'A stored pair.');
  assert.equal(byName.get('entry::meta')?.doc, 'When it was written.');
  assert.equal(byName.get('StoreConfig')?.doc, 'Store configuration.');
  assert.equal(byName.get('hash_key')?.doc, 'Hashes a key\nwith djb2.');
  assert.equal(byName.get('hash_key')?.signature, 'static unsigned long hash_key(const char *key)');
  assert.equal(byName.get('copy_key')?.doc, 'Duplicates a key; the caller frees it.');
  assert.equal(byName.get('copy_key')?.signature, 'char *copy_key(const char *key)');
  assert.equal(byName.get('list_keys')?.signature, 'static const char **list_keys(struct store *s, int *count)');
  assert.equal(byName.get('Node')?.signature, 'struct node');
  assert.equal(byName.get('store_put')?.doc, '');
});
