import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chooseDriver, SqliteUnavailableError, SQLITE_PREFERENCES, type SqliteDriver, type SqlitePreference } from '../core/store/driver';

/** The first VS Code whose extension host has node:sqlite with FTS5 (Node 22.16: see src/core/store/README.md). */
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
    // Shown as the extension's notification and after "Code Memory: " in the status bar tooltip.
    const message = preference !== 'auto'
      ? `The SQLite driver "${preference}" set in codeMemory.sqliteDriver cannot be used: ${error.message}.`
      : olderThan(vscode.version, MIN_VSCODE_FOR_NODE_SQLITE)
        ? `VS Code ${MIN_VSCODE_FOR_NODE_SQLITE} or later is needed (this is ${vscode.version}): its runtime has no SQLite with full-text search.`
        : `No SQLite with full-text search in this VS Code ${vscode.version}: ${error.message}.`;
    log.error(`${message} (${error.message})`);
    void vscode.window.showErrorMessage(message);
    return new SqliteUnavailableError(message);
  }
}

/** `1.103.2` is older than `1.104`. */
export function olderThan(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => v.split(/[.-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0));
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/**
 * better-sqlite3's addon for the Node that runs this extension host, when the package or a development checkout
 * has one: dist/native/<platform>-<arch>-abi<N>/ (scripts/native.js), or node_modules built by this very Node.
 */
function nativeSqliteBinding(extensionPath: string): string | undefined {
  const key = `${process.platform}-${process.arch}-abi${process.versions.modules}`;
  const candidates = [
    path.join(extensionPath, 'dist', 'native', key, 'better_sqlite3.node'),
    path.join(extensionPath, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
  ];
  return candidates.find((file) => fs.existsSync(file));
}
