import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CodeMemorySystem } from '../../../src/core/codeMemorySystem';
import { MemorySystem } from '../../../src/core/memorySystem';
import { EvidenceRanking } from '../../../src/core/search/ranking';
import { keep } from '../../../src/core/retrieval/relevance';
import { analyzeQuery } from '../../../src/core/search/query';
import { pathKind } from '../../../src/core/search/pathKind';
import { indexedWorkspace, tempDir, writeTree } from '../../helpers';

/** Filler functions, so that rare words are rare, as in a real code base. */
function filler(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `def ${prefix}_${i}(value):\n    return value + ${i}\n`).join('\n');
}

test('ranking: a word used only inside a function body finds that function', async () => {
  const index = await indexedWorkspace({
    'net/client.py': [
      'def send(request):',
      '    for attempt in range(3):',
      '        # back off exponentially between retries',
      '        sleep(2 ** attempt)',
      '    return transport.post(request)',
    ].join('\n'),
    'util.py': filler('helper', 20),
  });
  const [hit] = index.search('exponential backoff between retries');
  assert.equal(hit.file, 'net/client.py');
  assert.equal(hit.entity?.name, 'send');
  assert.deepEqual([hit.startLine, hit.endLine], [1, 5]);
  assert.ok(hit.matched.includes('retries'));
  index.close();
});

test('ranking: a module constant outside every function is found, with its exact lines', async () => {
  const index = await indexedWorkspace({
    'config.py': ['import os', '', 'DEFAULT_TIMEOUT_SECONDS = 30', '', '', 'def load():', '    return os.environ'].join('\n'),
    'util.py': filler('helper', 20),
  });
  const [hit] = index.search('default timeout');
  assert.deepEqual({ file: hit.file, kind: hit.kind, entity: hit.entity, lines: [hit.startLine, hit.endLine] },
    { file: 'config.py', kind: 'module', entity: undefined, lines: [1, 5] });
  index.close();
});

test('ranking: in a 1,000-line class the part that matches comes back, not the class', async () => {
  const methods = Array.from({ length: 250 }, (_, i) => [`    def handle_${i}(self, event):`, `        return self.route(event, ${i})`, '', ''].join('\n'));
  methods[173] = ['    def handle_173(self, event):', '        # flush the websocket heartbeat queue', '        return self.heartbeat.flush()', '', ''].join('\n');
  const index = await indexedWorkspace({ 'server.py': ['class Server:', '    """Handles every event."""', '', ...methods].join('\n') });
  const [hit] = index.search('flush websocket heartbeat');
  assert.equal(hit.entity?.qualifiedName, 'Server.handle_173');
  assert.ok(hit.endLine - hit.startLine < 10, `${hit.startLine}-${hit.endLine} is the method, not the class`);
  index.close();
});

test('ranking: a test file ranks below its product file, unless the question asks for tests', async () => {
  const product = 'def parse_duration(text):\n    """Parse a duration such as 5m or 2h."""\n    return units[text[-1]] * int(text[:-1])\n';
  const tests = 'def test_parse_duration():\n    assert parse_duration("5m") == 300\n    assert parse_duration("2h") == 7200\n';
  const index = await indexedWorkspace({ 'app/durations.py': product, 'tests/test_durations.py': tests, 'app/other.py': filler('other', 10) });
  assert.deepEqual(index.search('parse duration').slice(0, 2).map((h) => h.file), ['app/durations.py', 'tests/test_durations.py']);
  assert.deepEqual(index.search('test for parse duration').slice(0, 2).map((h) => h.file), ['tests/test_durations.py', 'app/durations.py']);
  index.close();
});

test('ranking: scores are below 1, the order never ties by chance, and an unrelated question finds nothing', async () => {
  const root = tempDir();
  writeTree(root, {
    'html/tokenizer.py': 'def read_tag(stream):\n    """Read one HTML tag from the character stream."""\n    return stream.consume_until(">")\n',
    'html/entities.py': 'def decode_entity(name):\n    return ENTITIES.get(name)\n',
    'html/tree.py': filler('node', 30),
  });
  const system = CodeMemorySystem.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await system.indexRepository();
  const found = await system.retrieve('read an html tag from the stream');
  assert.equal(found.memories[0].file, 'html/tokenizer.py');
  assert.ok(found.memories.every((m) => m.relevanceScore > 0 && m.relevanceScore < 1));
  const unrelated = await system.retrieve('kafka partition rebalancing');
  assert.deepEqual(unrelated.memories, [], 'nothing relevant found');
  assert.deepEqual(unrelated.missingWords, ['kafka', 'partition', 'rebalancing']);
  // A word can match through its stem (consumer → consume_until): the result comes back, and the word the code
  // lacks is named, for the user and for the model.
  const partial = await system.retrieve('kafka consumer');
  assert.deepEqual(partial.missingWords, ['kafka']);
  assert.ok(partial.memories.every((m) => m.reasoning.startsWith('matched "consumer"')));
  system.close();
});

