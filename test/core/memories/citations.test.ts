import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { MemoryService } from '../../../src/core/memories/memoryService';
import { formatMemory } from '../../../src/core/retrieval/prompt';
import { tempDir, writeTree } from '../../helpers';

const BILLING = [
  'def compute_total(lines):',
  '    subtotal = sum(lines)',
  '    return round(subtotal * 1.2, 2)',
  '',
  'def format_total(total):',
  '    return f"{total:.2f} EUR"',
  '',
].join('\n');

async function workspace() {
  const root = tempDir();
  writeTree(root, { 'src/billing.py': BILLING, 'src/other.py': 'def helper():\n    return 1\n' });
  const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await system.indexRepository();
  const service = new MemoryService(system, false);
  const edit = async (file: string, text: string | undefined) => {
    const absolute = path.join(root, file);
    if (text === undefined) fs.rmSync(absolute);
    else fs.writeFileSync(absolute, text);
    await system.reindexFile(absolute);
  };
  const remember = (content: string, citations: unknown[]) => service.store({ content, citations, source: 'user' }).memory.id;
  return { root, system, service, edit, remember };
}

test('citations: editing the cited function makes the memory stale, with the reason; an edit elsewhere in the file does not', async () => {
  const { service, edit, remember } = await workspace();
  const id = remember('compute_total adds 20% VAT', [{ entity: 'compute_total', file: 'src/billing.py' }]);
  const lines = remember('format_total prints euros', [{ file: 'src/billing.py', startLine: 5, endLine: 6 }]);

  await edit('src/billing.py', BILLING.replace('f"{total:.2f} EUR"', 'f"{total:.2f} €"'));
  assert.equal(service.get(id)?.stale, undefined, 'an edit of another function leaves compute_total\'s memory current');
  assert.equal(service.get(lines)?.stale, 'src/billing.py:5-6 changed since');

  await edit('src/billing.py', BILLING.replace('1.2', '1.25'));
  assert.equal(service.get(id)?.stale, 'compute_total changed since');
  assert.equal(service.get(lines)?.stale, undefined, 'the cited lines are back as they were');

  await edit('src/billing.py', BILLING);
  assert.equal(service.get(id)?.stale, undefined, 'the code as it was: current again');
});

test('citations: lines moved by an edit above are followed; a renamed or moved function is followed', async () => {
  const { service, edit, remember } = await workspace();
  const lines = remember('format_total prints euros', [{ file: 'src/billing.py', startLine: 5, endLine: 6 }]);
  const entity = remember('compute_total adds VAT', [{ entity: 'compute_total' }]);

  await edit('src/billing.py', `import math\n\n${BILLING}`);
  assert.deepEqual([service.get(lines)?.stale, service.get(lines)?.citations], [undefined, [{ file: 'src/billing.py', startLine: 7, endLine: 8 }]]);

  await edit('src/billing.py', `import math\n\n${BILLING.replace('compute_total', 'total_with_vat')}`);
  assert.deepEqual([service.get(entity)?.stale, service.get(entity)?.citations], [undefined, [{ entity: 'total_with_vat' }]]);

  // Moved to another file under the same name: stale while only the old file is indexed, followed once both are.
  const [compute] = BILLING.split('\n\n');
  await edit('src/billing.py', `import math\n\n${BILLING.slice(compute.length + 2)}`);
  assert.equal(service.get(entity)?.stale, 'total_with_vat was removed');
  await edit('src/other.py', `def helper():\n    return 1\n\n${compute.replace('compute_total', 'total_with_vat')}\n`);
  assert.deepEqual([service.get(entity)?.stale, service.get(entity)?.citations], [undefined, [{ entity: 'total_with_vat' }]]);
});

