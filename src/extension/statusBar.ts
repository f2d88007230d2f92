import * as vscode from 'vscode';
import { formatDate, formatNumber, formatPercent } from './format';
import { describeError } from './log';
import { hitRate, summary } from './statistics';
import type { ProfileFeature } from './profile';
import type { Workspaces } from './workspaces';

/** Progress ticks arrive per parsed file; counting rows that often would cost more than the display is worth. */
const REFRESH_INTERVAL_MS = 500;

/**
 * One status bar item: the symbols indexed, a spinner with progress while indexing, the score cache and the rest
 * in the tooltip; a click opens the dashboard.
 */
export function registerStatusBar(context: vscode.ExtensionContext, workspaces: Workspaces, profile: ProfileFeature): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('codeMemory.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Code Memory';
  item.command = 'codeMemory.showStatistics';
  let timer: NodeJS.Timeout | undefined;
  let last = 0;

  const render = () => {
    timer = undefined;
    last = Date.now();
    item.backgroundColor = undefined;
    if (!workspaces.folders().length) {
      item.hide();
      return;
    }
    if (!workspaces.trusted) {
      item.text = '$(shield) Code Memory';
      item.tooltip = 'Code Memory is off in this untrusted workspace: trust it to index the code and use models.';
    } else if (workspaces.indexing) {
      const { folder, phase, percent } = workspaces.indexing;
      item.text = `$(sync~spin) Indexing ${percent}%`;
      item.tooltip = `Code Memory: ${phase} in ${folder}`;
    } else if (workspaces.lastError) {
      item.text = '$(warning) Code Memory';
      item.tooltip = `Code Memory: ${workspaces.lastError}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (!workspaces.folders().some((folder) => workspaces.hasIndex(folder))) {
      item.text = '$(database) Code Memory: not indexed';
      item.tooltip = 'Code Memory has not indexed this workspace yet: run "Code Memory: Index Workspace".';
    } else {
      try {
        const totals = summary(workspaces);
        const rate = hitRate(totals.cache);
        item.text = `$(database) Code Memory: ${formatNumber(totals.entities)} symbols`;
        const tooltip = new vscode.MarkdownString(undefined, true);
        tooltip.appendMarkdown('**Code Memory**\n\n');
        tooltip.appendMarkdown([
          `$(file-code) ${formatNumber(totals.files)} files · ${formatNumber(totals.entities)} symbols (functions, classes, methods…)`,
          `$(note) ${formatNumber(totals.memories)} memories`,
          `$(history) Score cache: ${formatNumber(totals.cache.size)} scores; ${rate === undefined ? 'no lookups yet' : `${formatPercent(rate)} of lookups answered from it`}`,
          `$(clock) Last indexed: ${totals.lastIndexedAt ? formatDate(totals.lastIndexedAt) : 'never'}`,
          `$(account) Profile: ${profile.statusLine()}`,
        ].join('\n\n'));
        tooltip.appendMarkdown('\n\nClick for the dashboard');
        item.tooltip = tooltip;
      } catch (error) {
        item.text = '$(warning) Code Memory';
        item.tooltip = `Code Memory: ${describeError(error)}`;
      }
    }
    item.show();
  };
  const refresh = () => {
    if (timer) return;
    timer = setTimeout(render, Math.max(0, REFRESH_INTERVAL_MS - (Date.now() - last)));
  };

  context.subscriptions.push(
    item,
    workspaces.onDidChange(refresh),
    profile.onDidChange(refresh),
    vscode.workspace.onDidGrantWorkspaceTrust(refresh),
    vscode.workspace.onDidChangeWorkspaceFolders(refresh),
    { dispose: () => timer && clearTimeout(timer) },
  );
  render();
  return item;
}
