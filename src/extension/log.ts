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
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
  if (abi) {
    return `Code Memory's SQLite module was built for another runtime (ABI ${abi[1]}, this one needs ${abi[2]}): install the Code Memory package built for this VS Code`;
  }
  if (/Could not locate the bindings file/.test(message)) {
    return `Code Memory has no SQLite module for this runtime (${process.platform}-${process.arch}, ABI ${process.versions.modules}): install the Code Memory package built for this VS Code`;
  }
  return message.split('\n')[0].trim() || 'unknown error';
}
