import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('csharp: namespaces, classes, structs, interfaces, enums, records and methods', async () => {
  const extraction = await extractFixture('languages', 'csharp', 'Sample.cs');
  assert.deepEqual(entityLines(extraction), [
    'module Acme.Store 6-69',
    // Starts at its first attribute; the `///` block above is its doc.
    'class Acme.Store.UserStore 11-49',
    // The constructor and the finalizer (`~UserStore`) share the type's name; `Count` is a property.
    'method Acme.Store.UserStore.UserStore 19-22',
    'method Acme.Store.UserStore.UserStore 24-24',
    'method Acme.Store.UserStore.Find 27-32',
    'method Acme.Store.UserStore.Map 34-38',
    'function Acme.Store.UserStore.Map.Describe 36-36',
    'method Acme.Store.UserStore.Log 40-40',
    'struct Acme.Store.UserStore.Page 43-48',
    'method Acme.Store.UserStore.Page.Next 47-47',
    // `T Find(string id);` (line 53) is a signature, not an entity; the default method `Has` is one.
    'interface Acme.Store.IStore 51-56',
    'method Acme.Store.IStore.Has 55-55',
    'module Acme.Store.Models 58-68',
    'enum Acme.Store.Models.Role 60-60',
    'class Acme.Store.Models.User 62-65',
    'method Acme.Store.Models.User.Guest 64-64',
    'struct Acme.Store.Models.UserId 67-67',
  ]);
  assert.deepEqual(extraction.imports, ['System', 'System.Collections.Generic', 'System.Math', 'System.Text.Json']);
  assert.equal(extraction.hasErrors, false);
});

test('csharp: calls are attributed to the innermost definition', async () => {
  const extraction = await extractFixture('languages', 'csharp', 'Sample.cs');
  assert.deepEqual(callMap(extraction), {
    // The field initializer belongs to the class; the constructor's `nameof(Count)` is not a call.
    'Acme.Store.UserStore': ['Dictionary'],
    'Acme.Store.UserStore.UserStore': ['Log'],
    // Lambda bodies belong to the enclosing method.
    'Acme.Store.UserStore.Find': ['GetValueOrDefault', 'Trim', 'normalize'],
    'Acme.Store.UserStore.Map': ['mapper'],
    'Acme.Store.UserStore.Map.Describe': ['Serialize'],
    'Acme.Store.UserStore.Log': ['WriteLine'],
    'Acme.Store.UserStore.Page.Next': ['Abs', 'Page'],
    'Acme.Store.IStore.Has': ['Find'],
    'Acme.Store.Models.User.Guest': ['User'],
  });
});

test('csharp: doc comments and signatures', async () => {
  const { entities } = await extractFixture('languages', 'csharp', 'Sample.cs');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('Acme.Store.UserStore')?.doc, '<summary>\nStores users in memory.\n</summary>');
  assert.equal(
    byName.get('Acme.Store.UserStore')?.signature,
    '[Serializable] [Obsolete("Use UserStore2")] public class UserStore<T> : IStore<T> where T : IEntity',
  );
  assert.equal(byName.get('Acme.Store.UserStore.Find')?.doc, 'Finds one item by id.');
  assert.equal(byName.get('Acme.Store.UserStore.Find')?.signature, '[Pure] public T Find(string id)');
  assert.equal(
    byName.get('Acme.Store.UserStore.Map')?.signature,
    'public IEnumerable<TOut> Map<TOut>(Func<T, TOut> mapper)',
  );
  assert.equal(byName.get('Acme.Store.UserStore.Page')?.doc, '<summary>A page of results.</summary>');
  assert.equal(byName.get('Acme.Store')?.signature, 'namespace Acme.Store');
  assert.equal(byName.get('Acme.Store.Models.UserId')?.signature, 'public record struct UserId(string Value)');
});

test('csharp: a file-scoped namespace encloses the rest of the file', async () => {
  const extraction = await extractFixture('languages', 'csharp', 'FileScoped.cs');
  assert.deepEqual(entityLines(extraction), [
    'module Acme.Reports 3-11',
    'class Acme.Reports.ReportBuilder 6-11',
    'method Acme.Reports.ReportBuilder.Build 8-8',
    'method Acme.Reports.ReportBuilder.Format 10-10',
  ]);
  assert.deepEqual(extraction.imports, ['Acme.Store.Models']);
  assert.deepEqual(callMap(extraction), {
    // `user?.ToString()` is a conditional-access call.
    'Acme.Reports.ReportBuilder.Build': ['Format', 'ToString'],
    'Acme.Reports.ReportBuilder.Format': ['Format'],
  });
  const byName = new Map(extraction.entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('Acme.Reports')?.signature, 'namespace Acme.Reports;');
  assert.equal(byName.get('Acme.Reports.ReportBuilder')?.doc, 'Builds reports about users.');
});
