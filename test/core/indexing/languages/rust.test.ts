import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('rust: items, impl blocks, trait default methods and modules', async () => {
  const extraction = await extractFixture('languages', 'rust', 'sample.rs');
  assert.deepEqual(entityLines(extraction), [
    'struct User 8-12',
    'enum StoreError 15-18',
    'trait Persist 21-29',
    'method Persist::save_checked 25-28',
    'struct Store 31-33',
    'impl Store 35-46',
    'method Store::new 37-39',
    'method Store::get 41-45',
    'impl User 48-54',
    'method User::save 49-53',
    'function validate 56-56',
    'module admin 58-77',
    'function admin::promote 62-64',
    'module admin::tests 66-76',
    'function admin::tests::promotes 70-75',
  ]);
  assert.deepEqual(extraction.imports, [
    'std::collections::HashMap',
    'std::io',
    'crate::db::Pool',
    'serde',
    'super::User',
    'super',
  ]);
  assert.equal(extraction.hasErrors, false);
});

test('rust: plain, method, path and turbofish calls; macros and closures are not calls', async () => {
  const extraction = await extractFixture('languages', 'rust', 'sample.rs');
  assert.deepEqual(callMap(extraction), {
    'Persist::save_checked': ['save', 'validate'],
    'Store::new': ['Store', 'new'],
    'Store::get': ['get'],
    'User::save': ['connect', 'insert', 'map_err', 'to_row'],
    'admin::promote': ['validate'],
    'admin::tests::promotes': ['new', 'parse', 'unwrap'],
  });
});

test('rust: doc comments above attributes, signatures up to the body', async () => {
  const { entities } = await extractFixture('languages', 'rust', 'sample.rs');
  // `User` names both the struct and its impl block: key by kind too.
  const byName = new Map(entities.map((e) => [e.kind === 'impl' ? `impl ${e.qualifiedName}` : e.qualifiedName, e]));
  assert.equal(byName.get('User')?.kind, 'struct');
  assert.equal(byName.get('User')?.doc, 'A user record.');
  assert.equal(byName.get('User')?.signature, "pub struct User<'a>");
  assert.equal(byName.get('Persist')?.doc, 'Something that can be saved.');
  assert.equal(byName.get('Persist::save_checked')?.doc, '');
  assert.equal(byName.get('admin::promote')?.doc, 'Promotes a user.');
  assert.equal(byName.get('Store')?.signature, 'pub struct Store<T: Clone>');
  assert.equal(byName.get('impl User')?.signature, "impl<'a> Persist for User<'a>");
  assert.equal(byName.get('Store::new')?.doc, 'Creates an empty store.');
  assert.equal(byName.get('Store::get')?.signature, "pub fn get<'b>(&'b self, id: u64) -> Option<&'b T>");
  assert.equal(byName.get('admin::tests::promotes')?.signature, 'fn promotes()');
});