test('query: change words weigh little, identifiers are searched whole and in words, scopes become path hints', () => {
  const query = analyzeQuery("fix(router): getUserById doesn't handle a trailing '/' in src/app/routes.ts");
  const weight = (word: string) => query.terms.find((t) => t.word === word)?.weight;
  assert.equal(weight('fix'), 0.3);
  assert.equal(weight('getuserbyid'), 1);
  assert.equal(weight('user'), 1);
  assert.equal(weight('doesn'), undefined, 'contractions are English, not words to search');
  assert.equal(weight('t'), undefined, 'single letters match everything');
  assert.equal(weight('trailing'), 1);
  assert.deepEqual(query.pathHints.sort(), ['app', 'router', 'routes', 'src', 'ts']);
  assert.deepEqual([...query.kinds], ['product']);
  assert.deepEqual([...analyzeQuery('add a unit test for the parser').kinds].sort(), ['fixture', 'product', 'test']);
});

test('path kinds: tests, fixtures, examples and benchmarks in the conventions of each language', () => {
  const kinds = Object.fromEntries([
    'src/app.py', 'tests/test_app.py', 'app/app_test.go', 'src/app.test.ts', 'web/app.spec.tsx', 'src/test/java/AppTest.java',
    'spec/app_spec.rb', 'testdata/input.go', 'examples/basic/main.rs', 'benches/parse.rs', 'src/latest.ts', 'src/contest.py',
  ].map((p) => [p, pathKind(p)]));
  assert.deepEqual(kinds, {
    'src/app.py': 'product', 'tests/test_app.py': 'test', 'app/app_test.go': 'test', 'src/app.test.ts': 'test',
    'web/app.spec.tsx': 'test', 'src/test/java/AppTest.java': 'test', 'spec/app_spec.rb': 'test', 'testdata/input.go': 'fixture',
    'examples/basic/main.rs': 'example', 'benches/parse.rs': 'bench', 'src/latest.ts': 'product', 'src/contest.py': 'product',
  });
});

test('ranking: a memory is scored on its own words, not pooled with every other memory', () => {
  // Memories have no file: two notes, each with one word of the question.
  const terms = ['python', 'framework'].map((word, i) => ({ word, weight: 1, idf: 1, postings: [{ id: i + 1, score: 1.1, fileId: 0 }] }));
  const ranking = new EvidenceRanking(terms, analyzeQuery('python framework'), () => new Map());
  const half = 1.1 / (2 * 1 * 2.2);
  for (const id of [1, 2]) assert.ok(Math.abs(ranking.scoreOf(id)!.score - half) < 1e-9, `${ranking.scoreOf(id)!.score} is its own half`);
});

test('query: a question of function words only searches nothing, and names no missing word', async () => {
  assert.deepEqual(analyzeQuery('what is it?').terms, []);
  const system = MemorySystem.open({ dbPath: path.join(tempDir(), 'notes.db') });
  system.addMemory('What it is: a note');
  const found = await system.retrieve('what is it?');
  assert.deepEqual([found.memories, found.missingWords], [[], []]);
  system.close();
});

test('relevance: the floors keep what is near the best or linked to the current file, and nothing below the gate', () => {
  const item = (score: number, strength: number, nearCurrentFile = false) => ({ relevanceScore: score, candidate: { strength }, nearCurrentFile });
  const ranked = [item(0.6, 0.6), item(0.3, 0.3), item(0.2, 0.2), item(0.15, 0, true), item(0.15, 0)];
  assert.deepEqual(keep(ranked, 'lexical', 0.7).map((r) => r.relevanceScore), [0.6, 0.3, 0.15]);
  assert.deepEqual(keep([item(0.3, 0.1), item(0.2, 0.05, true)], 'lexical', 0), [], 'nothing is about the question');
  assert.deepEqual(keep(ranked, 'model', 0.25).map((r) => r.relevanceScore), [0.6, 0.3], 'model scores meet the threshold');
});
