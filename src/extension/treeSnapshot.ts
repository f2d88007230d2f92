import * as vscode from 'vscode';

/** A tree item as a person sees it (label, description, icon, tooltip), for the integration tests. */
export interface ShownItem {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  tooltip?: string;
  children?: ShownItem[];
}

/** A tree view's items, every collapsible one expanded. */
export async function snapshotTree<T>(provider: vscode.TreeDataProvider<T>, element?: T): Promise<ShownItem[]> {
  const children = (await provider.getChildren(element)) ?? [];
  return Promise.all(children.map(async (child) => {
    const item = await provider.getTreeItem(child);
    const label = typeof item.label === 'string' ? item.label : item.label?.label;
    const shown: ShownItem = {
      label: String(label), description: typeof item.description === 'string' ? item.description : undefined,
      contextValue: item.contextValue, icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      tooltip: item.tooltip instanceof vscode.MarkdownString ? readable(item.tooltip.value) : item.tooltip,
    };
    if (item.collapsibleState) shown.children = await snapshotTree(provider, child);
    return shown;
  }));
}

/** Markdown as it reads: appendText's escapes (`&nbsp;`, `\(`) undone. */
function readable(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
}
