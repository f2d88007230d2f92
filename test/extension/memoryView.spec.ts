/// <reference types="mocha" />
// The Code Memory view's Memories tree: what it shows after memories arrive from an agent tool, the CLI and an MCP
// client (other processes: the view notices by itself), filtering, editing a memory as markdown, forgetting one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ShownItem } from '../../src/extension/treeSnapshot';
import { cli, codeMemory, fileUri, invokeTool, mcpClient, waitFor } from './support';

type Api = Awaited<ReturnType<typeof codeMemory>>;

/** Every memory item of the tree, once each (a memory with two tags is under both). */
function memoryItems(tree: ShownItem[]): ShownItem[] {
  const found = new Map<string, ShownItem>();
  const walk = (items: ShownItem[]) => items.forEach((item) => (item.children ? walk(item.children) : found.set(item.description ?? item.label, item)));
  walk(tree);
  return [...found.values()];
}

function itemOf(tree: ShownItem[], id: string): ShownItem | undefined {
  return memoryItems(tree).find((item) => item.description?.split(' · ')[0] === id);
}

// "Already stored as" when a test runs again (the harness retries a failed test once): the memory is the same.
const stored = (text: string) => /(?:Stored|Already stored as) (mem:\d+)/.exec(text)?.[1] ?? assert.fail(text);

