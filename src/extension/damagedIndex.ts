import * as vscode from 'vscode';
import type { IndexRunSummary } from '../core/indexing/indexer';
import { isDamage } from '../core/store/database';
import type { Indexer } from './indexing';
import { describeError } from './log';
import type { Workspaces } from './workspaces';

const REBUILD = 'Rebuild Index';
const OPEN_LOG = 'Open Log';

export interface PageCheck {
  folder: string;
  /** What is wrong, in one line; undefined when every page is intact. */
  damage?: string;
  /** Why the check itself could not run. */
  failure?: string;
}

export interface Rebuilt {
  folder: string;
  /** Where the damaged file now is, byte for byte as it was found. */
  movedTo: string;
  memories: number;
  /** The run that indexed the code again, one summary per folder. */
  summaries: IndexRunSummary[];
}

/**
 * A damaged index: said once, in one line, with an offer to move it aside and rebuild it (the memories come
 * back from the copy kept beside it). Until then nothing is written into it. Also "Check Index" on demand.
 */
export function registerDamagedIndex(context: vscode.ExtensionContext, workspaces: Workspaces, indexer: Indexer,
  log: vscode.LogOutputChannel): void {
  const rebuild = async (folder: vscode.WorkspaceFolder): Promise<Rebuilt | undefined> => {
    try {
      const { moved, memories } = await workspaces.rebuild(folder);
      log.info(`${folder.name}: the index was moved to ${moved.file}; ${memories} memories brought back from its copy`);
      void vscode.window.showInformationMessage(`Code Memory moved the index of ${folder.name} aside ` +
        `(${moved.file}), brought back ${memories} ${memories === 1 ? 'memory' : 'memories'} and is indexing the code again.`);
      const summaries = await indexer.indexAll({ notify: true });
      return { folder: folder.name, movedTo: moved.file, memories, summaries };
    } catch (error) {
      log.error(`Rebuilding the index of ${folder.name} failed: ${describeError(error)}`);
      void vscode.window.showErrorMessage(`Code Memory could not rebuild the index of ${folder.name}: ${describeError(error)}`);
      return undefined;
    }
  };

  const offerRebuild = (folder: vscode.WorkspaceFolder, error: unknown) => {
    void vscode.window.showErrorMessage(`Code Memory stopped using the index of ${folder.name}: ${describeError(error)}. ` +
      'Rebuild it? Your memories are brought back from their copy.', REBUILD, OPEN_LOG).then((choice) => {
      if (choice === REBUILD) void rebuild(folder);
      else if (choice === OPEN_LOG) log.show(true);
    });
  };

  context.subscriptions.push(
    workspaces.onDamaged(({ folder, error }) => {
      log.error(`${folder.name}: ${describeError(error)}`);
      offerRebuild(folder, error);
    }),
    vscode.commands.registerCommand('codeMemory.checkIndex', async (): Promise<PageCheck[]> => {
      const indexed = workspaces.trusted ? workspaces.folders().filter((folder) => workspaces.hasIndex(folder)) : [];
      if (!indexed.length) void vscode.window.showInformationMessage('Code Memory: there is no index to check yet.');
      const checks = await Promise.all(indexed.map(async (folder): Promise<PageCheck> => {
        // Damage found before was announced then: asked again, the answer is shown again.
        const known = workspaces.damageOf(folder);
        try {
          await workspaces.checkPages(folder);
          return { folder: folder.name };
        } catch (error) {
          if (isDamage(error)) {
            if (known) offerRebuild(folder, error);
            return { folder: folder.name, damage: describeError(error) };
          }
          void vscode.window.showWarningMessage(`Code Memory could not check the index of ${folder.name}: ${describeError(error)}`);
          return { folder: folder.name, failure: describeError(error) };
        }
      }));
      const intact = checks.filter((check) => !check.damage && !check.failure).map((check) => check.folder);
      if (intact.length) void vscode.window.showInformationMessage(`Code Memory: every page of the index of ${intact.join(', ')} is intact.`);
      return checks;
    }),
    vscode.commands.registerCommand('codeMemory.rebuildIndex', async (folderUri?: string): Promise<Rebuilt | undefined> => {
      const folder = folderUri
        ? workspaces.folders().find((f) => f.uri.toString() === folderUri)
        : workspaces.folders().length === 1 ? workspaces.folders()[0]
          : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder whose index to move aside and rebuild' });
      return folder && workspaces.trusted ? rebuild(folder) : undefined;
    }),
  );
}
