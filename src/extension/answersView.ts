import * as vscode from 'vscode';
import type { Receipt, ReceiptItem } from '../core/receipts/receiptStore';
import { formatDate, formatNumber } from './format';
import { reported } from './reported';
import { memoryDocumentUri } from './memoryDocuments';
import { REFRESH_DEBOUNCE_MS } from './memoryView';
import { type ShownItem, snapshotTree } from './treeSnapshot';
import type { Workspaces } from './workspaces';

export const ANSWERS_VIEW = 'codeMemory.answers';
/** Origins of receipts, as the view names their groups. */
const ORIGIN_LABELS: Record<string, string> = { agent: 'Searches by agents in VS Code' };

type FolderReceipt = Receipt & { folder: vscode.WorkspaceFolder };
type Node =
  | { thread: string; label: string; receipts: FolderReceipt[] }
  | { receipt: FolderReceipt }
  | { leftOut: FolderReceipt }
  | { item: ReceiptItem; receipt: FolderReceipt };

/** Score parts in words: `0.82 = 0.70 matched + 0.12 linked + 0.00 recent (model)`. */
function describeScore(item: ReceiptItem): string {
  const { base, dependencyBoost, recencyBoost, source, stalePenalty } = item.parts;
  const extras = [dependencyBoost ? ` + ${dependencyBoost.toFixed(2)} linked` : '', recencyBoost ? ` + ${recencyBoost.toFixed(2)} recent` : '',
    stalePenalty ? ` − ${stalePenalty.toFixed(2)} stale` : ''].join('');
  return `${item.score.toFixed(2)} = ${base.toFixed(2)} ${source === 'model' ? 'model' : 'words'}${extras}`;
}

function where(item: ReceiptItem): string {
  if (!item.file) return item.id;
  return item.startLine ? `${item.file}:${item.startLine}-${item.endLine ?? item.startLine}` : item.file;
}

class AnswersTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  search = '';
  shown = 0;

  constructor(private readonly workspaces: Workspaces) {}

  refresh(): void {
    this.changed.fire();
  }

  /** Receipts of every indexed folder, newest first. */
  receipts(): FolderReceipt[] {
    if (!this.workspaces.trusted) return [];
    const all = this.workspaces.folders().filter((f) => this.workspaces.hasIndex(f)).flatMap((folder) => {
      try {
        return this.workspaces.system(folder).receipts.list({ text: this.search || undefined }).map((r) => ({ ...r, folder }));
      } catch {
        return [];
      }
    });
    return all.sort((a, b) => b.createdAt - a.createdAt);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const groups = new Map<string, { thread: string; label: string; receipts: FolderReceipt[] }>();
      const receipts = this.receipts();
      this.shown = receipts.length;
      for (const receipt of receipts) {
        const key = receipt.origin === 'chat' ? `chat:${receipt.thread ?? receipt.question}` : receipt.origin;
        const label = receipt.origin === 'chat' ? receipt.thread ?? receipt.question : ORIGIN_LABELS[receipt.origin] ?? `Searches by ${receipt.origin}`;
        const group = groups.get(key) ?? { thread: key, label, receipts: [] };
        group.receipts.push(receipt);
        groups.set(key, group);
      }
      return [...groups.values()];
    }
    if ('thread' in node) return node.receipts.map((receipt) => ({ receipt }));
    if ('receipt' in node && !('item' in node)) {
      const used = node.receipt.used.map((item) => ({ item, receipt: node.receipt }));
      return node.receipt.leftOut.length ? [...used, { leftOut: node.receipt }] : used;
    }
    if ('leftOut' in node) return node.leftOut.leftOut.map((item) => ({ item, receipt: node.leftOut }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('thread' in node) {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `thread:${node.thread}`;
      const count = node.receipts.length;
      item.description = `${formatNumber(count)} ${count === 1 ? 'answer' : 'answers'} · ${formatDate(node.receipts[0].createdAt)}`;
      item.iconPath = new vscode.ThemeIcon(node.thread.startsWith('chat:') ? 'comment-discussion' : 'tools');
      item.contextValue = 'answerThread';
      return item;
    }
    if ('leftOut' in node) {
      const count = node.leftOut.leftOut.length;
      const item = new vscode.TreeItem(`Found, but beyond the token budget (${formatNumber(count)})`, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `leftOut:${node.leftOut.folder.uri}:${node.leftOut.id}`;
      item.iconPath = new vscode.ThemeIcon('fold-down');
      return item;
    }
    if ('item' in node) return this.memoryItem(node.item, node.receipt);
    const { receipt } = node;
    const item = new vscode.TreeItem(receipt.question, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `receipt:${receipt.folder.uri}:${receipt.id}`;
    const used = `${formatNumber(receipt.used.length)} used`;
    item.description = `${new Date(receipt.createdAt).toLocaleTimeString(vscode.env.language, { timeStyle: 'short' })} · ${used}${receipt.model ? ` · ${receipt.model}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(receipt.answer === undefined ? 'search' : 'comment');
    item.contextValue = receipt.answer === undefined ? 'receipt' : 'receipt.answered';
    const tip = new vscode.MarkdownString(undefined, true);
    // The origin may be an MCP client's own name: text, never markdown.
    tip.appendText(`${receipt.origin === 'chat' ? '@memory' : receipt.origin} · ${formatDate(receipt.createdAt)}\n\n`);
    tip.appendText(receipt.question);
    if (receipt.answer) tip.appendMarkdown('\n\n---\n\n').appendText(receipt.answer.length > 600 ? `${receipt.answer.slice(0, 600)}…` : receipt.answer);
    tip.appendMarkdown('\n\n---\n\n').appendText(`${used}, ${formatNumber(receipt.leftOut.length)} left out; ${formatNumber(receipt.modelCalls)} model calls ` +
      `(${formatNumber(receipt.promptTokens)} prompt tokens; ${formatNumber(receipt.cacheHits)} scores cached); retrieval ${formatNumber(receipt.retrievalMs)} ms`);
    item.tooltip = tip;
    item.accessibilityInformation = { label: `${receipt.question}, ${used}` };
    return item;
  }

  private memoryItem(found: ReceiptItem, receipt: FolderReceipt): vscode.TreeItem {
    const item = new vscode.TreeItem(found.label, vscode.TreeItemCollapsibleState.None);
    item.description = `${where(found)} · ${describeScore(found)}`;
    item.tooltip = `${found.id}${found.folder ? ` in ${found.folder}` : ''}: ${found.reasoning}`;
    // Stale when the answer was given: the receipt says what the model was told then.
    item.iconPath = found.parts.stalePenalty
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon(found.kind === 'code' ? 'symbol-method' : 'note');
    const folder = (found.folder && this.workspaces.folders().find((f) => f.name === found.folder)) || receipt.folder;
    item.command = { command: 'codeMemory.answers.openItem', title: 'Open', arguments: [found, folder.uri.toString()] };
    item.accessibilityInformation = { label: `${found.label}, ${where(found)}, score ${found.score.toFixed(2)}${found.parts.stalePenalty ? ', stale' : ''}` };
    return item;
  }
}

export interface AnswersViewApi {
  snapshot(): Promise<ShownItem[]>;
  receipts(): Receipt[];
}

/** The Answers view: what each @memory answer and each agent's search was given, by conversation. */
export function registerAnswersView(context: vscode.ExtensionContext, workspaces: Workspaces): AnswersViewApi {
  const tree = new AnswersTree(workspaces);
  const view = vscode.window.createTreeView(ANSWERS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const refresh = () => {
    if (!view.visible) return;
    tree.refresh();
    view.description = tree.search ? `“${tree.search}”` : undefined;
    void vscode.commands.executeCommand('setContext', 'codeMemory.answersSearched', Boolean(tree.search));
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    view, { dispose: () => clearTimeout(timer) }, view.onDidChangeVisibility(refresh),
    workspaces.onDidChange(() => {
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_DEBOUNCE_MS);
    }),
    vscode.commands.registerCommand('codeMemory.answers.search', reported('search the answers', async (text?: string) => {
      const typed = typeof text === 'string' ? text : await vscode.window.showInputBox({
        title: 'Search Answers', prompt: 'Words of a question or an answer', value: tree.search,
      });
      if (typed === undefined) return;
      tree.search = typed.trim();
      refresh();
    })),
    vscode.commands.registerCommand('codeMemory.answers.clearSearch', () => {
      tree.search = '';
      refresh();
    }),
    vscode.commands.registerCommand('codeMemory.answers.clear', reported('clear the answers', async (confirmed?: boolean) => {
      const clear = 'Clear Answers';
      if (confirmed !== true && await vscode.window.showWarningMessage('Forget every receipt of this workspace\'s answers?', { modal: true }, clear) !== clear) return 0;
      let cleared = 0;
      for (const { system } of workspaces.indexed()) cleared += system.receipts.clear();
      workspaces.notify();
      return cleared;
    })),
    vscode.commands.registerCommand('codeMemory.answers.openItem', reported('open it', async (found: ReceiptItem, folderUri: string) => {
      const folder = workspaces.folderOf(vscode.Uri.parse(folderUri));
      if (!folder) throw new Error('its folder is no longer open');
      if (found.kind !== 'code') return vscode.window.showTextDocument(memoryDocumentUri(folder, found.id), { preview: true });
      if (!found.file) throw new Error(`${found.id} has no file`);
      const start = Math.max(0, (found.startLine ?? 1) - 1);
      const end = Math.max(start, (found.endLine ?? found.startLine ?? 1) - 1);
      return vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, ...found.file.split('/')),
        { selection: new vscode.Range(start, 0, end, Number.MAX_SAFE_INTEGER), preview: true });
    })),
    // "Remember this answer": the question and the answer as a conversation_context memory.
    // A receipt's node (menus), its id (tests, other commands), or the selection (the palette).
    vscode.commands.registerCommand('codeMemory.answers.remember', reported('remember the answer', (target?: { receipt: FolderReceipt } | number) => {
      const selected = view.selection[0];
      const receipt = typeof target === 'number' ? tree.receipts().find((r) => r.id === target)
        : target?.receipt ?? (selected && 'receipt' in selected ? selected.receipt : undefined);
      if (!receipt?.answer) throw new Error('choose an answer in the Answers view first');
      const result = workspaces.memoryService(receipt.folder).store({
        kind: 'conversation_context', title: receipt.question, content: `Question: ${receipt.question}\n\nAnswer: ${receipt.answer}`,
        citations: receipt.used.flatMap((i) => (i.kind === 'code' && i.file && !i.folder ? [{ file: i.file, startLine: i.startLine, endLine: i.endLine }] : [])).slice(0, 20),
        source: 'chat',
      });
      workspaces.notify();
      void vscode.window.showInformationMessage(result.created ? `Code Memory remembered the answer as ${result.memory.id}.` : `Code Memory already remembers it as ${result.memory.id}.`);
      return result.memory.id;
    })),
  );
  return {
    snapshot: () => snapshotTree(tree),
    receipts: () => tree.receipts(),
  };
}
