import type { CodeMemorySystem } from '../codeMemorySystem';
import { conflictsAmong } from '../memories/browse';
import type { Receipt } from '../receipts/receiptStore';
import type { MemoryService } from '../memories/memoryService';
import { type DayCounts, dayOf, daysSince } from './history';

/** Days of history and of activity the dashboard shows. */
export const HISTORY_DAYS = 30;
export const ACTIVITY_DAYS = 14;
/** Memories listed for review at most. */
const REVIEW_LIMIT = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Everything the dashboard draws, summed over the workspace's folders. */
export interface DashboardData {
  generatedAt: string;
  totals: { files: number; entities: number; units: number; memories: number; databaseBytes: number };
  /** Files per language, most first. */
  languages: { language: string; files: number }[];
  /** One point per day that has one (the last count of that day), oldest first. */
  history: { day: string; entities: number; memories: number }[];
  /** Every one of the last ACTIVITY_DAYS days, oldest first (days without questions are zeros). */
  activity: {
    day: string; questions: number; modelCallsPerQuestion: number; promptTokensPerQuestion: number;
    latencyP50Ms: number; latencyP95Ms: number;
  }[];
  /** Score lookups since the folders were opened. */
  cache: { size: number; hits: number; misses: number; hitRate: number | null };
  /** The scoring model, or why there is none (the dashboard says how to turn it on). */
  scoring: { model: string | null; note?: string };
  /** Memories to look at: those citing the same code as another and saying something else. */
  review: { id: string; folder: string; title: string; reason: string }[];
}

export interface DashboardFolder {
  name: string;
  system: CodeMemorySystem;
  service: MemoryService;
}

/** The p-th percentile (0–1) of numbers, nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * Takes today's counts first, so the history ends today. Counts and aggregates only (no graph statistics): the
 * cost follows memories and receipts, not code. `scoringModel`: its name, or `scoringNote` says why there is none.
 */
export function dashboardData(folders: readonly DashboardFolder[], options: { now?: number; scoringModel?: string; scoringNote?: string } = {}): DashboardData {
  const now = options.now ?? Date.now();
  const totals = { files: 0, entities: 0, units: 0, memories: 0, databaseBytes: 0 };
  const languages = new Map<string, number>();
  const history = new Map<string, { entities: number; memories: number }>();
  const cache = { size: 0, hits: 0, misses: 0 };
  const receipts: Receipt[] = [];
  const review: DashboardData['review'] = [];
  const perFolderDays: Map<string, DayCounts>[] = [];
  for (const { name, system, service } of folders) {
    system.recordToday(now);
    const counts = system.summary();
    const { filesByLanguage, databaseBytes } = system.index.footprint();
    totals.files += counts.files;
    totals.entities += counts.entities;
    totals.units += counts.units;
    totals.memories += counts.memories;
    totals.databaseBytes += databaseBytes;
    for (const [language, n] of Object.entries(filesByLanguage)) languages.set(language, (languages.get(language) ?? 0) + n);
    perFolderDays.push(new Map(daysSince(system.index.database, dayOf(now - HISTORY_DAYS * DAY_MS)).map((d) => [d.day, d])));
    cache.size += counts.cache.size;
    cache.hits += counts.cache.hits;
    cache.misses += counts.cache.misses;
    receipts.push(...system.receipts.since(now - ACTIVITY_DAYS * DAY_MS));
    const memories = service.list({ scope: 'workspace', limit: Number.MAX_SAFE_INTEGER }).memories;
    const conflicts = conflictsAmong(memories);
    for (const memory of memories) {
      const others = conflicts.get(`\0${memory.id}`);
      const reasons = [...(memory.stale ? [`stale: ${memory.stale}`] : []), ...(others ? [`cites the same code as ${others.join(', ')}`] : [])];
      if (reasons.length && review.length < REVIEW_LIMIT) review.push({ id: memory.id, folder: name, title: memory.title, reason: reasons.join('; ') });
    }
  }
  // Folders record days apart: each one's last count carries over the days it has none, so the sum does not dip.
  const days = [...new Set(perFolderDays.flatMap((m) => [...m.keys()]))].sort();
  const last: (DayCounts | undefined)[] = perFolderDays.map(() => undefined);
  for (const day of days) {
    perFolderDays.forEach((m, i) => (last[i] = m.get(day) ?? last[i]));
    history.set(day, { entities: last.reduce((n, d) => n + (d?.entities ?? 0), 0), memories: last.reduce((n, d) => n + (d?.memories ?? 0), 0) });
  }
  const activity = Array.from({ length: ACTIVITY_DAYS }, (_, i) => dayOf(now - (ACTIVITY_DAYS - 1 - i) * DAY_MS)).map((day) => {
    const mine = receipts.filter((r) => dayOf(r.createdAt) === day);
    const per = (pick: (r: (typeof mine)[number]) => number) => (mine.length ? mine.reduce((sum, r) => sum + pick(r), 0) / mine.length : 0);
    const latencies = mine.map((r) => r.retrievalMs);
    return {
      day, questions: mine.length, modelCallsPerQuestion: per((r) => r.modelCalls), promptTokensPerQuestion: per((r) => r.promptTokens),
      latencyP50Ms: percentile(latencies, 0.5), latencyP95Ms: percentile(latencies, 0.95),
    };
  });
  const lookups = cache.hits + cache.misses;
  return {
    generatedAt: new Date(now).toISOString(), totals,
    languages: [...languages].map(([language, files]) => ({ language, files })).sort((a, b) => b.files - a.files || a.language.localeCompare(b.language)),
    history: [...history].sort(([a], [b]) => a.localeCompare(b)).map(([day, point]) => ({ day, ...point })),
    activity, cache: { ...cache, hitRate: lookups ? cache.hits / lookups : null },
    scoring: { model: options.scoringModel ?? null, note: options.scoringModel ? undefined : options.scoringNote }, review,
  };
}
