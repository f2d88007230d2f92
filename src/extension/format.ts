import * as vscode from 'vscode';

/**
 * Numbers, percentages and dates in VS Code's display language (not the extension host's, which can differ), so
 * "4,606" reads "4.606" to a German user everywhere Code Memory shows one.
 */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(vscode.env.language).format(value);
}

export function formatPercent(share: number): string {
  return new Intl.NumberFormat(vscode.env.language, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export function formatDate(time: string | number): string {
  return new Date(time).toLocaleString(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' });
}
