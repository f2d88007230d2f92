/**
 * The relevance engine's costs on the bench index: retrieval latency without a model, model calls and prompt
 * tokens per query with a counting stand-in model against — in the same run — the seed's strategy of scoring
 * every memory, calls on a repeated query, and docstring retrieval quality with and without boosts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeMemorySystem } from '../src/core/codeMemorySystem';
import type { ModelProvider } from '../src/core/models/modelProvider';
import { scoringPrompt, type ScoringItem } from '../src/core/retrieval/modelScorer';
import { approximateTokens } from '../src/core/retrieval/prompt';
import type { CodeContext, RetrievalConfig } from '../src/core/retrieval/types';
import { percentile, RankTally } from './measure';

export interface QualityQuery {
  /** The function's entity id; `unit` is the unit holding its first line. */
  id: number;
  unit: number;
  query: string;
  language: string;
}

type Line = (text?: string) => void;

/** Answers every scoring prompt at once with a score per memory, counting calls and prompt tokens. */
class CountingModel implements ModelProvider {
  readonly name = 'counting-stand-in';
  calls = 0;
  promptTokens = 0;

  async complete(prompt: string): Promise<string> {
    this.calls++;
    this.promptTokens += approximateTokens(prompt);
    const ids = [...prompt.matchAll(/<memory-[0-9a-f]+ id="(m\d+)">/g)].map((m) => m[1]);
    return JSON.stringify(ids.map((id, i) => ({ id, score: ((i * 37) % 100) / 100, reasoning: 'stand-in' })));
  }

  reset(): void {
    this.calls = 0;
    this.promptTokens = 0;
  }
}

/** Realistic contexts: a question, a current file elsewhere in the code base, an error every fourth time. */
function contexts(system: CodeMemorySystem, questions: string[]): CodeContext[] {
  const rows = system.index.database.prepare(`SELECT e.name, f.path FROM entities e JOIN files f ON f.id = e.file_id
    WHERE e.kind IN ('function', 'method') ORDER BY e.id`).all() as { name: string; path: string }[];
  return questions.map((userQuery, i) => {
    const other = rows[(i * 7919) % rows.length];
    return {
      userQuery, currentFile: other.path,
      errors: i % 4 === 0 ? `AttributeError: 'NoneType' object has no attribute '${other.name}'` : undefined,
    };
  });
}

async function timeQueries(system: CodeMemorySystem, queries: CodeContext[]): Promise<number[]> {
  const ms: number[] = [];
  for (const context of queries) {
    const start = performance.now();
    await system.retrieve(context);
    ms.push(performance.now() - start);
  }
  return ms;
}

export async function benchRetrieval(system: CodeMemorySystem, corpus: string, questions: string[], quality: QualityQuery[], line: Line): Promise<void> {
  const { entities, units } = system.getStats().index;
  const queries = contexts(system, questions);
  const lexicalConfig: Partial<RetrievalConfig> = { relevanceThreshold: 0, maxMemories: 15 };
  system.updateRetrievalConfig(lexicalConfig);
  system.setScoringModel(undefined);
  await timeQueries(system, queries.slice(0, 20));
  const lexicalMs = await timeQueries(system, queries);

  const model = new CountingModel();
  system.setScoringModel(model);
  system.clearCache();
  const modelMs = await timeQueries(system, queries);
  const calls = model.calls;
  const tokens = model.promptTokens;
  const candidates = system.config.candidateCount;
  model.reset();
  await timeQueries(system, queries);
  const repeatCalls = model.calls;

  // The seed's strategy: one call per memory, every memory, for one query.
  model.reset();
  const seedSeconds = await scoreEverything(system, corpus, queries[1], model);
  const seedCalls = model.calls;
  const seedTokens = model.promptTokens;
  system.setScoringModel(undefined);

  line('| Retrieval (CodeContext → ranked memories) | p50 | p95 | goal |');
  line('|---|---|---|---|');
  line(`| no model: lexical + boosts, ${queries.length} contexts, ${entities} entities in ${units} units | ${percentile(lexicalMs, 0.5).toFixed(1)} ms | ${percentile(lexicalMs, 0.95).toFixed(1)} ms | p95 ≤ 30 ms |`);
  line(`| stand-in model answering at once (engine overhead only), cold cache | ${percentile(modelMs, 0.5).toFixed(1)} ms | ${percentile(modelMs, 0.95).toFixed(1)} ms | — |`);
  line();
  line(`| Model cost per query (K = ${candidates} candidates, batchSize ${system.config.batchSize}) | calls | prompt tokens | vs scoring every memory |`);
  line('|---|---|---|---|');
  line(`| this engine, cold cache (mean of ${queries.length}) | ${(calls / queries.length).toFixed(2)} | ${(tokens / queries.length).toFixed(0)} | ${(seedCalls / (calls / queries.length)).toFixed(0)}× fewer calls, ${(seedTokens / (tokens / queries.length)).toFixed(0)}× fewer tokens |`);
  line(`| this engine, same ${queries.length} queries again (goal 0 calls) | ${repeatCalls} | — | — |`);
  line(`| seed strategy: every memory, one call each (measured for one query, ${seedSeconds.toFixed(1)} s of prompt building) | ${seedCalls} | ${seedTokens} | 1× |`);
  line();

  await benchQuality(system, quality, line);
}

