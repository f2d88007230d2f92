/// <reference types="mocha" />
// A damaged index in a real VS Code: found by the page check, never written into, moved aside and rebuilt with
// its memories on request.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeMemory, retrievedNames, retrievedText, setSetting, waitFor, workspaceRoot } from './support';

const BTREE_PAGE_TYPES = new Set([0x02, 0x05, 0x0a, 0x0d]);
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;

function indexFile(): string {
  const cache = process.env.CODE_MEMORY_CACHE_DIR!;
  const [db] = fs.readdirSync(cache, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('index.db'));
  assert.ok(db, 'the workspace has an index');
  return path.join(cache, db);
}

/** Pages whose newest copy is in the write-ahead log: damage to the main file there would not be seen. */
function pagesInWal(db: string): Set<number> {
  const pages = new Set<number>();
  if (!fs.existsSync(`${db}-wal`)) return pages;
  const wal = fs.readFileSync(`${db}-wal`);
  if (wal.length < WAL_HEADER_BYTES) return pages;
  const pageSize = wal.readUInt32BE(8);
  for (let at = WAL_HEADER_BYTES; at + WAL_FRAME_HEADER_BYTES + pageSize <= wal.length; at += WAL_FRAME_HEADER_BYTES + pageSize) {
    pages.add(wal.readUInt32BE(at));
  }
  return pages;
}

/** Pages on the free list (whose stale contents still look like b-tree pages), from the file's header. */
function freePages(bytes: Buffer, pageSize: number): Set<number> {
  const free = new Set<number>();
  for (let trunk = bytes.readUInt32BE(32); trunk; trunk = bytes.readUInt32BE((trunk - 1) * pageSize)) {
    free.add(trunk);
    const at = (trunk - 1) * pageSize;
    for (let i = 0; i < bytes.readUInt32BE(at + 4); i++) free.add(bytes.readUInt32BE(at + 8 + 4 * i));
  }
  return free;
}

/** Live b-tree pages of the main file whose newest copy is there, not in the write-ahead log. */
function pagesOnlyInFile(db: string): number[] {
  const bytes = fs.readFileSync(db);
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const inWal = pagesInWal(db);
  if (inWal.has(1)) return []; // the header on disk (and its free list) is not the current one
  const free = freePages(bytes, pageSize);
  const pages: number[] = [];
  for (let page = 2; page * pageSize <= bytes.length; page++) {
    if (!inWal.has(page) && !free.has(page) && BTREE_PAGE_TYPES.has(bytes[(page - 1) * pageSize])) pages.push(page);
  }
  return pages;
}

/** Overwrites a few b-tree pages of the main file with random bytes, as a failing disk would. */
function damagePages(db: string, pages: number[]): void {
  const pageSize = fs.readFileSync(db).readUInt16BE(16);
  const middle = Math.floor(pages.length / 2);
  const fd = fs.openSync(db, 'r+');
  for (const page of pages.slice(middle - 3, middle + 3)) fs.writeSync(fd, crypto.randomBytes(pageSize), 0, pageSize, (page - 1) * pageSize);
  fs.closeSync(fd);
}

describe('a damaged index', () => {
  after(async () => {
    await setSetting('codeMemory.maxFileSizeKB', undefined);
    await setSetting('codeMemory.autoIndex', undefined);
  });

  it('is found by Check Index, not written into, and rebuilt with its memories', async function () {
    this.timeout(120_000);
    await (await codeMemory()).indexAll();
    const note = await vscode.commands.executeCommand<string>('codeMemory.addDocumentation', 'Refund policy',
      'Refunds for cancelled subscriptions are prorated to the day and paid back within 5 business days.');
    assert.match(note, /^mem:\d+$/);
    const db = indexFile();
    // A small index lives in the write-ahead log until its connection closes: an index setting reopens it.
    await setSetting('codeMemory.autoIndex', false);
    await setSetting('codeMemory.maxFileSizeKB', 1000);
    damagePages(db, await waitFor('the log to be written back', () => {
      const pages = pagesOnlyInFile(db);
      return pages.length >= 6 ? pages : undefined;
    }));
    const damaged = fs.readFileSync(db);
    /** The file and its write-ahead log, where any write would go first. */
    const onDisk = () => Buffer.concat([fs.readFileSync(db), fs.existsSync(`${db}-wal`) ? fs.readFileSync(`${db}-wal`) : Buffer.alloc(0)]);
    const before = onDisk();

    const checks = await vscode.commands.executeCommand<{ folder: string; damage?: string }[]>('codeMemory.checkIndex');
    assert.equal(checks.length, 1);
    assert.match(checks[0].damage ?? '', /index\.db is damaged \(.+\); it was left as it is/);

    const refused = await vscode.commands.executeCommand<string | undefined>('codeMemory.addDocumentation', 'Another note', 'Not stored.');
    assert.equal(refused, undefined, 'a memory is not written into a damaged index');
    const summaries = await vscode.commands.executeCommand<unknown[]>('codeMemory.indexWorkspace');
    assert.deepEqual(summaries, [], 'the index is not written into');
    // A new connection (an index setting changed) still knows the index is damaged.
    await setSetting('codeMemory.maxFileSizeKB', 999);
    assert.equal(await vscode.commands.executeCommand('codeMemory.addDocumentation', 'A third note', 'Not stored.'), undefined);
    assert.ok(onDisk().equals(before), 'the damaged file and its log are byte for byte as they were');

    const rebuilt = await vscode.commands.executeCommand<{ movedTo: string; memories: number; summaries: { indexed: number }[] }>(
      'codeMemory.rebuildIndex', workspaceRoot().toString());
    assert.ok(rebuilt, 'rebuilt');
    assert.ok(fs.readFileSync(rebuilt.movedTo).equals(damaged), 'moved aside as it was');
    assert.ok(rebuilt.memories >= 1, `memories brought back: ${rebuilt.memories}`);
    assert.ok(rebuilt.summaries[0].indexed >= 8, `files indexed again: ${rebuilt.summaries[0].indexed}`);
    assert.equal((await retrievedNames('where are invoices totalled'))[0], 'totalInvoice');
    assert.match(await retrievedText('refunds for cancelled subscriptions'), /prorated to the day/);
    const [check] = await vscode.commands.executeCommand<{ damage?: string }[]>('codeMemory.checkIndex');
    assert.equal(check.damage, undefined, 'the new index is intact');
  });
});
