import type { MemoryRecord, MemoryStore } from '../store/memoryStore';
import { FILE_SOURCES } from './model';
import { findSimilar } from './similar';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CleanupRules {
  /** Memories not changed for this many days and never retrieved. */
  olderThanDays?: number;
  /** Exact and near duplicates: the one used most (then the newest) stays. */
  duplicates?: boolean;
  /** Keep at most this many memories: the least used go first (then the least recently used, then the oldest). */
  maxMemories?: number;
}

export type CleanupReason = 'old and never used' | 'duplicate' | 'near duplicate' | 'over the size limit';

/** Which memories of one store the rules remove, each with why; nothing is deleted here. */
export function planCleanup(store: MemoryStore, rules: CleanupRules, like: (text: string) => number[], now = Date.now()):
  { record: MemoryRecord; reason: CleanupReason; keptId?: number }[] {
  const all = store.all().filter((m) => !FILE_SOURCES.has(m.source));
  const plan = new Map<number, { record: MemoryRecord; reason: CleanupReason; keptId?: number }>();
  if (rules.olderThanDays !== undefined) {
    const before = now - rules.olderThanDays * DAY_MS;
    for (const m of all) if (m.updatedAt < before && m.useCount === 0) plan.set(m.id, { record: m, reason: 'old and never used' });
  }
  if (rules.duplicates) {
    for (const m of [...all].sort(byValue)) {
      if (plan.has(m.id)) continue;
      for (const s of findSimilar(store, m, like, m.id)) {
        const other = s.record;
        if (s.reason === 'same-code' || plan.has(other.id) || FILE_SOURCES.has(other.source) || byValue(m, other) > 0) continue;
        plan.set(other.id, { record: other, reason: s.reason === 'duplicate' ? 'duplicate' : 'near duplicate', keptId: m.id });
      }
    }
  }
  if (rules.maxMemories !== undefined) {
    const left = all.filter((m) => !plan.has(m.id)).sort(byValue);
    for (const m of left.slice(rules.maxMemories)) plan.set(m.id, { record: m, reason: 'over the size limit' });
  }
  return [...plan.values()];
}

/** Most valuable first: used more, used more recently, changed more recently, then the lower id. */
function byValue(a: MemoryRecord, b: MemoryRecord): number {
  return b.useCount - a.useCount || (b.lastUsedAt ?? 0) - (a.lastUsedAt ?? 0) || b.updatedAt - a.updatedAt || a.id - b.id;
}