/** Builds and "sends" one scoring prompt per unit, as the seed's per-memory scoring would. */
async function scoreEverything(system: CodeMemorySystem, corpus: string, context: CodeContext, model: CountingModel): Promise<number> {
  const start = performance.now();
  const rows = system.index.database.prepare(`SELECT coalesce(e.kind, 'code') AS kind, coalesce(e.qualified_name, '') AS name,
    u.start_line AS startLine, u.end_line AS endLine, f.path FROM units u JOIN files f ON f.id = u.file_id
    LEFT JOIN entities e ON e.id = u.entity_id ORDER BY f.path, u.start_line`).all() as
    { kind: string; name: string; startLine: number; endLine: number; path: string }[];
  let file = '';
  let lines: string[] = [];
  for (const row of rows) {
    if (row.path !== file) {
      file = row.path;
      lines = fs.readFileSync(path.join(corpus, file), 'utf8').split('\n');
    }
    const item: ScoringItem = { memoryId: '', label: `${row.kind} ${row.name} in ${row.path}`, text: lines.slice(row.startLine - 1, row.endLine).join('\n') };
    await model.complete(scoringPrompt(context, [item]));
  }
  return (performance.now() - start) / 1000;
}

async function benchQuality(system: CodeMemorySystem, quality: QualityQuery[], line: Line): Promise<void> {
  const withBoosts = (on: boolean) => system.updateRetrievalConfig({ enableDependencyBoost: on, enableRecencyBoost: on, maxMemories: 10 });
  // The same questions asked from a file that calls the function: what the dependency boost is for.
  const callerOf = system.index.database.prepare(`SELECT f.path FROM calls c JOIN entities e ON e.id = c.entity_id
    JOIN files f ON f.id = e.file_id WHERE c.target_id = ? AND e.file_id != (SELECT file_id FROM entities WHERE id = ?) LIMIT 1`).pluck();
  const fromCaller = quality.flatMap((q) => {
    const file = callerOf.get(q.id, q.id) as string | undefined;
    return file ? [{ ...q, currentFile: file }] : [];
  });
  const variants: [string, QualityQuery[], () => void, (q: QualityQuery & { currentFile?: string }) => Promise<number[]>][] = [
    ['full-text search alone (bm25, the foundation)', quality, () => undefined, async (q) => system.index.search(q.query, { limit: 10 }).map((h) => h.id)],
    ['lexical score, no boosts', quality, () => withBoosts(false), retrieveIds(system)],
    ['lexical score + dependency and recency boosts', quality, () => withBoosts(true), retrieveIds(system)],
    ['asked from a file that calls it: no boosts', fromCaller, () => withBoosts(false), retrieveIds(system)],
    ['asked from a file that calls it: with boosts', fromCaller, () => withBoosts(true), retrieveIds(system)],
  ];
  line('| Retrieval quality: docstring first sentence (name removed) → its function | queries | Hit@1 | Hit@10 | MRR |');
  line('|---|---|---|---|---|');
  for (const [label, queries, prepare, rank] of variants) {
    prepare();
    const tally = new RankTally();
    for (const q of queries) tally.add((await rank(q)).indexOf(q.unit) + 1);
    line(`| ${label} | ${tally.cells()} |`);
  }
  line();
}

function retrieveIds(system: CodeMemorySystem) {
  return async (q: QualityQuery & { currentFile?: string }) => (await system.retrieveRelevantMemories({ userQuery: q.query, currentFile: q.currentFile }))
    .flatMap((m) => (m.memoryId.startsWith('code:') ? [Number(m.memoryId.slice(5))] : []));
}