test('citations: blank lines added inside cited lines do not make them stale; a rename in place is followed even when the old name lives on elsewhere', async () => {
  const { service, edit, remember } = await workspace();
  const lines = remember('compute_total adds VAT', [{ file: 'src/billing.py', startLine: 1, endLine: 3 }]);
  const entity = remember('format_total prints euros', [{ entity: 'format_total', file: 'src/billing.py' }]);
  await edit('src/other.py', 'def helper():\n    return 1\n\ndef format_total(total):\n    return str(total)\n');
  await edit('src/billing.py', BILLING.replace('    subtotal = sum(lines)\n', '    subtotal = sum(lines)\n\n').replace('def format_total', 'def print_total'));
  assert.deepEqual([service.get(lines)?.stale, service.get(lines)?.citations], [undefined, [{ file: 'src/billing.py', startLine: 1, endLine: 4 }]]);
  assert.deepEqual([service.get(entity)?.stale, service.get(entity)?.citations], [undefined, [{ entity: 'print_total', file: 'src/billing.py' }]]);
});

test('citations: a deleted file makes its memories stale; a stale memory ranks lower and says so in the prompt', async () => {
  const { system, service, edit, remember } = await workspace();
  const fresh = remember('Invoice totals include VAT, see the billing helper', [{ file: 'src/other.py' }]);
  const stale = remember('Invoice totals include VAT, see compute_total', [{ entity: 'compute_total' }]);
  const before = await service.search({ userQuery: 'invoice totals VAT' }, { kinds: ['note'] });
  const score = (id: string, found: typeof before) => found.results.find((r) => r.memoryId === id)?.relevanceScore;

  await edit('src/billing.py', undefined);
  assert.equal(service.get(stale)?.stale, 'src/billing.py was deleted');
  assert.equal(service.get(fresh)?.stale, undefined);
  const after = await service.search({ userQuery: 'invoice totals VAT' }, { kinds: ['note'] });
  const found = after.results.find((r) => r.memoryId === stale)!;
  assert.ok(score(stale, after)! < score(stale, before)!, 'down-weighted');
  assert.equal(after.results[0].memoryId, fresh);
  assert.match(found.reasoning, /stale: src\/billing\.py was deleted/);
  assert.ok(found.scoreParts.stalePenalty! > 0);
  assert.match(formatMemory(found, 1, false), /Stale: the code it cites changed since it was written \(src\/billing\.py was deleted\)/);

  // A full index run checks every citation too: the file back as it was, the memory is current again.
  fs.writeFileSync(path.join(system.index.root, 'src/billing.py'), BILLING);
  await system.indexRepository();
  assert.equal(service.get(stale)?.stale, undefined);
});

test('citations: an edit keeps the anchor (still stale); re-anchoring clears it; a team note reports moved code instead of following it', async () => {
  const { root, system, service, edit, remember } = await workspace();
  const id = remember('compute_total adds 20% VAT', [{ entity: 'compute_total' }]);
  await edit('src/billing.py', BILLING.replace('1.2', '1.25'));
  service.update(id, { content: 'compute_total adds VAT' });
  assert.equal(service.get(id)?.stale, 'compute_total changed since', 'editing the words does not vouch for the code');

  assert.equal(system.reanchor(Number(id.split(':')[1])), true);
  assert.equal(service.get(id)?.stale, undefined);
  await edit('src/billing.py', BILLING.replace('1.2', '1.3'));
  assert.equal(service.get(id)?.stale, 'compute_total changed since', 'anchored to the code it was re-anchored to');

  writeTree(root, { '.code-memory/notes/vat.md': '---\ntitle: VAT\ncites: ["src/billing.py:5-6"]\n---\n\nTotals are printed in euros.\n' });
  await system.indexRepository();
  const note = service.list({ source: 'team' }).memories[0];
  assert.equal(note.stale, undefined);
  await edit('src/billing.py', `import math\n\n${BILLING}`);
  assert.equal(service.get(note.id)?.stale, 'src/billing.py:5-6 is now src/billing.py:7-8');
  assert.deepEqual(service.get(note.id)?.citations, [{ file: 'src/billing.py', startLine: 5, endLine: 6 }], 'the note file says where');
});
