import * as vscode from 'vscode';

/** Files the user moved through, newest first: the chat's "accessed files". */
const RECENT_EDITORS = 10;
/** Diagnostics past this many, or this long, add noise, not signal, to a question. */
const MAX_ERRORS = 20;
const ERROR_CHARS = 300;

export interface EditorState {
  /** Files recently shown in an editor, newest first, the active one included. */
  recentFiles(): vscode.Uri[];
}

export function registerEditorState(context: vscode.ExtensionContext): EditorState {
  const recent: vscode.Uri[] = [];
  const visit = (editor: vscode.TextEditor | undefined) => {
    const uri = editor?.document.uri;
    if (uri?.scheme !== 'file') return;
    const at = recent.findIndex((seen) => seen.toString() === uri.toString());
    if (at >= 0) recent.splice(at, 1);
    recent.unshift(uri);
    recent.length = Math.min(recent.length, RECENT_EDITORS);
  };
  for (const editor of vscode.window.visibleTextEditors) visit(editor);
  visit(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(visit));
  return { recentFiles: () => [...recent] };
}

/** The errors VS Code reports for a file, one per line with its line number. */
export function fileErrors(uri: vscode.Uri): string | undefined {
  const errors = vscode.languages.getDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error)
    .slice(0, MAX_ERRORS)
    .map((d) => {
      const message = d.message.length > ERROR_CHARS ? `${d.message.slice(0, ERROR_CHARS)}…` : d.message;
      return `${vscode.workspace.asRelativePath(uri)}:${d.range.start.line + 1}: ${message}${d.source ? ` (${d.source})` : ''}`;
    });
  return errors.length ? errors.join('\n') : undefined;
}
