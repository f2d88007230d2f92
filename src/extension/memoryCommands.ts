import * as vscode from 'vscode';
import type { MemoryRecord } from '../core/store/memoryStore';
import { preview } from './chat/render';
import { fileErrors } from './editorState';
import { describeError } from './log';
import { UntrustedError, type Workspaces } from './workspaces';

/**
 * Commands that store or drop memories, or forget cached scores. Each asks for what it needs; arguments skip
 * the questions (keybindings, other extensions, tests). They resolve to the new memory's id, or undefined.
 */
export function registerMemoryCommands(context: vscode.ExtensionContext, workspaces: Workspaces): void {
  const run = async <T>(what: string, task: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await task();
    } catch (error) {
      void vscode.window.showErrorMessage(`Code Memory could not ${what}: ${describeError(error)}`);
      return undefined;
    }
  };
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
    vscode.commands.registerCommand('codeMemory.addDocumentation', (title?: string, content?: string) => run('add the documentation', async () => {
      const target = folder(); // before any question: an untrusted workspace must not cost the user their typing
      title ??= await ask('Add Documentation Memory', 'Title (what the documentation is about)');
      if (!title?.trim()) return undefined;
      content ??= selection() ?? await ask('Add Documentation Memory', 'The documentation text (select text in an editor first to use it)');
      if (!content?.trim()) return undefined;
      const id = workspaces.system(target).addDocumentationMemory(title, content, { filePath: workspaces.activeFile()?.fsPath });
      return stored(id, workspaces);
    })),
    vscode.commands.registerCommand('codeMemory.recordDebuggingSession', (problem?: string, error?: string, solution?: string) =>
      run('record the debugging session', async () => {
        const target = folder();
        const file = workspaces.activeFile();
        problem ??= await ask('Record Debugging Session', 'The problem: what went wrong?');
        if (!problem?.trim()) return undefined;
        error ??= await ask('Record Debugging Session', 'The error message (from the active file\'s problems if it has any)', file && fileErrors(file));
        if (error === undefined) return undefined;
        solution ??= await ask('Record Debugging Session', 'The solution: what fixed it?');
        if (!solution?.trim()) return undefined;
        const id = workspaces.system(target).addDebuggingSession(problem, error, solution, { filePath: file?.fsPath });
        return stored(id, workspaces);
      })),
    // `seen`: the timestamp of the memory the button was made for; a memory edited since is not forgotten.
    vscode.commands.registerCommand('codeMemory.forgetMemory', (id?: string, folderUri?: string, seen?: string) => run('forget the memory', async () => {
      id ??= await ask('Forget Memory', 'The memory id, for example mem:12');
      if (!id?.trim()) return false;
      const owner = (folderUri && workspaces.folderOf(vscode.Uri.parse(folderUri))) || folder();
      const outcome = workspaces.system(owner).forgetMemory(id.trim(), seen);
      workspaces.notify();
      if (outcome.status === 'missing') {
        void vscode.window.showInformationMessage(`Code Memory has no memory ${id}.`);
      } else if (outcome.status === 'changed') {
        void vscode.window.showWarningMessage(`Code Memory did not forget ${id}: it changed since (now “${preview(outcome.memory.text)}”).`);
      } else {
        void vscode.window.showInformationMessage(`Code Memory forgot ${id}: “${preview(outcome.memory.text)}”.`, 'Undo').then((choice) => {
          if (choice === 'Undo') void vscode.commands.executeCommand('codeMemory.restoreMemory', outcome.forgotten, owner.uri.toString());
        });
      }
      return outcome.status === 'forgotten';
    })),
    vscode.commands.registerCommand('codeMemory.restoreMemory', (forgotten: MemoryRecord, folderUri: string) => run('restore the memory', () => {
      const owner = workspaces.folderOf(vscode.Uri.parse(folderUri)) ?? folder();
      const restored = workspaces.system(owner).restoreMemory(forgotten);
      workspaces.notify();
      void vscode.window.showInformationMessage(restored ? `Code Memory restored mem:${forgotten.id}.` : `mem:${forgotten.id} is already there.`);
      return restored;
    })),
    vscode.commands.registerCommand('codeMemory.clearScoreCache', () => run('clear the score cache', () => {
      for (const { system } of workspaces.indexed()) system.clearCache();
      workspaces.notify();
      void vscode.window.showInformationMessage('Code Memory: cached scores cleared.');
    })),
  );
}

function stored(id: string, workspaces: Workspaces): string {
  workspaces.notify();
  void vscode.window.showInformationMessage(`Code Memory remembered this as ${id}.`);
  return id;
}
