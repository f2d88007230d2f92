import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('javascript: entities with classes, decorators, JSX components and CommonJS assignments', async () => {
  const extraction = await extractFixture('languages', 'javascript', 'sample.js');
  assert.deepEqual(entityLines(extraction), [
    'function formatCents 8-10',
    'function sum 12-12',
    // Starts at its decorator (inside the export statement).
    'class Cart 15-36',
    'class Cart.Line 17-21',
    'method Cart.Line.constructor 18-20',
    'method Cart.add 25-29',
    'method Cart.total 31-31',
    // The computed `*[Symbol.iterator]()` on line 33 has no name: not an entity.
    'function CartView 38-41',
    'class CartPage 43-47',
    'method CartPage.render 44-46',
    'function loadCart 50-52',
    // `Cart.prototype.toJSON = function` is a method of Cart by its explicit scope.
    'method Cart.toJSON 54-56',
    'function read 58-60',
  ]);
  assert.deepEqual(extraction.imports, ['react', 'mobx', './prices', 'path', 'fs']);
  assert.equal(extraction.hasErrors, false);
});

test('javascript: calls are attributed to the innermost definition', async () => {
  const extraction = await extractFixture('languages', 'javascript', 'sample.js');
  assert.deepEqual(callMap(extraction), {
    formatCents: ['toFixed'],
    sum: ['reduce'],
    'Cart.add': ['Line', 'push'],
    'Cart.total': ['formatCents', 'sum'],
    CartView: ['setOpen', 'total', 'useState'],
    'CartPage.render': ['CartView'],
    loadCart: ['join', 'parse', 'read'],
    'Cart.toJSON': ['from'],
    read: ['readFileSync', 'require'],
  });
});

test('javascript: docs and signatures', async () => {
  const { entities } = await extractFixture('languages', 'javascript', 'sample.js');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('formatCents')?.doc, 'Formats an amount in cents.');
  assert.equal(byName.get('Cart')?.doc, 'Holds the items of one cart.');
  assert.equal(byName.get('loadCart')?.doc, 'Loads a cart from disk.');
  assert.equal(byName.get('formatCents')?.signature, 'function formatCents(cents)');
  assert.equal(byName.get('sum')?.signature, 'const sum = (items) =>');
  assert.equal(byName.get('CartView')?.signature, 'const CartView = ({ cart }) =>');
  assert.equal(byName.get('CartPage')?.signature, 'class CartPage extends React.Component');
  assert.equal(byName.get('Cart.total')?.signature, 'total = () =>');
});

test('javascript: CommonJS exports, named function expressions included', async () => {
  const extraction = await extractFixture('languages', 'javascript', 'commonjs.js');
  assert.deepEqual(entityLines(extraction), [
    'function defineFunction 5-9',
    'function helper 11-11',
    'function validate 13-15',
  ]);
  assert.deepEqual(callMap(extraction), {
    defineFunction: ['function', 'validate'],
    helper: ['validate'],
    validate: ['TypeError'],
  });
  assert.deepEqual(extraction.imports, ['../util']);
  assert.equal(extraction.entities[0].doc, 'Registers a user-defined function.');
});
