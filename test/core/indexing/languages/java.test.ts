import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('java: classes, nested classes, interfaces, enums, records, annotation types and methods', async () => {
  const extraction = await extractFixture('languages', 'java', 'Sample.java');
  assert.deepEqual(entityLines(extraction), [
    'class UserRepository 12-49',
    'method UserRepository.UserRepository 18-20',
    'method UserRepository.find 24-28',
    'method UserRepository.mapAll 30-34',
    'class UserRepository.Entry 37-48',
    'method UserRepository.Entry.touch 40-47',
    // A method of an anonymous class: the class has no name, the method keeps its enclosing method's.
    'method UserRepository.Entry.touch.run 42-44',
    // `T find(String id);` (line 52) is a signature, not an entity.
    'interface Repository 51-57',
    'method Repository.count 54-56',
    'enum Status 59-65',
    'method Status.isActive 62-64',
    'class User 67-76',
    'method User.User 68-70',
    'method User.guest 72-75',
    'interface Audited 78-80',
  ]);
  assert.deepEqual(extraction.imports, [
    'java.util.HashMap',
    'java.util.Map',
    'java.util.function.Function',
    'java.util.concurrent',
    'java.util.Objects.requireNonNull',
  ]);
  assert.equal(extraction.hasErrors, false);
});

test('java: calls, constructor calls and method references are attributed to the innermost definition', async () => {
  const extraction = await extractFixture('languages', 'java', 'Sample.java');
  assert.deepEqual(callMap(extraction), {
    // The field initializer `new HashMap<>()` belongs to the class itself.
    UserRepository: ['HashMap'],
    'UserRepository.UserRepository': ['clear'],
    'UserRepository.find': ['get', 'requireNonNull'],
    // Calls inside the lambda belong to mapAll; `User::touch` is a method reference.
    'UserRepository.mapAll': ['apply', 'first', 'forEach', 'info', 'touch', 'values'],
    'UserRepository.Entry.touch': ['Runnable', 'newSingleThreadExecutor', 'submit'],
    'UserRepository.Entry.touch.run': ['println', 'valueOf'],
    'Repository.count': ['size'],
    'User.User': ['requireNonNull'],
    'User.guest': ['Entry', 'User'],
  });
});

test('java: javadoc, line comments and signatures', async () => {
  const { entities } = await extractFixture('languages', 'java', 'Sample.java');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('UserRepository')?.doc, 'A repository of users, keyed by id.');
  assert.equal(
    byName.get('UserRepository')?.signature,
    '@Service @SuppressWarnings("unchecked") public class UserRepository<T extends User> implements Repository<T>',
  );
  assert.equal(byName.get('UserRepository.UserRepository')?.doc, 'Creates an empty repository.');
  assert.equal(byName.get('UserRepository.find')?.doc, 'Finds one user by id.\nNever returns a stale entry.');
  assert.equal(byName.get('UserRepository.find')?.signature, '@Override public T find(String id)');
  assert.equal(byName.get('UserRepository.mapAll')?.signature, 'public <R> R mapAll(Function<T, R> mapper)');
  assert.equal(byName.get('UserRepository.Entry')?.doc, 'A cached entry.');
  assert.equal(byName.get('User')?.signature, 'record User(String id, String name)');
  assert.equal(byName.get('Status.isActive')?.doc, '');
});
