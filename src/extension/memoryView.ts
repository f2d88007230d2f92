import * as vscode from 'vscode';
import {
  admits, type BrowsedMemory, type BrowseFilter, conflictsAmong, describeBrowseFilter, FILTER_HELP, type GroupBy, groupMemories,
  type MemoryGroup, parseBrowseFilter,
} from '../core/memories/browse';
import { describeCitation, MEMORY_KINDS, type MemoryKind } from '../core/memories/model';
import { memoryDocumentUri } from './memoryDocuments';
import { formatDate, formatNumber } from './format';
import { reported } from './reported';
import { type ShownItem, snapshotTree } from './treeSnapshot';
import type { ProfileFeature } from './profile';
import type { Workspaces } from './workspaces';

/** How often a visible view checks whether another process (the CLI, an MCP server, a window) changed memories. */
const POLL_MS = 2000;
/** Changes arriving together (indexing progress notifies often) redraw the view once. */
export const REFRESH_DEBOUNCE_MS = 150;
export const MEMORIES_VIEW = 'codeMemory.memories';

const KIND_ICONS: Record<MemoryKind, string> = {
  documentation: 'book', debugging: 'debug', note: 'note', user_preference: 'account', conversation_context: 'comment-discussion',
  project_knowledge: 'lightbulb', code_snippet: 'code', solution: 'check', general: 'circle-outline',
};

type Node = { group: MemoryGroup } | { memory: BrowsedMemory; folder: vscode.WorkspaceFolder; conflicts: string[] };

class MemoryTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  filter: BrowseFilter = {};
  groupBy: GroupBy = 'tag';
  /** What the last listing found: for the message under the title. */
  shown = { matching: 0, total: 0 };
  private folderByName = new Map<string, vscode.WorkspaceFolder>();
  private conflicts = new Map<string, string[]>();
  private groups: MemoryGroup[] = [];

  constructor(private readonly workspaces: Workspaces) {}

  /** Lists the memories again and redraws. */
  reload(): void {
    this.groups = this.workspaces.trusted ? groupMemories(this.list(), this.groupBy) : [];
    this.changed.fire();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('group' in node) {
      const { group } = node;
      const kind = /^kind:(\w+)$/.exec(group.key)?.[1] as MemoryKind | undefined;
      const item = new vscode.TreeItem(group.label, kind ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = group.key;
      item.description = formatNumber(group.count);
      item.iconPath = new vscode.ThemeIcon(kind ? KIND_ICONS[kind] : this.groupBy === 'tag' ? 'tag' : 'file');
      item.contextValue = 'memoryGroup';
      item.accessibilityInformation = { label: `${group.label}, ${formatNumber(group.count)} ${group.count === 1 ? 'memory' : 'memories'}` };
      return item;
    }
    const { memory, folder, conflicts } = node;
    const item = new vscode.TreeItem(memory.title || memory.id, vscode.TreeItemCollapsibleState.None);
    const many = this.workspaces.folders().length > 1 && memory.scope === 'workspace';
    item.description = [memory.id, many ? folder.name : undefined, memory.origin, memory.stale ? 'stale' : undefined].filter(Boolean).join(' · ');
    item.iconPath = conflicts.length || memory.stale
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon(memory.origin ? 'file-text' : memory.scope === 'personal' ? 'account' : KIND_ICONS[memory.kind]);
    item.tooltip = tooltip(memory, conflicts);
    item.contextValue = ['memory', memory.origin ? 'file' : 'editable', memory.citations.some((c) => c.file) ? 'cites' : undefined,
      memory.stale ? 'stale' : undefined].filter(Boolean).join('.');
    item.command = { command: 'codeMemory.memories.open', title: 'Open Memory', arguments: [node] };
    const warning = [conflicts.length ? `, may disagree with ${conflicts.join(', ')}` : '', memory.stale ? `, stale: ${memory.stale}` : ''].join('');
    item.accessibilityInformation = { label: `${MEMORY_KINDS[memory.kind].label} ${memory.title}, ${memory.id}${warning}` };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (node && 'memory' in node) return [];
    if (node) return [...node.group.groups.map((group) => ({ group })), ...node.group.memories.map((m) => this.memoryNode(m))];
    return this.groups.map((group) => ({ group }));
  }

  /** Every memory the view lists now, once each. */
  memories(): Extract<Node, { memory: unknown }>[] {
    const seen = new Map<string, BrowsedMemory>();
    const walk = (group: MemoryGroup): void => {
      for (const m of group.memories) seen.set(`${m.folder ?? ''}\0${m.id}`, m);
      group.groups.forEach(walk);
    };
    this.groups.forEach(walk);
    return [...seen.values()].map((m) => this.memoryNode(m) as Extract<Node, { memory: unknown }>);
  }

  private memoryNode(memory: BrowsedMemory): Node {
    const folder = this.folderByName.get(memory.folder ?? '') ?? this.workspaces.folders()[0];
    return { memory, folder, conflicts: this.conflicts.get(`${memory.folder ?? ''}\0${memory.id}`) ?? [] };
  }

  /** Every memory of every indexed folder (personal ones once, under the first), as the filter admits them. */
  private list(): BrowsedMemory[] {
    const all: BrowsedMemory[] = [];
    this.folderByName = new Map();
    const folders = this.workspaces.folders().filter((f) => this.workspaces.hasIndex(f));
    folders.forEach((folder, i) => {
      try {
        const service = this.workspaces.memoryService(folder);
        this.folderByName.set(folder.name, folder);
        const scope = i === 0 ? undefined : 'workspace';
        all.push(...service.list({ scope, limit: Number.MAX_SAFE_INTEGER }).memories.map((m) => ({ ...m, folder: m.scope === 'personal' ? undefined : folder.name })));
      } catch (error) {
        this.workspaces.reportFailure(folder, error);
      }
    });
    if (folders[0]) this.folderByName.set('', folders[0]);
    this.conflicts = conflictsAmong(all);
    const matching = all.filter((m) => admits(this.filter, m, this.conflicts));
    this.shown = { matching: matching.length, total: all.length };
    return matching;
  }
}

