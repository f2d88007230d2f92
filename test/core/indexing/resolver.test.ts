import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { resolveGraph } from '../../../src/core/indexing/resolver';
import { CodeStore, emptyEffects, InsertedGraph, type FileUpdate } from '../../../src/core/store/codeStore';
import { openDatabase } from '../../../src/core/store/database';
import { WorkspaceIndex } from '../../../src/core/workspaceIndex';
import { fixturePath, tempDir } from '../../helpers';

type Row = Record<string, unknown>;

function callTargets(db: WorkspaceIndex['database']): Row[] {
  return db.prepare(`SELECT caller.qualified_name AS caller, c.name, target.qualified_name AS target, tf.path AS targetFile
                     FROM calls c JOIN entities caller ON caller.id = c.entity_id
                     LEFT JOIN entities target ON target.id = c.target_id LEFT JOIN files tf ON tf.id = target.file_id
                     ORDER BY caller.id, c.name`).all() as Row[];
}

test('linking: a run from an empty index links what it wrote exactly as a full relink from the database does', async () => {
  const index = WorkspaceIndex.open(fixturePath('languages'), { dbPath: path.join(tempDir(), 'index.db') });
  await index.indexRepository();
  const fromRun = callTargets(index.database);
  assert.ok(fromRun.filter((r) => r.target !== null).length >= 20, 'the fixtures have calls that resolve');

  // A pending marker makes the next run relink everything from the database.
  index.database.prepare("INSERT INTO meta (key, value) VALUES ('graph_pending', '1')").run();
  index.database.prepare('UPDATE calls SET target_id = NULL').run();
  const again = await index.indexRepository();
  assert.equal(again.indexed, 0);
  assert.deepEqual(callTargets(index.database), fromRun);
  index.close();
});

function file(filePath: string, defines: string, calls: string): FileUpdate {
  return {
    path: filePath, hash: filePath, size: 10, mtimeMs: Date.now() - 3_600_000, language: 'python',
    extraction: {
      imports: [], hasErrors: false,
      entities: [{ kind: 'function', name: defines, qualifiedName: defines, signature: `def ${defines}():`, doc: '',
        startLine: 1, endLine: 2, parent: -1, calls: [calls], contentHash: defines }],
      units: [{ kind: 'entity', startLine: 1, endLine: 2, entity: 0, contentHash: defines }],
    },
    searchTexts: [{ name: defines, scope: '', body: '' }],
  };
}

test('linking: the record of a run is complete until another connection commits or this one writes around it', () => {
  const dbPath = path.join(tempDir(), 'index.db');
  const store = new CodeStore(openDatabase(dbPath));
  const effects = emptyEffects();
  const graph = (effects.inserted = new InsertedGraph(store));
  store.transaction(() => store.writeFile(file('a.py', 'load', 'parse'), effects));
  assert.equal(graph.complete, true);

  const other = new CodeStore(openDatabase(dbPath));
  other.transaction(() => other.setMeta('touched', '1'));
  assert.equal(graph.complete, false, 'another connection committed');
  other.db.close();

  const again = new InsertedGraph(store);
  store.transaction(() => store.writeFile(file('b.py', 'parse', 'load'), emptyEffects()));
  assert.equal(again.complete, false, 'this connection wrote entities the record lacks');

  const linked = new InsertedGraph(store);
  store.db.prepare('UPDATE calls SET target_id = (SELECT max(id) FROM entities)').run();
  assert.equal(linked.complete, false, 'calls were linked in between');
  store.db.close();
});

test('linking: rows another writer added during a run from an empty index are linked too', () => {
  const store = new CodeStore(openDatabase(path.join(tempDir(), 'index.db')));
  const effects = emptyEffects();
  effects.inserted = new InsertedGraph(store);
  store.transaction(() => store.writeFile(file('a.py', 'load', 'parse'), effects));
  // Another process (or a save in this one) writes between two batches of the run.
  store.transaction(() => store.writeFile(file('b.py', 'parse', 'load'), emptyEffects()));
  store.transaction(() => resolveGraph(store.db, effects, true));
  const targets = store.db.prepare(`SELECT caller.name AS caller, target.name AS target FROM calls c
    JOIN entities caller ON caller.id = c.entity_id LEFT JOIN entities target ON target.id = c.target_id
    ORDER BY caller.name`).all();
  assert.deepEqual(targets, [{ caller: 'load', target: 'parse' }, { caller: 'parse', target: 'load' }]);
  store.db.close();
});
