import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('php: interfaces, traits, enums, classes, functions and methods under a namespace statement', async () => {
  const extraction = await extractFixture('languages', 'php', 'sample.php');
  assert.deepEqual(entityLines(extraction), [
    // `namespace App\Models;` encloses nothing in the tree: it scopes the top-level declarations after it.
    // The signature `public function touch(): void;` (line 19) is not an entity.
    'interface App\\Models::Timestamped 17-20',
    'trait App\\Models::HasTimestamps 22-28',
    'method App\\Models::HasTimestamps::touch 24-27',
    'enum App\\Models::Role 30-38',
    'method App\\Models::Role::label 34-37',
    // Starts at its first attribute; the docblock above is its doc.
    'class App\\Models::User 45-63',
    'method App\\Models::User::__construct 51-54',
    'method App\\Models::User::find 57-62',
    'function App\\Models::make_guest 65-75',
    // A method of an anonymous class keeps its enclosing function's name.
    'method App\\Models::make_guest::handle 69-72',
  ]);
  assert.deepEqual(extraction.imports, [
    'App\\Contracts\\Repository',
    // A group use names its common prefix.
    'App\\Support',
    'App\\Support\\format_name',
    '/bootstrap.php',
    'helpers.php',
  ]);
  assert.equal(extraction.hasErrors, false);
});

test('php: calls, static calls and constructor calls are attributed to the innermost definition', async () => {
  const extraction = await extractFixture('languages', 'php', 'sample.php');
  assert.deepEqual(callMap(extraction), {
    'App\\Models::HasTimestamps::touch': ['DateTimeImmutable'],
    'App\\Models::Role::label': ['ucfirst'],
    'App\\Models::User::__construct': ['__construct'],
    // The arrow function's calls belong to find; `$key($id)` names no function.
    'App\\Models::User::find': ['first', 'key', 'query', 'trim', 'where'],
    // `new class {}` names no class.
    'App\\Models::make_guest': ['User', 'format_name', 'from', 'info'],
    'App\\Models::make_guest::handle': ['notify'],
  });
});

test('php: docblocks, comments and signatures', async () => {
  const { entities } = await extractFixture('languages', 'php', 'sample.php');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('App\\Models::Timestamped')?.doc, 'Something with timestamps.');
  assert.equal(byName.get('App\\Models::User')?.doc, 'A user of the store.\n\n@template T of Role');
  assert.equal(
    byName.get('App\\Models::User')?.signature,
    "#[Entity] #[Table(name: 'users')] final class User extends Model implements Repository, Timestamped",
  );
  assert.equal(byName.get('App\\Models::User::find')?.doc, 'Finds one user by id.');
  assert.equal(
    byName.get('App\\Models::User::find')?.signature,
    '#[Pure] public static function find(string $id): ?static',
  );
  assert.equal(byName.get('App\\Models::Role')?.signature, 'enum Role: string');
  assert.equal(byName.get('App\\Models::make_guest')?.signature, 'function make_guest(): User');
  assert.equal(byName.get('App\\Models::HasTimestamps')?.doc, '');
});

test('php: braced namespaces enclose their declarations', async () => {
  const extraction = await extractFixture('languages', 'php', 'braced.php');
  assert.deepEqual(entityLines(extraction), [
    'module App\\Http 3-14',
    'class App\\Http::UserController 7-13',
    'method App\\Http::UserController::show 9-12',
    // `namespace { ... }` is the global namespace: not an entity, no prefix.
    'function helper 17-20',
  ]);
  assert.deepEqual(extraction.imports, ['App\\Models\\User']);
  assert.deepEqual(callMap(extraction), {
    'App\\Http::UserController::show': ['abort', 'find'],
    helper: ['UserController', 'show'],
  });
  const byName = new Map(extraction.entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('App\\Http::UserController')?.doc, 'Shows users.');
  assert.equal(byName.get('App\\Http')?.signature, 'namespace App\\Http');
});
