import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { type DashboardData, dashboardData } from '../core/stats/dashboard';
import { handleDashboardMessage } from './dashboardMessages';
import { describeError } from './log';
import { summary } from './statistics';
import type { Workspaces } from './workspaces';

/** Changes arriving together (indexing notifies often) update an open dashboard once. */
const UPDATE_DEBOUNCE_MS = 1000;

const EMPTY: DashboardData = {
  generatedAt: new Date(0).toISOString(), totals: { files: 0, entities: 0, units: 0, memories: 0, databaseBytes: 0 }, languages: [],
  history: [], activity: [], cache: { size: 0, hits: 0, misses: 0, hitRate: null }, scoring: { model: null }, review: [],
};

/** The page: the bundled script and stylesheet from dist/, nothing remote; scripts only with this load's nonce. */
function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', name));
  const csp = `default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; ` +
    `font-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dashboard.css')}">
<title>Code Memory</title>
</head>
<body>
<header>
  <h1>Code Memory</h1>
  <vscode-button id="refresh" secondary>Refresh</vscode-button>
  <vscode-button id="index" secondary>Index Workspace</vscode-button>
  <vscode-button id="open-view">Open Memories</vscode-button>
</header>
<div class="totals" id="totals" role="list" aria-label="Totals"></div>
<p class="note"><span id="cache"></span> · <span id="size"></span></p>
<p class="note"><span id="scoring"></span> <vscode-button id="settings" secondary hidden>Scoring Model Settings</vscode-button></p>
<vscode-divider></vscode-divider>
<div class="grid">
  <section><h2>Files by language</h2><div class="chart"><canvas id="languages" role="img" aria-label="Files by language"></canvas></div></section>
  <section><h2>Entities and memories over time</h2><div class="chart"><canvas id="history" role="img" aria-label="Entities and memories per day"></canvas></div></section>
  <section><h2>Questions, model calls and prompt tokens</h2><div class="chart"><canvas id="questions" role="img" aria-label="Questions per day with model calls and prompt tokens per question"></canvas></div></section>
  <section><h2>Retrieval latency</h2><div class="chart"><canvas id="latency" role="img" aria-label="Retrieval latency per day, median and 95th percentile"></canvas></div></section>
</div>
<section>
  <h2>To review <vscode-badge id="review-count">0</vscode-badge> <vscode-button id="review-stale" secondary>Review Stale</vscode-button> <vscode-button id="review-all" secondary>Show Conflicting</vscode-button></h2>
  <ul id="review"></ul>
</section>
<p class="note" id="generated"></p>
<script nonce="${nonce}" src="${asset('dashboard.js')}"></script>
</body>
</html>`;
}

export interface DashboardApi {
  /** Charts the open dashboard reported drawn, and the data it was last sent. */
  state(): { charts: string[]; data: DashboardData | undefined };
}

/** The dashboard (a webview panel, one at a time); Show Statistics opens it. */
export function registerDashboard(context: vscode.ExtensionContext, workspaces: Workspaces): DashboardApi {
  let panel: vscode.WebviewPanel | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let drawn: string[] = [];
  let sent: DashboardData | undefined;
  // One folder that cannot be read (damaged, say) is reported as such and left out; the others still show.
  const data = (): DashboardData => {
    if (!workspaces.trusted) return EMPTY;
    const folders = workspaces.folders().filter((folder) => workspaces.hasIndex(folder)).flatMap((folder) => {
      try {
        return [{ name: folder.name, system: workspaces.system(folder), service: workspaces.memoryService(folder) }];
      } catch (error) {
        workspaces.reportFailure(folder, error);
        return [];
      }
    });
    try {
      sent = folders.length ? dashboardData(folders, { scoringModel: workspaces.scoringModelName, scoringNote: workspaces.scoringNote }) : EMPTY;
    } catch (error) {
      folders.forEach(({ name }) => workspaces.folders().filter((f) => f.name === name).forEach((f) => workspaces.reportFailure(f, error)));
      sent = { ...EMPTY, scoring: { model: null, note: `the numbers could not be read: ${describeError(error)}` } };
    }
    return sent;
  };
  const host = (webview: vscode.Webview) => ({
    data, locale: vscode.env.language,
    post: (message: unknown) => webview.postMessage(message),
    run: (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args),
    rendered: (charts: string[]) => (drawn = charts),
  });
  const open = () => {
    if (panel) {
      panel.reveal(undefined, true);
      void panel.webview.postMessage({ type: 'data', data: data(), locale: vscode.env.language });
      return;
    }
    drawn = [];
    panel = vscode.window.createWebviewPanel('codeMemory.dashboard', 'Code Memory', { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
    });
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'code-memory.svg');
    const webview = panel.webview;
    webview.html = html(webview, context.extensionUri);
    const listeners = [
      webview.onDidReceiveMessage((message) => handleDashboardMessage(message, host(webview))
        .catch((error) => void vscode.window.showErrorMessage(`Code Memory could not do that: ${describeError(error)}`))),
      // The numbers follow the index and the memories while the dashboard is open, a second after changes settle.
      workspaces.onDidChange(() => {
        clearTimeout(timer);
        timer = setTimeout(() => panel?.visible && void webview.postMessage({ type: 'data', data: data(), locale: vscode.env.language }), UPDATE_DEBOUNCE_MS);
      }),
    ];
    panel.onDidDispose(() => {
      clearTimeout(timer);
      listeners.forEach((l) => l.dispose());
      panel = undefined;
    });
  };
  context.subscriptions.push(vscode.commands.registerCommand('codeMemory.showStatistics', () => {
    open();
    return summary(workspaces);
  }));
  return { state: () => ({ charts: drawn, data: sent }) };
}
