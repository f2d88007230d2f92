import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callMap, entityLines, extractFixture } from '../../../helpers';

test('cpp: namespaces, classes, templates, methods, constructors, lambdas', async () => {
  const extraction = await extractFixture('languages', 'cpp', 'sample.cpp');
  assert.deepEqual(entityLines(extraction), [
    'module geo 6-64',
    'module geo::detail 7-15',
    'function geo::detail::clamp 10-13',
    'enum geo::Color 17-17',
    'struct geo::Point 19-22',
    'class geo::Shape 25-40',
    'method geo::Shape::Shape 27-27',
    'method geo::Shape::~Shape 28-28',
    'method geo::Shape::id 30-30',
    'class geo::Shape::Builder 33-36',
    'class geo::Box 42-49',
    // Out-of-class definitions: the enclosing namespace, then the written scope (`Box<T>::area`).
    'method geo::Box::Box 51-52',
    'method geo::Box::area 55-58',
    'method geo::Shape::Builder::build 60-62',
    'module geo::io 66-68',
    'function total 70-74',
    'function main 76-80',
  ]);
  assert.deepEqual(extraction.imports, ['vector', 'memory', 'shapes/base.h']);
  assert.equal(extraction.hasErrors, false);
});

test('cpp: calls, including qualified, template and constructor calls', async () => {
  const extraction = await extractFixture('languages', 'cpp', 'sample.cpp');
  assert.deepEqual(callMap(extraction), {
    'geo::detail::clamp': ['max', 'min'],
    'geo::Box::area': ['clamp'],
    'geo::Shape::Builder::build': ['Box'],
    total: ['area'],
    main: ['get', 'make_unique', 'print', 'total'],
  });
});

test('cpp: doc comments and signatures', async () => {
  const { entities } = await extractFixture('languages', 'cpp', 'sample.cpp');
  const byName = new Map(entities.map((e) => [e.qualifiedName, e]));
  assert.equal(byName.get('geo::detail::clamp')?.doc, 'Clamps a value into [lo, hi].');
  assert.equal(byName.get('geo::detail::clamp')?.signature, 'T clamp(T v, T lo, T hi)');
  assert.equal(byName.get('geo::Shape')?.doc, 'A shape with an area.');
  assert.equal(byName.get('geo::Shape::Builder')?.doc, 'Builds shapes step by step.');
  assert.equal(byName.get('geo::Shape::id')?.signature, '[[nodiscard]] int id() const');
  assert.equal(byName.get('geo::Shape::~Shape')?.signature, 'virtual ~Shape()');
  const box = entities.find((e) => e.kind === 'class' && e.qualifiedName === 'geo::Box');
  assert.equal(box?.signature, 'class Box : public Shape');
  assert.equal(byName.get('geo::Box::area')?.doc, 'The square of the side.');
  assert.equal(byName.get('geo::Box::area')?.signature, 'double Box<T>::area() const');
  assert.equal(byName.get('total')?.signature, 'total = [](const std::vector<geo::Shape *> &all)');
  assert.equal(byName.get('geo::io')?.signature, 'namespace geo::io');
});
