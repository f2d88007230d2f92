import type { Database } from './driver';

export interface CachedScore {
  score: number;
  reasoning: string;
}

export interface CacheStats {
  /** Scores stored. */
  size: number;
  /** Lookups answered from the cache, and those that needed the model, since the system was opened. */
  hits: number;
  misses: number;
}

/** Oldest scores are dropped beyond this many, so the cache cannot grow without bound. */
export const MAX_CACHED_SCORES = 100_000;

/**
 * Persistent small-model scores keyed by (context fingerprint, memory hash). Rows are replaced on rescoring,
 * so rowid order is age order and eviction drops the oldest.
 */
export class ScoreCache {
  private readonly s;
  private counters = { hits: 0, misses: 0 };

  constructor(private readonly db: Database, private readonly maxSize = MAX_CACHED_SCORES) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      get: p(`SELECT memory_hash AS memoryHash, score, reasoning FROM score_cache
              WHERE context_hash = ? AND memory_hash IN (SELECT value FROM json_each(?))`),
      put: p(`INSERT OR REPLACE INTO score_cache (context_hash, memory_hash, score, reasoning, created_at)
              VALUES (?, ?, ?, ?, ?)`),
      count: p('SELECT count(*) AS n FROM score_cache'),
      evict: p('DELETE FROM score_cache WHERE rowid IN (SELECT rowid FROM score_cache ORDER BY rowid LIMIT ?)'),
      clear: p('DELETE FROM score_cache'),
    };
  }

  /** Cached scores for these memory hashes under one context; counts a hit or a miss for each. */
  get(contextHash: string, memoryHashes: readonly string[]): Map<string, CachedScore> {
    const found = new Map<string, CachedScore>();
    if (!memoryHashes.length) return found;
    const rows = this.s.get.all(contextHash, JSON.stringify(memoryHashes)) as ({ memoryHash: string } & CachedScore)[];
    for (const { memoryHash, score, reasoning } of rows) found.set(memoryHash, { score, reasoning });
    const unique = new Set(memoryHashes).size;
    this.counters.hits += found.size;
    this.counters.misses += unique - found.size;
    return found;
  }

  put(contextHash: string, scores: ReadonlyMap<string, CachedScore>): void {
    if (!scores.size) return;
    const now = Date.now();
    this.db.transaction(() => {
      for (const [memoryHash, { score, reasoning }] of scores) this.s.put.run(contextHash, memoryHash, score, reasoning, now);
      const size = this.countRows();
      if (size > this.maxSize) this.s.evict.run(size - this.maxSize);
    }).immediate();
  }

  clear(): void {
    this.s.clear.run();
    this.counters = { hits: 0, misses: 0 };
  }

  stats(): CacheStats {
    return { size: this.countRows(), ...this.counters };
  }

  private countRows(): number {
    return (this.s.count.get() as { n: number }).n;
  }
}
