import * as vscode from 'vscode';
import type { CodeContext } from '../../core/retrieval/types';
import type { EditorState } from '../editorState';
import { fileErrors } from '../editorState';
import type { Workspaces } from '../workspaces';

/** A selection longer than this is cut: it describes where the user is, the memories carry the code. */
const SELECTION_CHARS = 2000;

/** A file the user attached to the request (`#file`), or the part of it they attached. */
export interface Attachment {
  uri: vscode.Uri;
  range?: vscode.Range;
  text: string;
}

export interface ChatQuestion {
  /** Where the user is: the question plus the active file, its errors and selection, and recent files. */
  context: CodeContext;
  attachments: Attachment[];
}

/** Builds the CodeContext of a chat request from the request itself and the state of the editor. */
export async function chatQuestion(request: vscode.ChatRequest, workspaces: Workspaces, editors: EditorState): Promise<ChatQuestion> {
  const editor = vscode.window.activeTextEditor;
  const active = editor && workspaces.folderOf(editor.document.uri) ? editor : undefined;
  const attachments = await readAttachments(request.references);
  const context: CodeContext = { userQuery: questionText(request) };
  if (active) {
    context.currentFile = active.document.uri.fsPath;
    context.errors = fileErrors(active.document.uri);
    if (!active.selection.isEmpty) {
      const selected = active.document.getText(active.selection).slice(0, SELECTION_CHARS);
      context.additionalContext = `Selected in ${vscode.workspace.asRelativePath(active.document.uri)} ` +
        `(lines ${active.selection.start.line + 1}-${active.selection.end.line + 1}):\n${selected}`;
    }
  }
  const accessed = [...attachments.map((a) => a.uri), ...editors.recentFiles()]
    .filter((uri) => workspaces.folderOf(uri) && uri.fsPath !== context.currentFile)
    .map((uri) => uri.fsPath);
  if (accessed.length) context.accessedFiles = [...new Set(accessed)];
  // Recent changes are each folder's own uncommitted diff: retrieveAll reads them (withRecentChanges).
  return { context, attachments };
}

/** The question without the `#file:…` markers of attached references (their files are attached separately). */
function questionText(request: vscode.ChatRequest): string {
  let text = request.prompt;
  const ranges = request.references.flatMap((ref) => (ref.range ? [ref.range] : [])).sort((a, b) => b[0] - a[0]);
  for (const [start, end] of ranges) text = text.slice(0, start) + text.slice(end);
  return text.replace(/\s+/g, ' ').trim() || request.prompt.trim();
}

async function readAttachments(references: readonly vscode.ChatPromptReference[]): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const reference of references) {
    const value = reference.value;
    const uri = value instanceof vscode.Uri ? value : value instanceof vscode.Location ? value.uri : undefined;
    if (!uri) continue;
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const range = value instanceof vscode.Location ? value.range : undefined;
      attachments.push({ uri, range, text: document.getText(range) });
    } catch {
      // A folder or a binary file: nothing to quote.
    }
  }
  return attachments;
}
