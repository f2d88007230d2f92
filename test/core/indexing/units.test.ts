import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceLines } from '../../../src/core/indexing/parser';
import type { FileExtraction } from '../../../src/core/types';
import { extractSource, fixturePath } from '../../helpers';

/** Every fixture of every language: the units must tile each file exactly. */
const FIXTURES = fs.readdirSync(fixturePath('languages')).flatMap((language) =>
  fs.readdirSync(fixturePath('languages', language)).map((file) => path.join(language, file)));

function assertTiles(extraction: FileExtraction, source: string, maxLines: number, name: string): void {
  const lineCount = sourceLines(source).length;
  let next = 1;
  for (const unit of extraction.units) {
    assert.equal(unit.startLine, next, `${name}: unit at ${unit.startLine} should start at ${next} (no gap, no overlap)`);
    assert.ok(unit.endLine >= unit.startLine, `${name}: empty unit at ${unit.startLine}`);
    assert.ok(unit.endLine - unit.startLine + 1 <= maxLines, `${name}: unit ${unit.startLine}-${unit.endLine} is longer than ${maxLines}`);
    if (unit.kind === 'module') assert.equal(unit.entity, -1, `${name}: module code has no entity`);
    else {
      // A part lies within its entity; a whole entity unit holds its entity (plus its doc comment above).
      const entity = extraction.entities[unit.entity];
      assert.ok(entity, `${name}: ${unit.kind} unit ${unit.startLine}-${unit.endLine} names its entity`);
      if (unit.kind === 'part') {
        assert.ok(unit.startLine >= entity.startLine - 20 && unit.endLine <= entity.endLine + 20, `${name}: part ${unit.startLine}-${unit.endLine} is near ${entity.qualifiedName}`);
      } else {
        assert.ok(unit.startLine <= entity.startLine && unit.endLine >= entity.endLine, `${name}: unit ${unit.startLine}-${unit.endLine} holds ${entity.qualifiedName}`);
      }
    }
    next = unit.endLine + 1;
  }
  assert.equal(next - 1, lineCount, `${name}: the units end at the last line`);
}

for (const fixture of FIXTURES) {
  test(`units: every line of ${fixture} is in exactly one unit, whole entities and module code`, async () => {
    const source = fs.readFileSync(fixturePath('languages', fixture), 'utf8');
    const extraction = await extractSource(source, fixture);
    assertTiles(extraction, source, 150, fixture);
    assert.ok(extraction.units.some((u) => u.kind === 'entity'), `${fixture}: entities that fit are units`);
    // Every fixture starts with imports, a package line or a comment outside any entity.
    assert.equal(extraction.units[0].kind, 'module', `${fixture}: the file's head is module code`);
  });

  test(`units: ${fixture} split into units of at most 8 lines still tiles, with parts of its big entities`, async () => {
    const source = fs.readFileSync(fixturePath('languages', fixture), 'utf8');
    const extraction = await extractSource(source, fixture, 8);
    assertTiles(extraction, source, 8, fixture);
    const big = extraction.entities.filter((e) => e.endLine - e.startLine + 1 > 8);
    if (big.length) assert.ok(extraction.units.some((u) => u.kind === 'part'), `${fixture}: entities over 8 lines are split into parts`);
  });
}

test('units: module code between entities (imports, constants, type aliases, statements) is its own unit', async () => {
  const source = [
    'import os', //               1
    'from typing import List', // 2
    '',
    'MAX_RETRIES = 5', //         4
    'Names = List[str]', //       5
    '',
    '',
    'def fetch(url):', //         8
    '    """Fetch a page."""',
    '    return os.getenv(url)', // 10
    '',
    'if __name__ == "__main__":', // 12
    '    fetch("x")',
  ].join('\n');
  const { units, entities } = await extractSource(source, 'mod.py');
  assert.deepEqual(units.map((u) => [u.kind, u.startLine, u.endLine, u.entity >= 0 ? entities[u.entity].name : '']), [
    ['module', 1, 7, ''],
    ['entity', 8, 11, 'fetch'],
    ['module', 12, 13, ''],
  ]);
});

test('units: a doc comment above a function is in the function\'s unit; lone braces join a neighbour', async () => {
  const source = [
    'const LIMIT = 3;', //             1
    '', //                             2
    '/**', //                          3
    ' * Adds two numbers.', //         4
    ' */', //                          5
    'function add(a, b) {', //         6
    '  return a + b;', //              7
    '}', //                            8
    '', //                             9
    'class Box {', //                 10
    '  open() { return 1; }', //      11
    '}', //                           12
  ].join('\n');
  const { units, entities } = await extractSource(source, 'doc.js');
  assert.deepEqual(units.map((u) => [u.kind, u.startLine, u.endLine, u.entity >= 0 ? entities[u.entity].name : '']), [
    ['module', 1, 2, ''],
    ['entity', 3, 9, 'add'],
    ['entity', 10, 12, 'Box'],
  ]);
});

test('units: a function too long to keep whole is cut at statements, each part knowing its function', async () => {
  const body = Array.from({ length: 30 }, (_, i) => [`    if x == ${i}:`, `        total += ${i}`, '        log(total)']).flat();
  const source = ['def long_one(x):', '    total = 0', ...body, '    return total', ''].join('\n');
  const { units, entities } = await extractSource(source, 'long.py', 40);
  assert.ok(units.length >= 3, `${units.length} units`);
  for (const unit of units) {
    assert.equal(unit.kind, 'part');
    assert.equal(entities[unit.entity].name, 'long_one');
    // Cut before an `if` statement, never inside one.
    if (unit.startLine > 1) assert.match(sourceLines(source)[unit.startLine - 1], /^ {4}(if|return)/);
  }
});

test('units: a 1,000-line class becomes its methods and parts of its own code', async () => {
  const methods = Array.from({ length: 200 }, (_, i) => [`    def method_${i}(self):`, `        return ${i}`, '', '']).flat();
  const source = ['class Huge:', '    """A class far too big to keep whole."""', '', ...methods].join('\n');
  assert.ok(sourceLines(source).length > 800);
  const { units, entities } = await extractSource(source, 'huge.py');
  assert.ok(units.every((u) => u.endLine - u.startLine + 1 <= 150));
  assert.equal(units.filter((u) => u.kind === 'entity').length, 200, 'each method is a unit');
  assert.equal(entities[units[0].entity].name, 'Huge');
  assert.equal(units[0].kind, 'part', 'the class header is a part of the class');
});

test('units: a long run of blank lines is cut at the unit size too', async () => {
  const source = ['def a():', ...Array(11).fill('    x = 1'), ...Array(40).fill(''), 'def b():', '    return 2'].join('\n');
  assertTiles(await extractSource(source, 'blank.py', 10), source, 10, 'blank.py');
});
