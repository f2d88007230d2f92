import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePrivateFile } from '../core/memories/exchange';
import * as vscode from 'vscode';
import type { ImportMode } from '../core/store/memoryStore';
import { preview } from './chat/render';
import { reported } from './reported';
import { UntrustedError, type Workspaces } from './workspaces';

const MODES: { label: string; detail: string; mode: ImportMode }[] = [
  { label: 'Skip memories already stored', detail: 'The same content is not imported twice (recommended).', mode: 'skip-duplicates' },
  { label: 'Overwrite memories already stored', detail: 'A stored memory with the same content takes the imported tags, citations and time of the last change.', mode: 'overwrite' },
  { label: 'Keep both', detail: 'Every record is added, even when the same content is stored.', mode: 'keep-both' },
];
/** The clean-up rules offered, and what `/cleanup` previews (the first two). */
export const RULES = [
  { label: 'Unused for 90 days', detail: 'Not changed for 90 days and never used in an answer.', rules: { olderThanDays: 90 } },
  { label: 'Duplicates', detail: 'Exact and near repeats; the one used most stays.', rules: { duplicates: true } },
  { label: 'More than 1,000 memories', detail: 'The least used beyond the first 1,000.', rules: { maxMemories: 1000 } },
];

/**
 * Export, import and clean-up of the primary folder's memories (and the personal ones). Arguments skip the
 * questions (tests, keybindings); every command resolves to what it did, or undefined when the user cancelled.
 */
export function registerMemoryExchange(context: vscode.ExtensionContext, workspaces: Workspaces, log: vscode.LogOutputChannel): void {
  const service = () => {
    if (!workspaces.trusted) throw new UntrustedError();
    const folder = workspaces.primaryFolder();
    if (!folder) throw new Error('open a folder first');
    return workspaces.memoryService(folder);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('codeMemory.exportMemories', reported('export the memories', async (target?: vscode.Uri) => {
      const memories = service();
      // Outside the workspace by default: an export holds personal memories and must not be committed by accident.
      target ??= await vscode.window.showSaveDialog({ title: 'Export Memories', filters: { JSON: ['json'] },
        defaultUri: vscode.Uri.file(path.join(os.homedir(), 'code-memory-export.json')) });
      if (!target) return undefined;
      const document = memories.export();
      // Readable by the user only: memories can hold what people told them in confidence.
      writePrivateFile(target.fsPath, `${JSON.stringify(document, null, 2)}\n`);
      void vscode.window.showInformationMessage(`Code Memory exported ${document.memories.length} memories to ${vscode.workspace.asRelativePath(target)}.`);
      return document.memories.length;
    })),
    vscode.commands.registerCommand('codeMemory.importMemories', reported('import the memories', async (source?: vscode.Uri, mode?: ImportMode) => {
      const memories = service();
      source ??= (await vscode.window.showOpenDialog({ title: 'Import Memories', filters: { JSON: ['json'] }, canSelectMany: false }))?.[0];
      if (!source) return undefined;
      mode ??= (await vscode.window.showQuickPick(MODES, { title: 'Import Memories: memories already stored' }))?.mode;
      if (!mode) return undefined;
      let document: unknown;
      try {
        document = JSON.parse(fs.readFileSync(source.fsPath, 'utf8'));
      } catch {
        throw new Error(`${vscode.workspace.asRelativePath(source)} is not a Code Memory export (not JSON)`);
      }
      const report = memories.import(document, mode);
      for (const bad of report.invalid) log.warn(`Import: record ${bad.index} not imported: ${bad.reason}`);
      workspaces.notify();
      const said = `Code Memory imported ${report.added} new memories, replaced ${report.replaced}, skipped ${report.skipped}.`;
      if (report.invalid.length) {
        void vscode.window.showWarningMessage(`${said} ${report.invalid.length} records could not be imported.`, 'Open Log')
          .then((choice) => choice && log.show(true));
      } else {
        void vscode.window.showInformationMessage(said);
      }
      return report;
    })),
    vscode.commands.registerCommand('codeMemory.cleanUpMemories', reported('clean up the memories', async (rules?: (typeof RULES)[number]['rules'], apply?: boolean) => {
      const memories = service();
      rules ??= Object.assign({}, ...((await vscode.window.showQuickPick(RULES, { title: 'Clean Up Memories: what to remove', canPickMany: true })) ?? [])
        .map((pick) => pick.rules)) as (typeof RULES)[number]['rules'];
      if (!Object.keys(rules).length) return undefined;
      const plan = memories.cleanup(rules, false);
      if (!plan.length) {
        void vscode.window.showInformationMessage('Code Memory: nothing to clean up.');
        return [];
      }
      const items = plan.map((p) => ({
        label: p.memory.id, description: p.reason + (p.keptId ? ` of ${p.keptId}` : ''), detail: preview(p.memory.content, 120), picked: true, memory: p.memory,
      }));
      const chosen = apply ? items : await vscode.window.showQuickPick(items, { title: `Clean Up Memories: ${plan.length} to remove (uncheck to keep)`, canPickMany: true });
      if (!chosen?.length) return undefined;
      // Only what the user saw: a memory changed meanwhile (another window, the CLI, an agent) is kept.
      const { deleted, changed } = memories.deleteUnchanged(chosen.map((item) => item.memory));
      workspaces.notify();
      void vscode.window.showInformationMessage(`Code Memory removed ${deleted.length} memories.` +
        (changed.length ? ` Kept ${changed.join(', ')}: changed since the preview.` : ''));
      return deleted;
    })),
  );
}