function tooltip(memory: BrowsedMemory, conflicts: string[]): vscode.MarkdownString {
  const text = new vscode.MarkdownString(undefined, true);
  text.appendMarkdown(`**${MEMORY_KINDS[memory.kind].label}** · ${memory.id} (${memory.scope})\n\n`);
  text.appendText(memory.content.length > 400 ? `${memory.content.slice(0, 400)}…` : memory.content);
  text.appendMarkdown('\n\n---\n\n');
  if (memory.tags.length) text.appendText(`Tags: ${memory.tags.join(', ')}\n\n`);
  if (memory.citations.length) text.appendText(`Cites: ${memory.citations.map(describeCitation).join('; ')}\n\n`);
  text.appendText(`From ${memory.origin ?? memory.source}; updated ${formatDate(memory.updated)}; used ${formatNumber(memory.useCount)}×` +
    `${memory.lastUsed ? ` (last ${formatDate(memory.lastUsed)})` : ''}`);
  if (conflicts.length) text.appendMarkdown(`\n\n$(warning) Cites the same code as ${conflicts.join(', ')}, in other words: check they agree.`);
  if (memory.stale) {
    text.appendMarkdown('\n\n$(warning) ');
    text.appendText(`Stale: ${memory.stale}. The code it cites changed since it was written; Review Stale Memories checks it.`);
  }
  return text;
}

export interface MemoryViewApi {
  snapshot(): Promise<ShownItem[]>;
  message(): string | undefined;
}

