import * as vscode from 'vscode';
import type { StoreResult } from '../core/memories/memoryService';
import type { MemoryScope } from '../core/memories/model';
import { shareWithTeam, teamNote } from '../core/memories/sharing';
import { redactSecrets } from '../core/text/redact';
import type { MemoryRecord } from '../core/store/memoryStore';
import { preview } from './chat/render';
import { askDebugSession } from './debugSessionInput';
import { fileErrors } from './editorState';
import type { MemoryDocuments } from './memoryDocuments';
import { reported } from './reported';
import { UntrustedError, type Workspaces } from './workspaces';

/**
 * Commands that store or drop memories, or forget cached scores. Each asks for what it needs; arguments skip
 * the questions (keybindings, other extensions, tests). They resolve to the new memory's id, or undefined.
 */
export function registerMemoryCommands(context: vscode.ExtensionContext, workspaces: Workspaces, documents: MemoryDocuments): void {
  const folder = () => {
    if (!workspaces.trusted) throw new UntrustedError();
    const primary = workspaces.primaryFolder();
    if (!primary) throw new Error('open a folder first');
    return primary;
  };
  const selection = () => {
    const editor = vscode.window.activeTextEditor;
    return editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  };
  const ask = (title: string, prompt: string, value?: string) =>
    vscode.window.showInputBox({ title: `Code Memory: ${title}`, prompt, value, ignoreFocusOut: true });

  context.subscriptions.push(
    // Arguments store at once (keybindings, other extensions, tests); without them a markdown editor opens.
    vscode.commands.registerCommand('codeMemory.addDocumentation', reported('add the documentation', async (title?: string, content?: string) => {
      const target = folder(); // before any question: an untrusted workspace must not cost the user their typing
      const file = workspaces.activeFile();
      if (title === undefined) {
        const uri = documents.draft(target, documentationTemplate(file && vscode.workspace.asRelativePath(file, false), selection()));
        await vscode.window.showTextDocument(uri, { preview: false });
        return undefined;
      }
      content ??= selection() ?? await ask('Add Documentation Memory', 'The documentation text (select text in an editor first to use it)');
      if (!title.trim() || !content?.trim()) return undefined;
      return stored(workspaces.memoryService(target).store({ kind: 'documentation', title, content, citations: file ? [{ file: file.fsPath }] : [], source: 'user' }), workspaces, target);
    })),
    vscode.commands.registerCommand('codeMemory.recordDebuggingSession', reported('record the debugging session', async (problem?: string, error?: string, solution?: string) => {
      const target = folder();
      const file = workspaces.activeFile();
      if (problem === undefined) {
        const answers = await askDebugSession(file ? fileErrors(file)?.split('\n') ?? [] : []);
        if (!answers) return undefined;
        ({ problem, error, solution } = answers);
      }
      if (!problem.trim() || !solution?.trim()) return undefined;
      return stored(workspaces.memoryService(target).recordDebugSession({ problem, error, solution, file: file?.fsPath, source: 'user' }), workspaces, target);
    })),
    // `seen`: the time the memory the button was made for last changed; a memory edited since is not forgotten.
    vscode.commands.registerCommand('codeMemory.forgetMemory', reported('forget the memory', async (id?: string, folderUri?: string, seen?: string) => {
      id ??= await ask('Forget Memory', 'The memory id, for example mem:12');
      if (!id?.trim()) return false;
      const owner = (folderUri && workspaces.folderOf(vscode.Uri.parse(folderUri))) || folder();
      const service = workspaces.memoryService(owner);
      const outcome = service.delete(id.trim(), seen);
      workspaces.notify();
      if (outcome.status === 'deleted') {
        const { memory, record } = outcome;
        void vscode.window.showInformationMessage(`Code Memory forgot ${id}: “${preview(memory.content)}”.`, 'Undo').then((choice) => {
          if (choice === 'Undo') void vscode.commands.executeCommand('codeMemory.restoreMemory', record, owner.uri.toString(), memory.scope);
        });
      } else if (outcome.status === 'missing') {
        void vscode.window.showInformationMessage(`Code Memory has no memory ${id}.`);
      } else {
        void vscode.window.showWarningMessage(`Code Memory did not forget ${id}: it changed since (now “${preview(service.get(id.trim())?.content ?? '')}”).`);
      }
      return outcome.status === 'deleted';
    })),
    vscode.commands.registerCommand('codeMemory.restoreMemory', reported('restore the memory', (forgotten: MemoryRecord, folderUri: string, scope: MemoryScope = 'workspace') => {
      const owner = workspaces.folderOf(vscode.Uri.parse(folderUri)) ?? folder();
      const restored = workspaces.memoryService(owner).restore(forgotten, scope);
      const id = `${scope === 'personal' ? 'personal' : 'mem'}:${forgotten.id}`;
      workspaces.notify();
      void vscode.window.showInformationMessage(restored ? `Code Memory restored ${id}.` : `${id} is already there.`);
      return restored;
    })),
    // Writes a memory as a team note: the user sees the file, secrets redacted, before anything is written.
    vscode.commands.registerCommand('codeMemory.shareWithTeam', reported('share the memory', async (id?: string, folderUri?: string) => {
      id ??= await ask('Share Memory with Team', 'The memory id, for example mem:12');
      if (!id?.trim()) return undefined;
      const owner = (folderUri && workspaces.folderOf(vscode.Uri.parse(folderUri))) || folder();
      const service = workspaces.memoryService(owner);
      const note = teamNote(service, id.trim());
      if (!note) throw new Error(`there is no memory ${id}`);
      const preview = await vscode.workspace.openTextDocument({ language: 'markdown', content: note.text });
      await vscode.window.showTextDocument(preview, { preview: true });
      const write = 'Write File';
      const choice = await vscode.window.showInformationMessage(`Write ${note.file} into ${owner.name}?`, {
        modal: true, detail: 'The note is open in the editor: what it says when you choose Write File is written. It is then searched as a team memory, and shared when you commit it.',
      }, write);
      if (choice !== write) return undefined;
      // What the user sees is what is written, edits included; secrets are redacted again.
      shareWithTeam(service, id.trim(), { file: note.file, text: redactSecrets(preview.getText()) });
      workspaces.notify();
      await vscode.window.showTextDocument(vscode.Uri.joinPath(owner.uri, ...note.file.split('/')));
      return note.file;
    })),
    // From "Update mem:3 instead" under a memory just stored that repeats or contradicts mem:3.
    vscode.commands.registerCommand('codeMemory.updateInstead', reported('update the memory', (newId: string, oldId: string, folderUri: string) => {
      const owner = workspaces.folderOf(vscode.Uri.parse(folderUri)) ?? folder();
      const updated = workspaces.memoryService(owner).updateInstead(newId, oldId);
      workspaces.notify();
      void vscode.window.showInformationMessage(updated ? `Code Memory updated ${oldId} and dropped ${newId}.` : `${newId} or ${oldId} is gone.`);
      return updated?.id;
    })),
    vscode.commands.registerCommand('codeMemory.clearScoreCache', reported('clear the score cache', () => {
      for (const { system } of workspaces.indexed()) system.clearCache();
      workspaces.notify();
      void vscode.window.showInformationMessage('Code Memory: cached scores cleared.');
    })),
  );
}

