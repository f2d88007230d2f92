import { CodeMemorySystem } from '../core/codeMemorySystem';
import type { RetrievalResult } from '../core/memorySystem';
import type { CodeContext, ScoredMemory } from '../core/retrieval/types';
import { interruptSignal, LOCATION_OPTIONS, parse, parseFraction, parsePositiveInt, parsePositiveNumber, UsageError, workspaceOf } from './args';
import { MODEL_OPTIONS, scoringModelFrom } from './modelOptions';
import { print, printable, warn } from './output';

export const SEARCH_USAGE = `code-memory search QUERY [--workspace DIR] [--db PATH] [--limit N] [--threshold X] [--json]
                   [--file PATH] [--error TEXT] [--accessed PATH]... [model options]`;

/**
 * Search runs the retrieval pipeline: the best --limit results, cut where they fall clearly below the best
 * (the engine's floors) or, with --threshold, below that score.
 */
export async function runSearch(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...LOCATION_OPTIONS,
    ...MODEL_OPTIONS,
    limit: { type: 'string' },
    threshold: { type: 'string' },
    json: { type: 'boolean' },
    file: { type: 'string' },
    error: { type: 'string' },
    accessed: { type: 'string', multiple: true },
  });
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('search needs a query');
  const limit = values.limit === undefined ? 10 : parsePositiveInt(values.limit, '--limit');
  const threshold = values.threshold === undefined ? 0 : parseFraction(values.threshold, '--threshold');
  const scoringModel = scoringModelFrom(values);
  const scoringTimeout = values['scoring-timeout'] === undefined ? undefined : parsePositiveNumber(values['scoring-timeout'], '--scoring-timeout');
  const system = CodeMemorySystem.open(workspaceOf(values), {
    dbPath: values.db, mustExist: true, scoringModel, onWarning: warn,
    // Enough candidates for the asked-for count, within the engine's cap.
    config: { maxMemories: Math.min(limit, 1000), candidateCount: Math.min(500, Math.max(40, limit)), relevanceThreshold: threshold,
      ...(scoringTimeout !== undefined && { scoringTimeout }) },
  });
  const interrupt = interruptSignal('cancelling…');
  try {
    const context: CodeContext = { userQuery: query, currentFile: values.file, errors: values.error, accessedFiles: values.accessed };
    // A model can take a while: say what the wait is for, and how long it may last at most.
    if (scoringModel) process.stderr.write(printable(`code-memory: scoring with ${scoringModel.name} (at most ${system.config.scoringTimeout} s)…\n`));
    const result = await system.retrieve(context, { signal: interrupt.signal });
    // A score of 0 means nothing matched and nothing links it: not a result, even at threshold 0.
    result.memories = result.memories.filter((m) => m.relevanceScore > 0 && m.relevanceScore >= threshold);
    if (result.warning) warn(result.warning);
    if (system.index.outdated()) {
      warn('the index was built by another version; run `code-memory index` to search all code again');
    }
    if (values.json) process.stdout.write(`${JSON.stringify(jsonResult(result))}\n`);
    else print(formatResult(result, query, scoringModel?.name));
    return 0;
  } catch (error) {
    if (interrupt.signal.aborted) return 130;
    throw error;
  } finally {
    interrupt.release();
    system.close();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The foundation's keys first, with their meaning unchanged; what the pipeline adds follows. */
function jsonResult(result: RetrievalResult) {
  return {
    results: result.memories.map((m) => {
      const code = m.kind === 'code';
      return {
        file: m.file ?? null,
        start_line: m.startLine ?? null,
        end_line: m.endLine ?? null,
        name: code ? (m.metadata.name as string | null) : titleOf(m),
        kind: code ? (m.metadata.entityKind as string | null) ?? 'top-level' : m.kind,
        score: round(m.relevanceScore),
        id: m.memoryId,
        unit: code ? m.metadata.unit : null,
        qualified_name: code ? m.metadata.qualifiedName : null,
        reasoning: m.reasoning,
        score_parts: {
          source: m.scoreParts.source, base: round(m.scoreParts.base),
          dependency_boost: round(m.scoreParts.dependencyBoost), recency_boost: round(m.scoreParts.recencyBoost),
        },
      };
    }),
    ranked_by: result.source,
    candidates: result.candidates,
    model_calls: result.modelCalls,
    cache_hits: result.cacheHits,
    missing_words: result.missingWords,
    ...(result.warning ? { warning: result.warning } : {}),
  };
}

function titleOf(memory: ScoredMemory): string {
  const line = memory.text.split('\n')[0].trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function formatResult(result: RetrievalResult, query: string, modelName: string | undefined): string {
  const footer = result.source === 'model'
    ? `Ranked by ${modelName}: ${result.modelCalls} call${result.modelCalls === 1 ? '' : 's'}, ${result.cacheHits} cached scores, ${result.candidates} candidates.`
    : `Ranked by matching words${modelName ? '' : ' (no model configured)'}, ${result.candidates} candidates.`;
  const missing = result.missingWords.length
    ? `No code or memory mentions ${result.missingWords.map((w) => `"${w}"`).join(', ')}.\n` : '';
  if (!result.memories.length) return `Nothing relevant found for "${query}".\n${missing}${footer}\n`;
  const lines = result.memories.map((m, i) => {
    const where = m.file ? `${m.file}${m.startLine ? `:${m.startLine}-${m.endLine}` : ''}  ` : '';
    const what = m.kind === 'code' ? String(m.metadata.description) : `[${m.kind}] ${titleOf(m)}`;
    const { source, base, dependencyBoost, recencyBoost } = m.scoreParts;
    const parts = `${source === 'model' ? 'model' : 'words'} ${base.toFixed(2)} + dependency ${dependencyBoost.toFixed(2)} + recency ${recencyBoost.toFixed(2)}`;
    const signature = m.kind === 'code' && m.metadata.signature ? `\n    ${String(m.metadata.signature)}` : '';
    return `${String(i + 1).padStart(2)}. ${where}${what}  (score ${m.relevanceScore.toFixed(2)} = ${parts})${signature}\n    why: ${m.reasoning}\n`;
  });
  return `${lines.join('')}${missing}${footer}\n`;
}
