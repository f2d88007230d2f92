import * as vscode from 'vscode';
import type { MemoryView } from '../core/memories/views';
import { memoryDocumentUri } from './memoryDocuments';
import { reported } from './reported';
import { UntrustedError, type Workspaces } from './workspaces';

type StaleMemory = { memory: MemoryView; folder: vscode.WorkspaceFolder };
type Choice = vscode.QuickPickItem & { action: 'valid' | 'update' | 'code' | 'source' | 'forget' | 'skip' };

/**
 * Review Stale Memories: one memory at a time, the reason it is stale and what to do — still valid (anchored to
 * today's code), update it, look at the code, forget it, or skip. From the view (or given an id), one memory;
 * else all of them. Resolves to how many were dealt with (skipped ones do not count).
 */
export function registerStaleReview(context: vscode.ExtensionContext, workspaces: Workspaces): void {
  const staleMemories = (): StaleMemory[] => {
    if (!workspaces.trusted) throw new UntrustedError();
    return workspaces.folders().filter((folder) => workspaces.hasIndex(folder)).flatMap((folder) =>
      workspaces.memoryService(folder).list({ stale: true, scope: 'workspace', limit: Number.MAX_SAFE_INTEGER }).memories
        .map((memory) => ({ memory, folder })));
  };

  context.subscriptions.push(vscode.commands.registerCommand('codeMemory.reviewStaleMemories',
    reported('review the stale memories', async (target?: StaleMemory | string, folderName?: string) => {
      const queue = typeof target === 'string'
        ? staleMemories().filter(({ memory, folder }) => memory.id === target.trim() && (!folderName || folder.name === folderName))
        : target?.memory && target.folder ? [target] : staleMemories();
      if (typeof target === 'string' && !queue.length) {
        void vscode.window.showInformationMessage(`Code Memory: ${target} is not stale.`);
        return 0;
      }
      if (!queue.length) {
        void vscode.window.showInformationMessage('Code Memory: no stale memories. The code every memory cites is as it was when it was written.');
        return 0;
      }
      let reviewed = 0;
      for (const [i, item] of queue.entries()) {
        const action = await ask(item, i, queue.length);
        if (!action) break;
        await act(action, item, workspaces);
        if (action !== 'skip') reviewed++;
      }
      workspaces.notify();
      return reviewed;
    })));
}

async function ask({ memory }: StaleMemory, index: number, total: number): Promise<Choice['action'] | undefined> {
  const fromFile = memory.origin !== undefined;
  const items: Choice[] = [
    ...(fromFile
      ? [{ action: 'source' as const, label: `$(go-to-file) Open ${memory.origin}`, detail: 'It comes from this file: change its text or citations there' }]
      : [
        { action: 'valid' as const, label: '$(check) Still valid', detail: 'Anchor its citations to today\'s code: it is current again until that code changes' },
        { action: 'update' as const, label: '$(edit) Update it', detail: 'Open it to edit, anchored to today\'s code' },
      ]),
    ...(memory.citations.some((c) => c.file) ? [{ action: 'code' as const, label: '$(code) Show the cited code', detail: 'Then review the next one' }] : []),
    ...(fromFile ? [] : [{ action: 'forget' as const, label: '$(trash) Forget it', detail: 'It can be restored from the notification' }]),
    { action: 'skip', label: '$(arrow-right) Skip', detail: 'Leave it stale for now' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Review Stale Memories (${index + 1} of ${total}): ${memory.id} ${memory.title}`,
    placeHolder: `Stale: ${memory.stale ?? 'its cited code changed'}`,
    ignoreFocusOut: true,
  });
  return picked?.action;
}

async function act(action: Choice['action'], { memory, folder }: StaleMemory, workspaces: Workspaces): Promise<void> {
  switch (action) {
    case 'valid':
      workspaces.memoryService(folder).reanchor(memory.id);
      return;
    case 'update':
      workspaces.memoryService(folder).reanchor(memory.id);
      await vscode.window.showTextDocument(memoryDocumentUri(folder, memory.id), { preview: false });
      return;
    case 'code':
      await vscode.commands.executeCommand('codeMemory.memories.revealCode', memory.id, folder.name);
      return;
    case 'source':
      await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, ...memory.origin!.split('/')));
      return;
    case 'forget':
      await vscode.commands.executeCommand('codeMemory.forgetMemory', memory.id, folder.uri.toString(), memory.updated);
      return;
    case 'skip':
      return;
  }
}