function stored(result: StoreResult, workspaces: Workspaces, folder: vscode.WorkspaceFolder): string {
  workspaces.notify();
  const { memory, similar } = result;
  const said = result.created ? `Code Memory remembered this as ${memory.id}.` : `Code Memory already remembers this as ${memory.id}.`;
  // A memory that comes from a file (instructions, team notes) is changed in the file, not from here.
  const other = similar.find((s) => !s.memory.origin)?.memory;
  if (!other) {
    void vscode.window.showInformationMessage(said);
  } else {
    const action = `Update ${other.id} Instead`;
    void vscode.window.showInformationMessage(`${said} ${other.id} ${similar[0].reason === 'same-code' ? 'is about the same code' : 'says nearly the same'}: “${preview(other.content)}”.`, action)
      .then((choice) => {
        if (choice === action) void vscode.commands.executeCommand('codeMemory.updateInstead', memory.id, other.id, folder.uri.toString());
      });
  }
  return memory.id;
}

/** A new documentation memory: front matter (citing the active file), a heading for its title, and the text. */
function documentationTemplate(file: string | undefined, selected: string | undefined): string {
  const cites = file ? `cites: [${JSON.stringify(file)}]\n` : '';
  const body = selected?.trim() || 'What to remember, in markdown. Save to keep it as a memory; close without saving to drop it.';
  return `---\nkind: documentation\ntags: []\n${cites}---\n\n# Title\n\n${body}\n`;
}
