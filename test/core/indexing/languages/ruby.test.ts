import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('ruby: modules, nested classes, instance and singleton methods, lambdas', async () => {
  const extraction = await extractFixture('languages', 'ruby', 'sample.rb');
  assert.deepEqual(entityLines(extraction), [
    'module Billing 7-58',
    'class Billing::Invoice 11-42',
    'method Billing::Invoice::from_json 17-20',
    'method Billing::Invoice::initialize 22-24',
    'method Billing::Invoice::total 27-30',
    'method Billing::Invoice::empty 33-35',
    'class Billing::Invoice::Line 39-41',
    'method Billing::Invoice::Line::price 40-40',
    'class Billing::Invoice::Draft 44-49',
    'method Billing::Invoice::Draft::finalize! 45-48',
    'function Billing::configure 51-53',
    'function Billing::format_money 55-57',
    'function report 60-62',
    'function to_cents 64-64',
    'function square 65-65',
  ]);
  assert.deepEqual(extraction.imports, ['json', 'billing/tax', 'net/http']);
  assert.equal(extraction.hasErrors, false);
});

test('ruby: calls with receivers, arguments and blocks; declarations and bare identifiers are not calls', async () => {
  const extraction = await extractFixture('languages', 'ruby', 'sample.rb');
  assert.deepEqual(callMap(extraction), {
    'Billing::Invoice::from_json': ['fetch', 'new', 'parse'],
    'Billing::Invoice::total': ['apply', 'price', 'quantity', 'sum'],
    'Billing::Invoice::empty': ['Invoice', 'new'],
    'Billing::Invoice::Line::price': ['compute_price'],
    'Billing::Invoice::Draft::finalize!': ['Invoice', 'log', 'new', 'tap'],
    'Billing::format_money': ['format'],
    report: ['each', 'map', 'puts'],
    to_cents: ['round'],
  });
});

test('ruby: comments as docs and signatures', async () => {
  const { entities } = await extractFixture('languages', 'ruby', 'sample.rb');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('Billing')?.doc, 'Billing namespace.');
  assert.equal(byName.get('Billing::Invoice')?.doc, 'An invoice with line items.');
  assert.equal(byName.get('Billing::Invoice')?.signature, 'class Invoice < Base');
  assert.equal(byName.get('Billing::Invoice::from_json')?.doc, 'Builds an invoice from JSON.\nKeys are strings.');
  assert.equal(byName.get('Billing::Invoice::from_json')?.signature, 'def self.from_json(text)');
  assert.equal(byName.get('Billing::Invoice::initialize')?.doc, '');
  assert.equal(byName.get('Billing::Invoice::Draft')?.signature, 'class Invoice::Draft < Invoice');
  assert.equal(byName.get('Billing::format_money')?.signature, 'def format_money(cents)');
  assert.equal(byName.get('to_cents')?.signature, 'to_cents = ->(amount)');
});
