/// <reference types="mocha" />
// The dashboard: Show Statistics opens a webview that draws its charts (Chart.js in the workbench's Chromium) from
// the numbers the extension sends, under a CSP that admits only its own script.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeMemory, waitFor } from './support';

describe('the dashboard', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens from Show Statistics and draws every chart from the index\'s numbers', async () => {
    const api = await codeMemory();
    await api.indexAll();
    const summary = await vscode.commands.executeCommand<{ entities: number }>('codeMemory.showStatistics');
    assert.ok(summary && summary.entities > 0, 'the command still resolves to the totals');
    const state = await waitFor('the charts drawn in the webview', () => {
      const now = api.dashboard();
      return now.charts.length === 4 ? now : undefined;
    }, 30_000);
    assert.deepEqual([...state.charts].sort(), ['history', 'languages', 'latency', 'questions']);
    const data = state.data!;
    assert.equal(data.totals.entities, summary.entities);
    assert.ok(data.languages.some((l) => l.language === 'typescript'));
    assert.ok(data.history.length >= 1, 'today is in the history');
    assert.equal(data.activity.length, 14);
  });
});
