import * as vscode from 'vscode';
import type { FoundMemory } from './chat/retrieve';
import type { Workspaces } from './workspaces';

/** Notes, documentation and debugging sessions as read-only documents, so a chat can reference them. */
const SCHEME = 'code-memory';

/** `code-memory:/folder/mem-3.md?<folder uri>`: readable in the tab title, exact in its query. */
export function memoryDocumentUri(found: FoundMemory): vscode.Uri {
  const name = `${found.memory.memoryId.replace(':', '-')}.md`;
  return vscode.Uri.from({ scheme: SCHEME, path: `/${found.folder.name}/${name}`, query: found.folder.uri.toString() });
}

export function registerMemoryDocuments(context: vscode.ExtensionContext, workspaces: Workspaces): void {
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    provideTextDocumentContent(uri) {
      const id = /mem-(\d+)\.md$/.exec(uri.path);
      const folder = workspaces.folderOf(vscode.Uri.parse(uri.query));
      const memory = id && folder && workspaces.hasIndex(folder) ? workspaces.system(folder).getMemory(`mem:${id[1]}`) : undefined;
      if (!memory) return 'This memory has been forgotten.';
      return `${memory.text}\n\n---\n${memory.id} · ${memory.kind} · ${memory.timestamp}\n`;
    },
  }));
}
