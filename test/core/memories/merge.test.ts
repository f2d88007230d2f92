import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { RetrievalResult } from '../../../src/core/memorySystem';
import { mergeRetrievals } from '../../../src/core/memories/merge';
import type { ScoredMemory } from '../../../src/core/retrieval/types';

const memory = (id: string, score: number): ScoredMemory => ({
  memoryId: id, kind: 'note', text: id, metadata: {}, timestamp: '', relevanceScore: score, reasoning: '',
  scoreParts: { source: 'lexical', base: score, dependencyBoost: 0, recencyBoost: 0 },
});
const result = (memories: ScoredMemory[], extra: Partial<RetrievalResult> = {}): RetrievalResult => ({
  memories, source: 'lexical', candidates: 10, modelCalls: 0, promptTokens: 0, cacheHits: 0, missingWords: [], ...extra,
});

test('merge: folders\' rankings become one by score, cut at the limit; counts add up; a word is missing only if every folder lacks it', () => {
  const merged = mergeRetrievals([
    { folder: 'api', result: result([memory('mem:1', 0.9), memory('mem:2', 0.3)], { missingWords: ['kafka', 'queue'], warning: 'model down' }) },
    { folder: 'web', result: result([memory('mem:1', 0.5)], { source: 'model', modelCalls: 2, cacheHits: 1, missingWords: ['kafka'], warning: 'model down' }) },
  ], 2);
  assert.deepEqual(merged.memories.map((m) => [m.folder, m.memory.memoryId]), [['api', 'mem:1'], ['web', 'mem:1']]);
  assert.deepEqual([merged.source, merged.candidates, merged.modelCalls, merged.cacheHits], ['model', 20, 2, 1]);
  assert.deepEqual(merged.warnings, ['model down']);
  assert.deepEqual(merged.missingWords, ['kafka']);
  assert.deepEqual(mergeRetrievals([], 5).memories, []);
});
