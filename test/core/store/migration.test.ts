import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from '../../../src/core/store/driver';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { MemorySystem } from '../../../src/core/memorySystem';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { sqliteConnection, tempDir, writeTree } from '../../helpers';

/** A database as an earlier release left it: the first `version` migrations, then `fill`. */
function olderDatabase(dbPath: string, version: number, fill: (db: Database) => void): void {
  const old = sqliteConnection(dbPath);
  old.transaction(() => {
    for (const migration of MIGRATIONS.slice(0, version)) old.exec(migration);
    old.pragma(`application_id = ${0x434d454d}`);
    old.pragma(`user_version = ${version}`);
    fill(old);
  })();
  old.close();
}

test('migration: an index of entities becomes an index of units, keeping every memory', async () => {
  const root = tempDir();
  writeTree(root, { 'billing.py': 'TAX_RATE = 0.2\n\n\ndef total(lines):\n    return sum(lines) * (1 + TAX_RATE)\n' });
  const dbPath = path.join(tempDir(), 'index.db');
  // The database as the previous release left it: schema 3, entities searched through entities_fts.
  olderDatabase(dbPath, 3, (old) => {
    old.prepare("INSERT INTO meta (key, value) VALUES ('workspace_root', ?), ('extractor_version', 'an older extractor')")
      .run(fs.realpathSync(root));
    old.prepare(`INSERT INTO files (id, path, hash, size, mtime_ms, language, indexed_at) VALUES (1, 'billing.py', 'h', 70, 1, 'python', 1)`).run();
    old.prepare(`INSERT INTO entities (id, file_id, kind, name, qualified_name, signature, doc, start_line, end_line, content_hash)
                 VALUES (1, 1, 'function', 'total', 'total', 'def total(lines):', '', 4, 5, 'x')`).run();
    old.prepare("INSERT INTO entities_fts (rowid, name, scope, path, body) VALUES (1, 'total', '', 'billing py', '')").run();
    old.prepare(`INSERT INTO memories (id, kind, title, text, file_path, metadata, content_hash, created_at, updated_at)
                 VALUES (7, 'note', '', 'Invoices round half up, per the tax office.', 'billing.py', '{}', 'c', 1, 1)`).run();
    old.prepare("INSERT INTO memories_fts (rowid, title, body, path) VALUES (7, '', 'invoices round half up per the tax office', 'billing py')").run();
  });

  const system = CodeMemorySystem.open(root, { dbPath });
  assert.equal(system.getMemory('mem:7')?.text, 'Invoices round half up, per the tax office.');
  assert.equal(system.index.outdated(), true, 'code extracted by the old version is known to be stale');
  const summary = await system.indexRepository();
  assert.equal(summary.indexed, 1, 'the file is parsed again though its size and mtime look unchanged');
  assert.equal(system.index.outdated(), false);
  const units = system.index.database.prepare('SELECT kind, start_line, end_line FROM units ORDER BY start_line').all();
  assert.deepEqual(units, [{ kind: 'module', start_line: 1, end_line: 3 }, { kind: 'entity', start_line: 4, end_line: 5 }]);
  assert.equal((await system.retrieve('how are invoices rounded')).memories[0]?.memoryId, 'mem:7', 'the note is still found');
  const constant = (await system.retrieve('tax rate')).memories[0];
  assert.deepEqual([constant.file, constant.startLine, constant.endLine], ['billing.py', 1, 3], 'the module constant is found');
  system.close();
});

test('migration: memory ids become never-reused, keeping every memory and its id', () => {
  const dbPath = path.join(tempDir(), 'index.db');
  olderDatabase(dbPath, 4, (old) => {
    const insert = old.prepare(`INSERT INTO memories (id, kind, title, text, file_path, metadata, content_hash, created_at, updated_at)
                                VALUES (?, 'note', '', ?, NULL, '{}', 'c', 1, 1)`);
    insert.run(3, 'Third note.');
    insert.run(7, 'Seventh note.');
    old.prepare("INSERT INTO memories_fts (rowid, title, body, path) VALUES (7, '', 'seventh note', '')").run();
  });

  const system = MemorySystem.open({ dbPath });
  assert.equal(system.getMemory('mem:7')?.text, 'Seventh note.');
  assert.equal(system.getMemory('mem:3')?.text, 'Third note.');
  assert.equal(system.deleteMemory('mem:7'), true);
  assert.equal(system.addMemory('A new note.'), 'mem:8', 'the deleted highest id is not handed out again');
  system.close();
});

test('migration: memories gain tags, citations, a source and use counts, keeping what they said', () => {
  const dbPath = path.join(tempDir(), 'index.db');
  olderDatabase(dbPath, 5, (old) => {
    const insert = old.prepare(`INSERT INTO memories (id, kind, title, text, file_path, metadata, content_hash, created_at, updated_at)
                                VALUES (?, ?, ?, ?, ?, ?, 'c', 1, 2)`);
    insert.run(4, 'note', '', 'Invoices round half up.', 'billing.py', JSON.stringify({ source: 'chat', topic: 'tax' }));
    insert.run(9, 'documentation', 'Deploys', 'Deploy from main only.', null, '{}');
  });
  const system = MemorySystem.open({ dbPath });
  const [chat, doc] = system.memories.all();
  assert.deepEqual([chat.id, chat.source, chat.citations, chat.tags, chat.useCount, chat.lastUsedAt, chat.filePath],
    [4, 'chat', [{ file: 'billing.py' }], [], 0, null, 'billing.py'], 'the source moved from the metadata, the file became a citation');
  assert.deepEqual([doc.id, doc.source, doc.citations, doc.title, doc.createdAt, doc.updatedAt], [9, 'user', [], 'Deploys', 1, 2]);
  system.close();
});
