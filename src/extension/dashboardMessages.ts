// The dashboard webview's messages and what the extension does with them. No `vscode` here: the handling is
// unit tested outside VS Code (test/extension/dashboardMessages.test.ts), the panel only wires it up.
import type { DashboardData } from '../core/stats/dashboard';

/** What the page may ask; anything else is ignored (a webview must not run arbitrary commands). */
const ACTIONS = {
  index: ['codeMemory.indexWorkspace'],
  openMemories: ['workbench.view.extension.codeMemory'],
  review: ['codeMemory.memories.filter', 'is:conflicting'],
  reviewStale: ['codeMemory.reviewStaleMemories'],
  openSettings: ['workbench.action.openSettings', 'codeMemory.scoringModel'],
} as const;

export type ToWebview = { type: 'data'; data: DashboardData; locale: string };

export interface DashboardHost {
  data(): DashboardData;
  locale: string;
  post(message: ToWebview): unknown;
  run(command: string, ...args: unknown[]): PromiseLike<unknown>;
  /** The page drew these charts (a canvas with a size each). */
  rendered(charts: string[]): void;
}

export async function handleDashboardMessage(message: unknown, host: DashboardHost): Promise<void> {
  if (!message || typeof message !== 'object') return;
  const { type } = message as { type?: unknown };
  if (type === 'ready' || type === 'refresh') {
    host.post({ type: 'data', data: host.data(), locale: host.locale });
  } else if (type === 'rendered') {
    const { charts } = message as { charts?: unknown };
    if (Array.isArray(charts)) host.rendered(charts.filter((c): c is string => typeof c === 'string'));
  } else if (type === 'run') {
    const { action, id, folder } = message as { action?: unknown; id?: unknown; folder?: unknown };
    if (action === 'openMemory' && typeof id === 'string' && /^(mem|personal):\d+$/.test(id)) {
      await host.run('codeMemory.memories.open', id, typeof folder === 'string' ? folder : undefined);
    } else if (typeof action === 'string' && Object.hasOwn(ACTIONS, action)) {
      const [command, ...args] = ACTIONS[action as keyof typeof ACTIONS];
      await host.run(command, ...args);
      if (action === 'review') await host.run(ACTIONS.openMemories[0]);
    }
  }
}
