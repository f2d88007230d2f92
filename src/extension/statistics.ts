import * as vscode from 'vscode';
import { type MemoryKind, MEMORY_KINDS } from '../core/memories/model';
import { describeError } from './log';
import type { Workspaces } from './workspaces';

const SCHEME = 'code-memory';
const STATISTICS_URI = vscode.Uri.from({ scheme: SCHEME, path: '/Code Memory Statistics.md' });

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

/** Everything Code Memory holds, per folder, as Markdown (Show Statistics and `@memory /stats`). */
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
      const languages = Object.entries(index.filesByLanguage).map(([language, n]) => `${language} ${n}`).join(', ') || 'none';
      const kinds = Object.entries(index.entitiesByKind).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
      return [
        `## ${folder.name}`,
        '| | |', '|---|---|',
        `| Files | ${index.files} (${languages}) |`,
        `| Entities | ${index.entities} (${kinds}) |`,
        `| Calls resolved | ${index.resolvedCalls} of ${index.calls} |`,
        `| Imports resolved | ${index.resolvedImports} of ${index.imports} |`,
        `| Memories | ${stats.totalNonCodeMemories}${stats.totalNonCodeMemories ? ` (${Object.entries(memoriesByKind).filter(([, n]) => n)
          .map(([kind, n]) => `${MEMORY_KINDS[kind as MemoryKind].label.toLowerCase()} ${n}`).join(', ')})` : ''} |`,
        `| Score cache | ${cacheStats.size} scores; this session ${cacheStats.hits} hits, ${cacheStats.misses} misses${rate === undefined ? '' : ` (${Math.round(rate * 100)}%)`} |`,
        `| Scoring model | ${scoringModel.name ?? 'none: lexical and call-graph ranking'}${scoringModel.name ? ` (${scoringModel.calls} calls, ${scoringModel.failures} failed)` : ''} |`,
        `| Last indexed | ${index.lastIndexedAt ? new Date(index.lastIndexedAt).toLocaleString() : 'never'} |`,
        `| Database | \`${index.database}\` (${(index.databaseBytes / 1024 / 1024).toFixed(1)} MB) |`,
      ].join('\n');
    } catch (error) {
      return `## ${folder.name}\nUnavailable: ${describeError(error)}`;
    }
  });
  return `# Code Memory\n\n${sections.join('\n\n')}\n`;
}

/** Show Statistics: a read-only Markdown document, rendered as a preview where Markdown support is installed. */
export function registerStatistics(context: vscode.ExtensionContext, workspaces: Workspaces): void {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: () => statisticsMarkdown(workspaces),
    }),
    vscode.commands.registerCommand('codeMemory.showStatistics', async () => {
      changed.fire(STATISTICS_URI);
      try {
        await vscode.commands.executeCommand('markdown.showPreview', STATISTICS_URI);
      } catch {
        await vscode.window.showTextDocument(STATISTICS_URI, { preview: true });
      }
      return summary(workspaces);
    }),
  );
}
