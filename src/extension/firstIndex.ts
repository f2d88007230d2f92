import * as vscode from 'vscode';
import type { IndexRunSummary } from '../core/indexing/indexer';
import { formatNumber } from './format';

/** Remembered per workspace: the first finished index is announced once. */
const ANNOUNCED_KEY = 'codeMemory.firstIndexAnnounced';
const SKIP_WORDS: Record<string, string> = {
  'too-large': 'too large', binary: 'binary', minified: 'minified', generated: 'generated', unreadable: 'unreadable', 'parse-failed': 'could not be parsed',
};

/** "Indexed 120 files: 4,606 symbols. Skipped 5: 3 too large, 2 minified." */
export function describeFirstIndex(summaries: readonly IndexRunSummary[], symbols: number): string {
  const files = summaries.reduce((n, s) => n + s.indexed + s.unchanged, 0);
  const reasons = new Map<string, number>();
  for (const { reason } of summaries.flatMap((s) => s.skipped)) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  const skipped = [...reasons].sort(([, a], [, b]) => b - a).map(([reason, n]) => `${formatNumber(n)} ${SKIP_WORDS[reason] ?? reason}`);
  const total = [...reasons.values()].reduce((a, b) => a + b, 0);
  return `Code Memory indexed ${formatNumber(files)} files: ${formatNumber(symbols)} symbols, searchable in chat as @memory and by agents.` +
    (total ? ` Skipped ${formatNumber(total)}: ${skipped.join(', ')} (see the log).` : '');
}

/** After the first complete index of this workspace: says what was indexed and skipped, once, with the way on. */
export function announceFirstIndex(context: vscode.ExtensionContext, summaries: readonly IndexRunSummary[], symbols: number): void {
  if (!summaries.length || summaries.some((s) => s.cancelled) || context.workspaceState.get(ANNOUNCED_KEY)) return;
  void context.workspaceState.update(ANNOUNCED_KEY, true);
  const open = 'Open Code Memory';
  const log = 'Open Log';
  const actions = summaries.some((s) => s.skipped.length) ? [open, log] : [open];
  void vscode.window.showInformationMessage(describeFirstIndex(summaries, symbols), ...actions).then((choice) => {
    if (choice === open) void vscode.commands.executeCommand('workbench.view.extension.codeMemory');
    if (choice === log) void vscode.commands.executeCommand('codeMemory.openLog');
  });
}
