/** A final score and what each boost added to it. */
export interface Relevance {
  score: number;
  dependencyBoost: number;
  recencyBoost: number;
}

/**
 * Combines a base score (0–1) with boosts as independent evidence: each boost closes its share of the gap to
 * 1 (score = 1 − (1 − base)(1 − dependency)(1 − recency)). Scores keep their order (a boosted weak match never
 * ties a strong one at a cap) and stay below 1 unless the base or a boost is 1 itself (lexical bases never are).
 * Each part is what it actually added.
 */
export function relevance(base: number, dependency: number, recency: number): Relevance {
  const dependencyBoost = (1 - base) * dependency;
  const recencyBoost = (1 - base - dependencyBoost) * recency;
  return { score: base + dependencyBoost + recencyBoost, dependencyBoost, recencyBoost };
}

/**
 * Floors for lexical scores, measured on the localization benchmark (see search/README.md): when even the best
 * match holds less than `absolute` of the question's most telling words, nothing is about it; a result below
 * `relative` times the best one's score is noise beside it.
 */
export const FLOORS = { absolute: 0.12, relative: 0.4 };

/**
 * What is worth returning: the model's scores are judged against the threshold (they mean "relevant" on their
 * own); lexical scores against the floors, since they measure how much of the question a memory contains. The
 * absolute floor looks at the words alone: being near the current file or recent does not make anything about
 * the question. Code linked to the current file by a call or an import is kept whatever its words: that link is
 * evidence of its own (a link to another candidate is not).
 */
export function keep<T extends { relevanceScore: number; candidate: { strength: number }; nearCurrentFile: boolean;
  scoreParts?: { stalePenalty?: number } }>(ranked: readonly T[], source: 'model' | 'lexical', threshold: number): T[] {
  // A stale memory is judged on its score before the penalty: the penalty orders it behind current ones, it does
  // not push a relevant memory under the threshold or the floors.
  const judged = (r: T) => r.relevanceScore + (r.scoreParts?.stalePenalty ?? 0);
  if (source === 'model') return ranked.filter((r) => judged(r) >= threshold);
  if (ranked.reduce((max, r) => Math.max(max, r.candidate.strength), 0) < FLOORS.absolute) return [];
  const best = ranked.reduce((max, r) => Math.max(max, judged(r)), 0);
  return ranked.filter((r) => judged(r) >= FLOORS.relative * best || r.nearCurrentFile);
}
