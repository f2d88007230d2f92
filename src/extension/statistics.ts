import * as vscode from 'vscode';
import { type MemoryKind, MEMORY_KINDS } from '../core/memories/model';
import { formatDate, formatNumber, formatPercent } from './format';
import { describeError } from './log';
import type { Workspaces } from './workspaces';

/** Totals over every folder, for the status bar and its tooltip (cheap: counts only). */
export interface Summary {
  files: number;
  entities: number;
  memories: number;
  cache: { size: number; hits: number; misses: number };
  lastIndexedAt: string | undefined;
}

export function summary(workspaces: Workspaces): Summary {
  const total: Summary = { files: 0, entities: 0, memories: 0, cache: { size: 0, hits: 0, misses: 0 }, lastIndexedAt: undefined };
  for (const { system } of workspaces.indexed()) {
    const one = system.summary();
    total.files += one.files;
    total.entities += one.entities;
    total.memories += one.memories;
    total.cache.size += one.cache.size;
    total.cache.hits += one.cache.hits;
    total.cache.misses += one.cache.misses;
    if (one.lastIndexedAt && (!total.lastIndexedAt || one.lastIndexedAt > total.lastIndexedAt)) total.lastIndexedAt = one.lastIndexedAt;
  }
  return total;
}

/** Share of score lookups the cache answered; undefined before the first lookup. */
export function hitRate(cache: Summary['cache']): number | undefined {
  const lookups = cache.hits + cache.misses;
  return lookups ? cache.hits / lookups : undefined;
}

/** Everything Code Memory holds, per folder, as Markdown (`@memory /stats`), in the user's number and date formats. */
export function statisticsMarkdown(workspaces: Workspaces): string {
  if (!workspaces.trusted) return 'This workspace is not trusted: Code Memory has not indexed it.';
  const folders = workspaces.folders();
  if (!folders.length) return 'Open a folder to give Code Memory something to remember.';
  const sections = folders.map((folder) => {
    if (!workspaces.hasIndex(folder)) return `## ${folder.name}\nNot indexed yet: run **Code Memory: Index Workspace**.`;
    try {
      const stats = workspaces.system(folder).getStats();
      const { index, cacheStats, memoriesByKind, scoringModel } = stats;
      const rate = hitRate(cacheStats);
      const n = formatNumber;
      const languages = Object.entries(index.filesByLanguage).map(([language, count]) => `${language} ${n(count)}`).join(', ') || 'none';
      const kinds = Object.entries(index.entitiesByKind).map(([kind, count]) => `${kind} ${n(count)}`).join(', ') || 'none';
      return [
        `## ${folder.name}`,
        '| | |', '|---|---|',
        `| Files | ${n(index.files)} (${languages}) |`,
        `| Symbols | ${n(index.entities)} (${kinds}) |`,
        `| Calls resolved | ${n(index.resolvedCalls)} of ${n(index.calls)} |`,
        `| Imports resolved | ${n(index.resolvedImports)} of ${n(index.imports)} |`,
        `| Memories | ${n(stats.totalNonCodeMemories)}${stats.totalNonCodeMemories ? ` (${Object.entries(memoriesByKind).filter(([, count]) => count)
          .map(([kind, count]) => `${MEMORY_KINDS[kind as MemoryKind].label.toLowerCase()} ${n(count)}`).join(', ')})` : ''} |`,
        `| Score cache | ${n(cacheStats.size)} scores; this session ${n(cacheStats.hits)} hits, ${n(cacheStats.misses)} misses${rate === undefined ? '' : ` (${formatPercent(rate)})`} |`,
        `| Scoring model | ${scoringModel.name ?? `none, so ranking uses words and the call graph${workspaces.scoringNote ? ` (${workspaces.scoringNote})` : ''}`}${scoringModel.name ? ` (${n(scoringModel.calls)} calls, ${n(scoringModel.failures)} failed)` : ''} |`,
        `| Last indexed | ${index.lastIndexedAt ? formatDate(index.lastIndexedAt) : 'never'} |`,
        `| Database | \`${index.database}\` (${new Intl.NumberFormat(vscode.env.language, { maximumFractionDigits: 1 }).format(index.databaseBytes / 1024 / 1024)} MB) |`,
      ].join('\n');
    } catch (error) {
      return `## ${folder.name}\nUnavailable: ${describeError(error)}`;
    }
  });
  return `# Code Memory\n\n${sections.join('\n\n')}\n`;
}
