import type { MemorySystem, RetrievalResult } from '../memorySystem';
import type { CodeContext, ScoredMemory } from '../retrieval/types';
import { retrievalCosts } from '../receipts/receiptStore';
import { mergeRetrievals } from './merge';
import { type MemoryKind, type MemoryScope, normalizeTags } from './model';

export interface SearchOptions {
  kinds?: ('code' | MemoryKind)[];
  tags?: string[];
  limit?: number;
  signal?: AbortSignal;
}

export interface SearchResult {
  /** `folder`: the workspace folder a result belongs to, when several were searched. */
  results: (ScoredMemory & { scope: MemoryScope | 'code'; folder?: string })[];
  warning?: string;
  missingWords: string[];
  /** What the search cost: scoring calls, their prompts' tokens, cached scores, and time. */
  costs: { modelCalls: number; promptTokens: number; cacheHits: number; retrievalMs: number };
}

/** A personal database's results, with ids that say so (`personal:N`). */
export function asPersonal(result: RetrievalResult): RetrievalResult {
  return { ...result, memories: result.memories.map((m) => ({ ...m, memoryId: m.memoryId.replace(/^mem:/, 'personal:') })) };
}

/**
 * Code and memories for a question from one workspace or several (each result labelled with its folder), and
 * the personal memories once, ranked together: each source runs its own pipeline with the filter applied before
 * its cut, then mergeRetrievals keeps the best by score.
 */
export async function searchWorkspaces(folders: readonly { name: string; workspace: MemorySystem }[], personal: MemorySystem | undefined,
  context: CodeContext, options: SearchOptions = {}): Promise<SearchResult> {
  const started = performance.now();
  const limit = options.limit ?? folders[0].workspace.config.maxMemories;
  // Tags as they are stored (lower case, no #): "#Billing" finds what was tagged billing.
  const retrieval = { signal: options.signal, only: { kinds: options.kinds, tags: options.tags && normalizeTags(options.tags) }, limit };
  const found = await Promise.all(folders.map(async ({ name, workspace }) => ({ folder: name as string | undefined, result: await workspace.retrieve(context, retrieval) })));
  if (personal) found.push({ folder: undefined, result: asPersonal(await personal.retrieve(context.userQuery, retrieval)) });
  const merged = mergeRetrievals(found, limit);
  return {
    results: merged.memories.map(({ folder, memory }) => ({
      ...memory,
      scope: folder === undefined ? 'personal' : memory.kind === 'code' ? 'code' : 'workspace',
      folder: folders.length > 1 ? folder : undefined,
    })),
    warning: merged.warnings[0],
    missingWords: merged.missingWords,
    costs: retrievalCosts(merged, performance.now() - started),
  };
}