/** The Code Memory view's Memories tree: browse, filter, open to edit, reveal cited code, share, forget with undo. */
export function registerMemoryView(context: vscode.ExtensionContext, workspaces: Workspaces, profile: ProfileFeature): MemoryViewApi {
  const tree = new MemoryTree(workspaces);
  const view = vscode.window.createTreeView(MEMORIES_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const update = () => {
    const filtered = describeBrowseFilter(tree.filter);
    // Beside the title: the filter while there is one, else whether the profile learns.
    view.description = filtered || `profile: ${profile.statusLine()}`;
    view.message = filtered
      ? (tree.shown.matching ? `${formatNumber(tree.shown.matching)} of ${formatNumber(tree.shown.total)} memories match “${filtered}”.`
        : `No memory matches “${filtered}”.`)
      : undefined;
    void vscode.commands.executeCommand('setContext', 'codeMemory.memoriesFiltered', Boolean(filtered));
    void vscode.commands.executeCommand('setContext', 'codeMemory.memoriesGroupBy', tree.groupBy);
    const indexed = workspaces.folders().some((f) => workspaces.hasIndex(f));
    const state = !workspaces.trusted ? 'untrusted' : !indexed ? 'noIndex' : tree.shown.total ? 'some' : 'empty';
    void vscode.commands.executeCommand('setContext', 'codeMemory.memoriesState', state);
  };
  // Listed only while the view is visible: indexing progress notifies often, and a hidden tree need not follow.
  let stale = true;
  const refresh = () => {
    stale = !view.visible;
    if (stale) return;
    tree.reload();
    update();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH_DEBOUNCE_MS);
  };
  // Another process's writes (memories, and receipts of agents' searches over MCP): a cheap aggregate per
  // database, checked only while the view is visible.
  let seen = '';
  const poll = setInterval(() => {
    if (!view.visible || !workspaces.trusted) return;
    const now = workspaces.folders().filter((f) => workspaces.hasIndex(f)).map((f) => {
      try {
        return `${workspaces.memoryService(f).fingerprint()}/${workspaces.system(f).receipts.latest()}`;
      } catch {
        return 'unavailable';
      }
    }).join('|');
    if (seen && now !== seen) workspaces.notify();
    seen = now;
  }, POLL_MS);
  // A node (tree menus), a memory id with its folder's name if several are open (other commands, the dashboard,
  // tests), the selection (keybindings), or a pick (palette).
  const memoryOf = async (target?: Node | string, folderName?: string): Promise<Extract<Node, { memory: unknown }> | undefined> => {
    if (target && typeof target === 'object' && 'memory' in target) return target;
    const selected = view.selection[0];
    if (target === undefined && selected && 'memory' in selected) return selected;
    if (typeof target === 'string') return byId(target.trim(), folderName);
    if (stale) tree.reload(); // the view has not been shown since memories changed
    const pick = await vscode.window.showQuickPick(tree.memories().map((node) => ({
      label: node.memory.title || node.memory.id, description: node.memory.id, detail: node.memory.content.slice(0, 120), node,
    })), { title: 'Code Memory: choose a memory', matchOnDescription: true, matchOnDetail: true });
    return pick?.node;
  };
  // From the memory service, not the view (whose filter may hide it); an id two folders hold needs the folder.
  const byId = (id: string, folderName?: string): Extract<Node, { memory: unknown }> => {
    const folders = workspaces.folders().filter((f) => workspaces.hasIndex(f) && (!folderName || f.name === folderName));
    const held = (id.startsWith('personal:') ? folders.slice(0, 1) : folders).flatMap((folder) => {
      const memory = workspaces.memoryService(folder).get(id);
      return memory ? [{ memory: { ...memory, folder: folder.name }, folder, conflicts: [] }] : [];
    });
    if (!held.length) throw new Error(`there is no memory ${id}`);
    if (held.length > 1) throw new Error(`${id} exists in ${held.map((h) => h.folder.name).join(' and ')}: open it from the Code Memory view`);
    return held[0];
  };
  const set = (change: () => void) => () => {
    change();
    refresh();
  };
  context.subscriptions.push(
    view, { dispose: () => { clearInterval(poll); clearTimeout(timer); } },
    workspaces.onDidChange(refreshSoon),
    profile.onDidChange(update),
    view.onDidChangeVisibility(() => view.visible && stale && refresh()),
    vscode.commands.registerCommand('codeMemory.memories.filter', reported('filter the memories', async (line?: string) => {
      const typed = typeof line === 'string' ? line : await vscode.window.showInputBox({
        title: 'Filter Memories', prompt: `Words and terms: ${FILTER_HELP}. Empty shows every memory.`,
        value: describeBrowseFilter(tree.filter), placeHolder: 'kind:debugging tag:billing rounding',
        validateInput: (value) => { const parsed = parseBrowseFilter(value); return 'problem' in parsed ? parsed.problem : undefined; },
      });
      if (typed === undefined) return;
      const parsed = parseBrowseFilter(typed);
      if ('problem' in parsed) throw new Error(parsed.problem);
      tree.filter = parsed.filter;
      refresh();
    })),
    vscode.commands.registerCommand('codeMemory.memories.clearFilter', set(() => (tree.filter = {}))),
    vscode.commands.registerCommand('codeMemory.memories.groupByFile', set(() => (tree.groupBy = 'file'))),
    vscode.commands.registerCommand('codeMemory.memories.groupByTag', set(() => (tree.groupBy = 'tag'))),
    vscode.commands.registerCommand('codeMemory.memories.refresh', () => workspaces.notify()),
    vscode.commands.registerCommand('codeMemory.memories.open', reported('open the memory', async (target?: Node | string, folderName?: string) => {
      const chosen = await memoryOf(target, folderName);
      if (!chosen) return;
      const { memory, folder } = chosen;
      await vscode.window.showTextDocument(memoryDocumentUri(folder, memory.id), { preview: true });
    })),
    vscode.commands.registerCommand('codeMemory.memories.revealCode', reported('show the cited code', async (target?: Node | string, folderName?: string) => {
      const chosen = await memoryOf(target, folderName);
      if (!chosen) return;
      const { memory, folder } = chosen;
      const citation = memory.citations.find((c) => c.file);
      if (!citation?.file) throw new Error(`${memory.id} cites no file`);
      const uri = vscode.Uri.joinPath(folder.uri, ...citation.file.split('/'));
      const start = 'startLine' in citation && citation.startLine ? citation.startLine - 1 : 0;
      const end = 'endLine' in citation && citation.endLine ? citation.endLine - 1 : start;
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(start, 0, end, Number.MAX_SAFE_INTEGER) });
    })),
    vscode.commands.registerCommand('codeMemory.memories.share', reported('share the memory', async (target?: Node | string, folderName?: string) => {
      const chosen = await memoryOf(target, folderName);
      if (!chosen) return undefined;
      const { memory, folder } = chosen;
      return vscode.commands.executeCommand('codeMemory.shareWithTeam', memory.id, folder.uri.toString());
    })),
    vscode.commands.registerCommand('codeMemory.memories.delete', reported('forget the memory', async (target?: Node | string, folderName?: string) => {
      const chosen = await memoryOf(target, folderName);
      if (!chosen) return undefined;
      const { memory, folder } = chosen;
      return vscode.commands.executeCommand('codeMemory.forgetMemory', memory.id, folder.uri.toString(), memory.updated);
    })),
  );
  update();
  return { snapshot: () => snapshotTree(tree), message: () => view.message };
}
