import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { linkInSlices } from '../../../src/core/indexing/linkWriter';
import { planLinks, planSize, resolveGraph } from '../../../src/core/indexing/resolver';
import { CodeStore, emptyEffects, InsertedGraph, type FileUpdate } from '../../../src/core/store/codeStore';
import { openDatabase } from '../../../src/core/store/database';
import { WorkspaceIndex } from '../../../src/core/workspaceIndex';
import { fixturePath, tempDir, writeTree } from '../../helpers';

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

function file(filePath: string, defines: string, calls: string, imports: string[] = []): FileUpdate {
  return {
    path: filePath, hash: `${filePath}:${imports.join()}`, size: 10, mtimeMs: Date.now() - 3_600_000, language: 'python',
    extraction: {
      imports, hasErrors: false,
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

/** A chain of modules, each importing the next and calling it, with a helper every module defines. */
function chainOfModules(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`m${i}.py`,
    `from m${i + 1} import f${i + 1}\n\ndef f${i}():\n    return f${i + 1}() + helper()\n\ndef helper():\n    return ${i}\n`]));
}

test('linking: a run links in transactions no longer than the write slice, to the same graph as one transaction', async () => {
  const root = tempDir();
  writeTree(root, chainOfModules(400));
  const run = async (writeSliceMs?: number) => {
    const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
    let linking = false;
    let linkWrites = 0;
    await index.indexRepository({
      writeSliceMs, onProgress: (p) => { linking = p.phase === 'linking'; }, onWrite: () => { if (linking) linkWrites++; },
    });
    // Workers finish in any order, so ids differ from run to run: compare by name.
    const calls = callTargets(index.database).map((row) => JSON.stringify(row)).sort();
    const graph = { calls, unlinked: planSize(planLinks(index.database, emptyEffects(), true)) };
    index.close();
    return { graph, linkWrites };
  };
  const whole = await run();
  const sliced = await run(0);
  assert.ok(whole.graph.calls.filter((row) => !row.includes('"target":null')).length >= 790, 'calls to the next module and to the helper resolve');
  assert.equal(whole.graph.unlinked, 0);
  assert.deepEqual(sliced.graph, whole.graph);
  assert.equal(whole.linkWrites, 2, 'the links, then the run\'s final marks');
  assert.ok(sliced.linkWrites >= 4, `a 0 ms slice commits every few hundred links: ${sliced.linkWrites} commits`);
});

for (const writer of ['another connection', 'this connection'] as const) {
  test(`linking: a plan made stale by ${writer} between slices is made again under the lock`, async () => {
    const dbPath = path.join(tempDir(), 'index.db');
    const store = new CodeStore(openDatabase(dbPath));
    const effects = emptyEffects();
    effects.inserted = new InsertedGraph(store);
    const count = 600;
    store.transaction(() => {
      for (let i = 0; i < count; i++) store.writeFile(file(`m${i}.py`, `f${i}`, `f${i + 1}`), effects);
    });
    const other = writer === 'this connection' ? store : new CodeStore(openDatabase(dbPath));
    let writes = 0;
    await linkInSlices(store, effects, true, 0, (work) => {
      // Between the first and second slice the last module is saved: f599 is gone, g599 calls f0.
      if (writes++ === 1) {
        const saved = emptyEffects();
        other.transaction(() => {
          other.writeFile(file(`m${count - 1}.py`, `g${count - 1}`, 'f0'), saved);
          resolveGraph(other.db, saved, false);
        });
      }
      store.transaction(work);
    });
    if (other !== store) other.db.close();
    assert.ok(writes >= 2);
    assert.equal(planSize(planLinks(store.db, emptyEffects(), true)), 0, 'every link is what a full relink now gives');
    const target = (caller: string) => (store.db.prepare(`SELECT t.name FROM calls c JOIN entities e ON e.id = c.entity_id
      LEFT JOIN entities t ON t.id = c.target_id WHERE e.name = ?`).get(caller) as { name: string | null }).name;
    assert.equal(target(`f${count - 2}`), null, 'the call to the definition that went away is unlinked');
    assert.equal(target(`g${count - 1}`), 'f0');
    assert.equal(target('f0'), 'f1');
    store.db.close();
  });
}

test('linking: a save by this connection that only changes imports between slices makes the plan stale', async () => {
  const store = new CodeStore(openDatabase(path.join(tempDir(), 'index.db')));
  const effects = emptyEffects();
  effects.inserted = new InsertedGraph(store);
  store.transaction(() => {
    for (let i = 0; i < 600; i++) store.writeFile(file(`m${i}.py`, `f${i}`, `f${i + 1}`), effects);
    // Two modules define helper: run's call resolves through what run.py imports.
    store.writeFile(file('a.py', 'helper', 'print'), effects);
    store.writeFile(file('b.py', 'helper', 'print'), effects);
    store.writeFile(file('run.py', 'run', 'helper', ['a']), effects);
  });
  let writes = 0;
  await linkInSlices(store, effects, true, 0, (work) => {
    if (writes++ === 1) {
      const saved = emptyEffects();
      store.transaction(() => {
        store.writeFile(file('run.py', 'run', 'helper', ['b']), saved);
        resolveGraph(store.db, saved, false);
      });
    }
    store.transaction(work);
  });
  assert.ok(writes >= 2);
  assert.equal(planSize(planLinks(store.db, emptyEffects(), true)), 0, 'every link is what a full relink now gives');
  const target = store.db.prepare(`SELECT tf.path FROM calls c JOIN entities e ON e.id = c.entity_id
    JOIN entities t ON t.id = c.target_id JOIN files tf ON tf.id = t.file_id WHERE e.name = 'run'`).pluck().get();
  assert.equal(target, 'b.py');
  store.db.close();
});

test('most called: the entity with the most resolved calls from elsewhere (an example question for this code base); none without calls', async () => {
  const root = tempDir();
  writeTree(root, {
    'app.py': 'from util import helper, other\n\ndef main():\n    helper()\n    other()\n\ndef run():\n    helper()\n',
    'util.py': 'def helper():\n    return 1\n\ndef other():\n    return 2\n',
  });
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await index.indexRepository();
  assert.deepEqual(index.mostCalled(), { name: 'helper', kind: 'function' });
  index.close();
  const lonely = tempDir();
  writeTree(lonely, { 'a.py': 'def alone():\n    return 0\n' });
  const none = WorkspaceIndex.open(lonely, { dbPath: path.join(tempDir(), 'index.db') });
  await none.indexRepository();
  assert.equal(none.mostCalled(), undefined);
  none.close();
});
