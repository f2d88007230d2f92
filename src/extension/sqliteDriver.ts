import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chooseDriver, SqliteUnavailableError, SQLITE_PREFERENCES, type SqliteDriver, type SqlitePreference } from '../core/store/driver';

/** Our engines.vscode minimum, whose extension host has node:sqlite with FTS5 (see src/core/store/README.md). */
const MIN_VSCODE_FOR_NODE_SQLITE = '1.104';

/**
 * Picks the SQLite driver once, at activation: node:sqlite wherever the extension host has it (no native code to
 * match the runtime), else a better-sqlite3 build in the package for this host. Logs which and why. When none
 * works, says so in one line and returns the error: folders then refuse to open, the editor is unaffected.
 */
export function chooseSqliteDriver(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): SqliteDriver | SqliteUnavailableError {
  const configured = vscode.workspace.getConfiguration('codeMemory').get<string>('sqliteDriver', 'auto');
  const preference = SQLITE_PREFERENCES.includes(configured as SqlitePreference) ? configured as SqlitePreference : 'auto';
  try {
    const { driver, reason } = chooseDriver(preference, ['node:sqlite', 'better-sqlite3'], nativeSqliteBinding(context.extensionPath));
    log.info(`SQLite driver: ${reason}`);
    return driver;
  } catch (error) {
    if (!(error instanceof SqliteUnavailableError)) throw error;
    // Shown as the extension's notification and after "Code Memory: " in the status bar tooltip. VS Code older
    // than engines.vscode never loads the extension: a runtime without node:sqlite here is a fork or remote host.
    const message = preference !== 'auto'
      ? `The SQLite driver "${preference}" set in codeMemory.sqliteDriver cannot be used: ${error.message}.`
      : `No SQLite with full-text search in this VS Code ${vscode.version} (Code Memory needs the runtime of VS Code ${MIN_VSCODE_FOR_NODE_SQLITE} or later): ${error.message}.`;
    log.error(message);
    void vscode.window.showErrorMessage(message);
    return new SqliteUnavailableError(message);
  }
}

/**
 * better-sqlite3's addon built for the Node that runs this extension host by scripts/native.js
 * (dist/native/<platform>-<arch>-abi<N>/), if a development folder has one; else better-sqlite3 looks beside
 * its package, where npm built it for the Node that ran npm ci.
 */
function nativeSqliteBinding(extensionPath: string): string | undefined {
  const file = path.join(extensionPath, 'dist', 'native', `${process.platform}-${process.arch}-abi${process.versions.modules}`, 'better_sqlite3.node');
  return fs.existsSync(file) ? file : undefined;
}
