import type { MemoryRecord, MemoryStore, NewMemory } from '../store/memoryStore';
import type { Citation } from './model';
import { indexableText } from '../text/identifiers';
import { isSearchable } from '../text/stopwords';

/**
 * Share of words two memories must have in common (of the smaller one's words) to be the same memory said
 * twice. Below it, two memories citing the same code are different statements about it, which may disagree.
 */
export const NEAR_DUPLICATE_OVERLAP = 0.6;
/** Memories compared with a new one, found by its words. */
const TEXT_CANDIDATES = 10;

export type SimilarReason = 'duplicate' | 'near-duplicate' | 'same-code';

/** How each front end says why a memory is similar to the one just stored. */
export const SIMILAR_REASONS: Record<SimilarReason, string> = {
  duplicate: 'says the same', 'near-duplicate': 'says nearly the same', 'same-code': 'is about the same code; check they agree',
};

export interface SimilarMemory {
  record: MemoryRecord;
  reason: SimilarReason;
  /** Share of the words of the smaller memory that both contain (0–1). */
  overlap: number;
}

/**
 * Stored memories a new one repeats or may contradict: the same content; most of the same words; or a citation
 * of the same code with other words — the memory that exists might say something else about it, and nobody will
 * notice unless it is shown. `like` finds stored memories by words (the full-text ranking).
 */
export function findSimilar(store: MemoryStore, memory: NewMemory, like: (text: string) => number[], exceptId?: number): SimilarMemory[] {
  const words = wordSet(`${memory.title} ${memory.text}`);
  const found = new Map<number, SimilarMemory>();
  const consider = (record: MemoryRecord, sameCode: boolean) => {
    if (record.id === exceptId || found.has(record.id) || record.kind !== memory.kind && !sameCode) return;
    const overlap = overlapOf(words, wordSet(`${record.title} ${record.text}`));
    const duplicate = record.title.trim() === memory.title.trim() && record.text.trim() === memory.text.trim();
    const reason: SimilarReason | undefined = duplicate ? 'duplicate'
      : overlap >= NEAR_DUPLICATE_OVERLAP ? 'near-duplicate' : sameCode ? 'same-code' : undefined;
    if (reason) found.set(record.id, { record, reason, overlap });
  };
  for (const citation of memory.citations ?? []) {
    const filter = 'entity' in citation ? { entity: citation.entity } : { file: citation.file };
    for (const record of store.list(filter, { limit: TEXT_CANDIDATES }).memories) {
      if (citesSame(record, citation)) consider(record, true);
    }
  }
  const ids = like(`${memory.title}\n${memory.text}`).slice(0, TEXT_CANDIDATES);
  for (const record of store.list({ ids }).memories) consider(record, false);
  const order: Record<SimilarReason, number> = { duplicate: 0, 'near-duplicate': 1, 'same-code': 2 };
  return [...found.values()].sort((a, b) => order[a.reason] - order[b.reason] || b.overlap - a.overlap);
}

/** Cites the same entity, or overlapping lines of the same file (a whole-file citation overlaps every range). */
function citesSame(record: MemoryRecord, citation: Citation): boolean {
  return record.citations.some((c) => sameCode(c, citation));
}

/** Two citations of the same code: the same entity, or lines of the same file that overlap. */
export function sameCode(a: Citation, b: Citation): boolean {
  if ('entity' in a || 'entity' in b) return 'entity' in a && 'entity' in b && a.entity === b.entity;
  if (a.file !== b.file) return false;
  if (a.startLine === undefined || b.startLine === undefined) return true;
  return a.startLine <= b.endLine! && b.startLine <= a.endLine!;
}

function wordSet(text: string): Set<string> {
  return new Set(indexableText(text).split(' ').filter(isSearchable));
}

function overlapOf(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (!small.size) return 0;
  let shared = 0;
  for (const word of small) if (large.has(word)) shared++;
  return shared / small.size;
}
