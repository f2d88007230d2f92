import * as vscode from 'vscode';

/**
 * The "Code Memory" output channel. A log channel: its level follows "Developer: Set Log Level…", so
 * debug lines cost nothing until someone asks for them.
 */
export function registerLog(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const log = vscode.window.createOutputChannel('Code Memory', { log: true });
  context.subscriptions.push(log, vscode.commands.registerCommand('codeMemory.openLog', () => log.show(true)));
  return log;
}

/** Any failure as one line a user can read: the message, never a stack. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'unknown error';
}
