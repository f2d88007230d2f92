import type { StoreResult } from '../memories/memoryService';
import type { SearchResult } from '../memories/search';
import type { MemoryView, SimilarView } from '../memories/views';
import { describeCitation, MEMORY_KINDS } from '../memories/model';
import { SIMILAR_REASONS } from '../memories/similar';

/**
 * What the memory tools answer, as plain text a model reads well: ids to act on, paths with line ranges to open,
 * and the content itself.
 */

export function describeSearch(found: SearchResult): string {
  if (!found.results.length) {
    const missing = found.missingWords.length ? ` (no code or memory contains: ${found.missingWords.join(', ')})` : '';
    return `Nothing relevant found${missing}.`;
  }
  const lines = found.results.map((r, i) => {
    const where = r.file ? `${r.folder ? `${r.folder}: ` : ''}${r.file}${r.startLine ? `:${r.startLine}-${r.endLine}` : ''}` : r.folder ?? '';
    const what = r.kind === 'code' ? String(r.metadata.description ?? 'code')
      : `${MEMORY_KINDS[r.kind].label} ${r.memoryId} (${r.scope})${tagsOf(r.metadata.tags)}`;
    const stale = typeof r.metadata.stale === 'string' ? `\nStale: the code it cites changed since it was written (${r.metadata.stale}).` : '';
    return `## ${i + 1}. ${[where, what].filter(Boolean).join(' · ')} · score ${r.relevanceScore.toFixed(2)}${stale}\n${fenced(r.text)}`;
  });
  const notes = [
    ...(found.warning ? [`Note: ${found.warning}.`] : []),
    ...(found.missingWords.length ? [`No code or memory contains: ${found.missingWords.join(', ')}.`] : []),
  ];
  return [...lines, ...notes].join('\n\n');
}

export function describeView(memory: MemoryView): string {
  const cites = memory.citations.length ? `\nCites: ${memory.citations.map(describeCitation).join('; ')}` : '';
  const stale = memory.stale ? `\nStale: ${memory.stale}` : '';
  const used = memory.useCount ? `, used ${memory.useCount}× (last ${memory.lastUsed})` : ', never used yet';
  return `${memory.id} · ${MEMORY_KINDS[memory.kind].label} (${memory.scope})${tagsOf(memory.tags)}\n` +
    `Title: ${memory.title}${cites}${stale}\nSource: ${memory.source}; created ${memory.created}, updated ${memory.updated}${used}\n\n${memory.content}`;
}

export function describeStored(result: StoreResult, verb: string): string {
  const head = result.created ? `${verb} ${result.memory.id}: ${result.memory.title}` : `Already stored as ${result.memory.id}: ${result.memory.title}`;
  return result.similar.length ? `${head}\n\n${describeSimilar(result.similar)}` : head;
}

function describeSimilar(similar: SimilarView[]): string {
  return 'Similar memories (consider updating one of these instead):\n' +
    similar.map((s) => `- ${s.memory.id} ${SIMILAR_REASONS[s.reason]}: ${s.memory.title}`).join('\n');
}

function tagsOf(tags: unknown): string {
  return Array.isArray(tags) && tags.length ? ` [${tags.join(', ')}]` : '';
}

function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}
