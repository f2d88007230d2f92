import type { RetrievalResult } from '../memorySystem';
import type { ScoredMemory } from '../retrieval/types';

/** One question answered by several workspaces (the folders of a multi-root window), as one ranking. */
export interface MergedRetrieval<F> {
  memories: { folder: F; memory: ScoredMemory }[];
  /** `model` when any folder's ranking used the scoring model. */
  source: RetrievalResult['source'];
  candidates: number;
  modelCalls: number;
  promptTokens: number;
  cacheHits: number;
  /** Each distinct warning once. */
  warnings: string[];
  /** Words of the question that no folder has. */
  missingWords: string[];
}

/**
 * Merges the folders' rankings by score: every folder scores on the same scale (the model's 0–1, or the share
 * of the question a memory holds), so the best `maxMemories` overall are kept whatever folder they come from.
 * The relevance floors and the threshold (model scores only) were applied by each folder already.
 */
export function mergeRetrievals<F>(results: readonly { folder: F; result: RetrievalResult }[], maxMemories: number): MergedRetrieval<F> {
  const sum = (pick: (r: RetrievalResult) => number) => results.reduce((total, { result }) => total + pick(result), 0);
  return {
    memories: results.flatMap(({ folder, result }) => result.memories.map((memory) => ({ folder, memory })))
      .sort((a, b) => b.memory.relevanceScore - a.memory.relevanceScore)
      .slice(0, maxMemories),
    source: results.some(({ result }) => result.source === 'model') ? 'model' : 'lexical',
    candidates: sum((r) => r.candidates),
    modelCalls: sum((r) => r.modelCalls),
    promptTokens: sum((r) => r.promptTokens),
    cacheHits: sum((r) => r.cacheHits),
    warnings: [...new Set(results.flatMap(({ result }) => (result.warning ? [result.warning] : [])))],
    missingWords: results.reduce<string[] | undefined>((words, { result }) =>
      (words ? words.filter((w) => result.missingWords.includes(w)) : result.missingWords), undefined) ?? [],
  };
}
