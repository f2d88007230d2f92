import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('typescript: entities with generics, decorators, abstract classes, namespaces and overloads', async () => {
  const extraction = await extractFixture('languages', 'typescript', 'sample.ts');
  assert.deepEqual(entityLines(extraction), [
    'enum Source 8-11',
    'interface Repository 13-15',
    'function track 17-17',
    // Only the implementation: the overload signature on line 20 is not an entity.
    'function parseId 21-23',
    'function toKey 25-25',
    'class BaseService 27-34',
    'method BaseService.load 28-28',
    'method BaseService.get 30-33',
    // Starts at its decorator (inside the export statement).
    'class OrderService 37-67',
    'class OrderService.Cache 39-42',
    'method OrderService.Cache.clear 41-41',
    'method OrderService.constructor 46-48',
    // Starts at its first decorator.
    'method OrderService.load 50-55',
    // Starts at its first overload signature.
    'method OrderService.save 58-62',
    'method OrderService.onSaved 64-66',
    'module Pricing 69-76',
    'class Pricing.Calculator 71-75',
    'method Pricing.Calculator.total 72-74',
    'function fail 78-80',
  ]);
  assert.deepEqual(extraction.imports, ['@app/core', './models', 'fs', './money']);
  assert.equal(extraction.hasErrors, false);
});

test('typescript: calls are attributed to the innermost definition', async () => {
  const extraction = await extractFixture('languages', 'typescript', 'sample.ts');
  assert.deepEqual(callMap(extraction), {
    parseId: ['Number', 'String', 'trim'],
    toKey: ['toLowerCase'],
    'BaseService.get': ['load', 'track'],
    // A field initializer and a method decorator belong to the class.
    OrderService: ['Logger', 'Memoize'],
    'OrderService.Cache': ['Map'],
    'OrderService.Cache.clear': ['clear'],
    'OrderService.load': ['fail', 'find'],
    'OrderService.save': ['stringify', 'writeFileSync'],
    'OrderService.onSaved': ['info', 'toKey'],
    'Pricing.Calculator.total': ['round'],
    fail: ['Error', 'parseId'],
  });
});

test('typescript: docs and signatures', async () => {
  const { entities } = await extractFixture('languages', 'typescript', 'sample.ts');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('Source')?.doc, 'Where orders come from.');
  assert.equal(byName.get('OrderService')?.doc, 'Serves orders from a repository.');
  assert.equal(byName.get('OrderService.save')?.doc, 'Saves one order or many.');
  assert.equal(byName.get('OrderService')?.signature, 'class OrderService extends BaseService<Order>');
  assert.equal(byName.get('toKey')?.signature, 'const toKey = <T extends { id: string }>(item: T): string =>');
  assert.equal(byName.get('track')?.signature, 'function track(event: string): void;');
  assert.equal(byName.get('BaseService.load')?.signature, 'protected abstract load(id: string): Promise<T>');
  assert.equal(byName.get('OrderService.onSaved')?.signature, 'onSaved = (order: Order): void =>');
  assert.equal(byName.get('OrderService.Cache')?.signature, 'static Cache = class');
});
