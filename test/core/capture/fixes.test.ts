import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type CaptureEagerness, FixTracker, LASTING_ERROR_MS, sameError } from '../../../src/core/capture/fixes';

const BEFORE = 'def total(lines):\n    return sum(line.price for line in lines)\n';
const AFTER = 'def total(lines):\n    return sum(line.price * line.qty for line in lines)\n';
const error = { where: 'src/billing.py', message: "AttributeError: 'Line' object has no attribute 'price' (line 2)", source: 'diagnostic' as const };

function tracker(eagerness: CaptureEagerness = 'lasting') {
  return new FixTracker(() => eagerness);
}

test('fix capture: an error that lasted, then went away after an edit, is offered once, with the diff that fixed it', () => {
  const fixes = tracker();
  fixes.present(error, BEFORE, 0);
  fixes.edited('src/billing.py');
  const [offer] = fixes.remaining('src/billing.py', [], AFTER, LASTING_ERROR_MS + 1);
  assert.ok(offer);
  assert.equal(offer.error, error);
  assert.match(offer.diff!, /^--- a\/src\/billing\.py\n\+\+\+ b\/src\/billing\.py\n@@ -1,2 \+1,2 @@\n def total\(lines\):\n-    return sum\(line\.price for line in lines\)\n\+    return sum\(line\.price \* line\.qty for line in lines\)$/);
  // The same error again (at another line) is not offered a second time.
  fixes.present({ ...error, message: error.message.replace('line 2', 'line 9') }, BEFORE, LASTING_ERROR_MS * 2);
  fixes.edited('src/billing.py');
  assert.deepEqual(fixes.remaining('src/billing.py', [], AFTER, LASTING_ERROR_MS * 4), []);
});

test('fix capture: no offer without an edit, for an error still there, for a passing typo, or when turned off', () => {
  const fixes = tracker();
  fixes.present(error, BEFORE, 0);
  assert.deepEqual(fixes.remaining('src/billing.py', [error], AFTER, LASTING_ERROR_MS * 2), [], 'still there');
  assert.deepEqual(fixes.remaining('src/billing.py', [], AFTER, LASTING_ERROR_MS * 2), [], 'gone, but the user did not edit the file');

  fixes.present(error, BEFORE, 0);
  fixes.edited('src/billing.py');
  assert.deepEqual(fixes.remaining('src/billing.py', [], AFTER, 5_000), [], 'gone within seconds: a typo being typed');

  const every = tracker('every');
  every.present(error, BEFORE, 0);
  every.edited('src/billing.py');
  assert.equal(every.remaining('src/billing.py', [], AFTER, 5_000).length, 1, '"every" offers it anyway');

  const off = tracker('off');
  off.present(error, BEFORE, 0);
  off.edited('src/billing.py');
  assert.deepEqual(off.remaining('src/billing.py', [], AFTER, LASTING_ERROR_MS * 2), []);
});

test('fix capture: a failing task or command that passes again is offered; a pass with no failure before is not', () => {
  const fixes = tracker();
  const run = { where: 'npm test', message: 'npm test failed (exit code 1)', source: 'task' as const };
  assert.equal(fixes.commandEnded(run, 0, 0), undefined);
  assert.equal(fixes.commandEnded(run, 1, 0), undefined);
  assert.equal(fixes.commandEnded({ ...run, message: 'npm test failed (exit code 2)' }, 1, 10_000), undefined, 'failing again is the same failure');
  const offer = fixes.commandEnded(run, 0, LASTING_ERROR_MS + 1);
  assert.deepEqual([offer?.error.where, offer?.diff, offer!.lastedMs > LASTING_ERROR_MS], ['npm test', undefined, true]);
  assert.equal(fixes.commandEnded(run, 1, LASTING_ERROR_MS * 2), undefined);
  assert.equal(fixes.commandEnded(run, 0, LASTING_ERROR_MS * 4), undefined, 'offered once');
});

test('fix capture: the same error is recognised with other numbers or a few other words; a different one is not', () => {
  assert.ok(sameError("TypeError: Cannot read properties of undefined (reading 'total') at line 12", "TypeError: Cannot read properties of undefined (reading 'total') at line 40"));
  assert.ok(sameError('ECONNREFUSED 127.0.0.1:5432 connecting to postgres', 'connect ECONNREFUSED 127.0.0.1:5433 connecting to postgres'));
  assert.ok(!sameError("TypeError: Cannot read properties of undefined (reading 'total')", 'SyntaxError: Unexpected token } in JSON at position 4'));
  assert.ok(!sameError('', 'anything'));
  assert.ok(!sameError('`npm run lint` failed (exit code 1)', '`npm test` failed (exit code 1)'), 'two commands that failed are two problems');
  assert.ok(!sameError("';' expected", "TypeError: ';' expected after the value"), 'a word or two in common is not the same error');
});