describe('the Code Memory view', () => {
  let api: Api;
  let fromTool: string;
  let fromCli: string;
  let fromMcp: string;

  before(async () => {
    api = await codeMemory();
    await vscode.commands.executeCommand('codeMemory.indexWorkspace');
    await vscode.commands.executeCommand('workbench.view.extension.codeMemory');
  });

  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('shows memories stored by an agent tool, the CLI and an MCP client, by kind and tag with counts; conflicts are marked', async () => {
    // Shown again: specs before this one open and close editors, and the view follows other processes only while visible.
    await vscode.commands.executeCommand('workbench.view.extension.codeMemory');
    fromTool = stored(await invokeTool('codeMemory_store', {
      content: 'Quokka totals are rounded half up when the invoice is sent.', kind: 'project_knowledge', tags: ['billing', 'quokka'],
      citations: [{ file: 'src/invoices.ts', startLine: 1, endLine: 12 }],
    }));
    fromCli = stored(await cli(['memories', 'add', 'Quokka totals are truncated to whole cents, never rounded.', '--kind', 'project_knowledge',
      '--tag', 'quokka', '--cite', 'src/invoices.ts:5-8', '--title', 'Quokka truncation']));
    const mcp = await mcpClient();
    try {
      const result = await mcp.callTool({ name: 'codeMemory_store', arguments: { content: 'Wombat import failed: the CSV had a BOM; strip it first.', kind: 'debugging' } });
      fromMcp = stored((result as { content: { text: string }[] }).content[0].text);
    } finally {
      await mcp.close();
    }
    // The CLI and the MCP server are other processes: the visible view finds their writes on its own.
    const tree: ShownItem[] = await waitFor('the three memories in the view', async () => {
      const shown = await api.memoryTree();
      return [fromTool, fromCli, fromMcp].every((id) => itemOf(shown, id)) ? shown : undefined;
    }, 40_000);
    const knowledge = tree.find((group) => group.label === 'Project knowledge')!;
    assert.ok(knowledge, tree.map((g) => g.label).join(', '));
    assert.equal(knowledge.description, String(memoryItems(knowledge.children!).length), 'a kind counts its memories once each');
    const quokka = knowledge.children!.find((group) => group.label === '#quokka')!;
    assert.deepEqual([quokka.description, quokka.icon], ['2', 'tag']);
    assert.deepEqual(memoryItems(quokka.children!).map((item) => item.description?.split(' · ')[0]).sort(), [fromCli, fromTool].sort());

    const tool = itemOf(tree, fromTool)!;
    assert.equal(tool.icon, 'warning', 'it cites the same lines as the CLI\'s memory and says otherwise');
    assert.match(tool.tooltip!, new RegExp(`Cites the same code as [^\\n]*\\b${fromCli}\\b`));
    assert.equal(tool.contextValue, 'memory.editable.cites');
    const mcpItem = itemOf(tree, fromMcp)!;
    assert.deepEqual([mcpItem.icon, mcpItem.contextValue], ['debug', 'memory.editable']);
    assert.match(mcpItem.tooltip!, /From mcp:agent/);
    assert.ok(tree.some((group) => group.label === 'Debugging session'));
  });

  it('filters by kind, tag, conflict and words, and says when nothing matches', async () => {
    await vscode.commands.executeCommand('codeMemory.memories.filter', 'kind:debugging wombat');
    let tree = (await api.memoryTree());
    assert.deepEqual(tree.map((group) => group.label), ['Debugging session']);
    assert.deepEqual(memoryItems(tree).map((item) => item.description), [fromMcp]);
    assert.match(api.memoryViewMessage() ?? '', /^1 of \d+ memories match “kind:debugging wombat”\.$/);

    await vscode.commands.executeCommand('codeMemory.memories.filter', 'is:conflicting tag:quokka');
    assert.deepEqual(memoryItems((await api.memoryTree())).map((item) => item.description?.split(' · ')[0]).sort(), [fromCli, fromTool].sort());

    await vscode.commands.executeCommand('codeMemory.memories.filter', 'tag:no-such-tag');
    assert.deepEqual((await api.memoryTree()), []);
    assert.equal(api.memoryViewMessage(), 'No memory matches “tag:no-such-tag”.');

    await vscode.commands.executeCommand('codeMemory.memories.filter', 'kind:rumour'); // refused: the filter stays
    assert.equal(api.memoryViewMessage(), 'No memory matches “tag:no-such-tag”.');
    await vscode.commands.executeCommand('codeMemory.memories.clearFilter');
    assert.equal(api.memoryViewMessage(), undefined);
    assert.ok(itemOf((await api.memoryTree()), fromMcp));
  });

  it('groups by cited file instead of tag', async () => {
    await vscode.commands.executeCommand('codeMemory.memories.groupByFile');
    const knowledge = (await api.memoryTree()).find((group) => group.label === 'Project knowledge')!;
    const file = knowledge.children!.find((group) => group.label === 'src/invoices.ts')!;
    assert.deepEqual([file.icon, memoryItems(file.children!).length], ['file', 2]);
    await vscode.commands.executeCommand('codeMemory.memories.groupByTag');
    assert.ok((await api.memoryTree()).find((group) => group.label === 'Project knowledge')!.children!.some((group) => group.label === '#quokka'));
  });

  it('opens a memory as markdown; saving an edit updates it, and a front matter that is not valid is refused', async () => {
    // The first markdown document activates VS Code's markdown support; while that loads, the extension host can miss
    // the 1.75 s VS Code gives save participants and the save is aborted (not ours): it is loaded first.
    await vscode.extensions.getExtension('vscode.markdown-language-features')?.activate();
    await vscode.commands.executeCommand('codeMemory.memories.open', fromMcp);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.scheme, 'code-memory');
    assert.match(editor.document.getText(), /^---\ntitle: "?Wombat import failed: the CSV had a BOM; strip it first\."?\nkind: debugging\n---\n\nWombat import failed/);
    const edit = new vscode.WorkspaceEdit();
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    edit.replace(editor.document.uri, whole, '---\ntitle: Wombat CSV imports\nkind: debugging\ntags: [import]\n---\n\nStrip the BOM before parsing the CSV.\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await editor.document.save() || await editor.document.save(), 'saved through the memory service');
    const now = await invokeTool('codeMemory_get', { id: fromMcp });
    assert.match(now, /Title: Wombat CSV imports/);
    assert.match(now, /\[import\]/);
    assert.match(now, /Strip the BOM before parsing the CSV\./);
    await waitFor('the new title in the view', async () => itemOf((await api.memoryTree()), fromMcp)?.label === 'Wombat CSV imports');

    const bad = new vscode.WorkspaceEdit();
    bad.replace(editor.document.uri, new vscode.Range(0, 0, editor.document.lineCount, 0), '---\nkind: rumour\n---\nx\n');
    assert.ok(await vscode.workspace.applyEdit(bad));
    assert.equal(await editor.document.save(), false, 'a kind that does not exist is not saved');
    assert.match(await invokeTool('codeMemory_get', { id: fromMcp }), /Strip the BOM before parsing the CSV\./, 'the memory is unchanged');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Add Documentation opens a markdown editor: saving stores the memory, saving again updates it', async () => {
    await vscode.commands.executeCommand('codeMemory.addDocumentation');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.scheme, 'code-memory');
    assert.match(editor.document.getText(), /^---\nkind: documentation\n/);
    await editor.edit((edit) => edit.insert(new vscode.Position(editor.document.lineCount, 0), '\n'));
    assert.equal(await editor.document.save(), false, 'the template, untouched, is not a memory');
    const write = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(editor.document.uri, new vscode.Range(0, 0, editor.document.lineCount, 0), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await editor.document.save());
    };
    await write('---\nkind: documentation\ntags: [release]\n---\n\n# Numbat releases\n\nNumbat releases leave on Tuesdays.\n');
    const item = await waitFor('the new documentation in the view', async () =>
      memoryItems(await api.memoryTree()).find((i) => i.label === 'Numbat releases'));
    const id = item.description!.split(' · ')[0];
    await write('---\nkind: documentation\ntags: [release]\n---\n\n# Numbat releases\n\nNumbat releases leave on Thursdays.\n');
    assert.match(await invokeTool('codeMemory_get', { id }), /leave on Thursdays/, 'the second save updated the same memory');
    assert.equal(memoryItems(await api.memoryTree()).filter((i) => i.label === 'Numbat releases').length, 1);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('marks a memory stale when its cited code changes; is:stale finds it; reviewing it as still valid makes it current', async () => {
    const file = fileUri('src/platypus.ts').fsPath;
    fs.writeFileSync(file, 'export function platypusFee(cents: number): number {\n  return cents * 2;\n}\n');
    let id: string | undefined;
    try {
      id = stored(await invokeTool('codeMemory_store', {
        content: 'Platypus fees double the amount.', kind: 'project_knowledge', citations: [{ file: 'src/platypus.ts', startLine: 1, endLine: 3 }],
      }));
      fs.writeFileSync(file, 'export function platypusFee(cents: number): number {\n  return cents * 3;\n}\n');
      const item = await waitFor('the memory marked stale in the view', async () => {
        const shown = itemOf(await api.memoryTree(), id!);
        return shown?.description?.endsWith(' · stale') ? shown : undefined;
      });
      assert.match(item.tooltip ?? '', /Stale: src\/platypus\.ts:1-3 changed since/);
      await vscode.commands.executeCommand('codeMemory.memories.filter', 'is:stale');
      const listed = memoryItems(await api.memoryTree());
      assert.ok(listed.some((i) => i.description?.startsWith(`${id} `)) && listed.every((i) => i.description?.endsWith(' · stale')),
        listed.map((i) => i.description).join(', '));
      await vscode.commands.executeCommand('codeMemory.memories.clearFilter');
      // The review asks in a quick pick; its first choice is "Still valid".
      let reviewed: unknown;
      const review = Promise.resolve(vscode.commands.executeCommand('codeMemory.reviewStaleMemories', id)).then((n) => (reviewed = n));
      await waitFor('the review answered', async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return reviewed !== undefined;
      });
      await review;
      assert.equal(reviewed, 1);
      assert.doesNotMatch(await invokeTool('codeMemory_get', { id }), /Stale:/);
    } finally {
      fs.rmSync(file, { force: true });
      if (id) await invokeTool('codeMemory_delete', { id });
    }
  });

  it('forgets a memory from the view; it leaves the tree', async () => {
    assert.equal(await vscode.commands.executeCommand('codeMemory.memories.delete', fromCli), true);
    await waitFor('the memory gone from the view', async () => !itemOf((await api.memoryTree()), fromCli));
    assert.match(await invokeTool('codeMemory_get', { id: fromCli }), /There is no memory/);
    assert.doesNotMatch(itemOf(await api.memoryTree(), fromTool)?.tooltip ?? '', new RegExp(`\\b${fromCli}\\b`), 'it no longer disagrees with a forgotten memory');
  });
});
