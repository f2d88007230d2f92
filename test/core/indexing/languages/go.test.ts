import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('go: functions, methods on value and pointer receivers, structs, interfaces, generics', async () => {
  const extraction = await extractFixture('languages', 'go', 'sample.go');
  assert.deepEqual(entityLines(extraction), [
    'struct Repo 17-19',
    'interface Finder 22-24',
    'struct Event 31-33',
    'interface Listener 34-34',
    'struct Stack 38-40',
    'function NewRepo 43-45',
    'method Repo.Find 48-54',
    'method Repo.Count 56-56',
    'method Stack.Push 58-60',
    'function Map 63-69',
    'function Describe 71-78',
  ]);
  assert.deepEqual(extraction.imports, ['errors', 'fmt', 'strings', 'example.com/app/models']);
  assert.equal(extraction.hasErrors, false);
});

test('go: calls, including package-qualified, method and generic calls', async () => {
  const extraction = await extractFixture('languages', 'go', 'sample.go');
  assert.deepEqual(callMap(extraction), {
    NewRepo: ['make'],
    'Repo.Find': ['Errorf'],
    'Repo.Count': ['len'],
    'Stack.Push': ['append'],
    Map: ['append', 'f', 'len', 'make'],
    Describe: ['Error', 'Find', 'Map', 'Name', 'NewRepo', 'ToUpper'],
  });
});

test('go: doc comments and signatures', async () => {
  const { entities } = await extractFixture('languages', 'go', 'sample.go');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('Repo')?.doc, 'Repo stores users by id.');
  assert.equal(byName.get('Repo')?.signature, 'type Repo struct {');
  assert.equal(byName.get('Event')?.doc, 'Event records a change.');
  assert.equal(byName.get('Listener')?.doc, '');
  assert.equal(byName.get('Stack')?.signature, 'type Stack[T any] struct {');
  assert.equal(byName.get('Repo.Find')?.doc, 'Find returns the user with the id.');
  assert.equal(byName.get('Repo.Find')?.signature, 'func (r *Repo) Find(id int) (*models.User, error)');
  assert.equal(byName.get('Stack.Push')?.signature, 'func (s *Stack[T]) Push(v T)');
  assert.equal(byName.get('Map')?.signature, 'func Map[T, U any](items []T, f func(T) U) []U');
  assert.equal(byName.get('Describe')?.doc, '');
});
