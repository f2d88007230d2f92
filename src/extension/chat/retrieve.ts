import * as vscode from 'vscode';
import { type MergedRetrieval, mergeRetrievals } from '../../core/memories/merge';
import { asPersonal } from '../../core/memories/search';
import type { RetrievalResult } from '../../core/memorySystem';
import type { CodeContext, ScoredMemory } from '../../core/retrieval/types';
import { describeError } from '../log';
import type { Workspaces } from '../workspaces';

/** A retrieved memory and the folder whose index holds it (its file path is relative to that folder). */
export interface FoundMemory {
  folder: vscode.WorkspaceFolder;
  memory: ScoredMemory;
}

export interface Found extends MergedRetrieval<vscode.WorkspaceFolder> {
  /** Folders that could not be searched this time, each with why (the others still answer). */
  unavailable: string[];
  /** The uncommitted diff of the folder being worked in (see withRecentChanges), for the answering model. */
  recentChanges?: string;
}

/**
 * Retrieves from every indexed folder and keeps the best overall. Each folder sees the current file and
 * accessed files only when they are its own, and, withRecentChanges, its own uncommitted diff, so a folder's
 * boosts and candidates come from its own graph.
 */
export async function retrieveAll(workspaces: Workspaces, context: CodeContext, token: vscode.CancellationToken,
  options: { withRecentChanges?: boolean } = {}): Promise<Found> {
  const controller = new AbortController();
  const cancel = token.onCancellationRequested(() => controller.abort());
  try {
    const folders = workspaces.folders().filter((folder) => workspaces.hasIndex(folder));
    // One folder whose index cannot be opened or read must not cost the user the answer from the others.
    const settled = await Promise.allSettled(folders.map(async (folder) => {
      const own = (file: string) => workspaces.folderOf(vscode.Uri.file(file))?.uri.toString() === folder.uri.toString();
      const system = workspaces.system(folder);
      try {
        const mine: CodeContext = {
          ...context,
          currentFile: context.currentFile && own(context.currentFile) ? context.currentFile : undefined,
          accessedFiles: context.accessedFiles?.filter(own),
          recentChanges: options.withRecentChanges ? await system.recentChanges() : context.recentChanges,
        };
        return { folder, system, result: await system.retrieve(mine, { signal: controller.signal }), recentChanges: mine.recentChanges };
      } catch (error) {
        workspaces.reportFailure(folder, error, system);
        throw error;
      }
    }));
    if (controller.signal.aborted) throw controller.signal.reason;
    const results = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const unavailable = settled.flatMap((outcome, i) =>
      (outcome.status === 'rejected' ? [`${folders[i].name}: ${describeError(outcome.reason)}`] : []));
    const maxMemories = results.length ? results[0].system.config.maxMemories : 0;
    // The user's personal memories answer beside every folder's, on the same scale, shown under the first folder.
    const personal = results.length ? await personalResult(workspaces, context, controller.signal) : undefined;
    workspaces.notify(); // the cache's hit rate changed
    return {
      ...mergeRetrievals(personal ? [...results, { folder: results[0].folder, result: personal }] : results, maxMemories),
      unavailable,
      recentChanges: results.find(({ folder }) => folder.uri.toString() === workspaces.primaryFolder()?.uri.toString())?.recentChanges,
    };
  } finally {
    cancel.dispose();
  }
}

async function personalResult(workspaces: Workspaces, context: CodeContext, signal: AbortSignal): Promise<RetrievalResult | undefined> {
  const personal = workspaces.personalMemories();
  if (!personal) return undefined;
  try {
    return asPersonal(await personal.retrieve(context.userQuery, { signal }));
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined; // the folders still answer
  }
}

/** Where a memory lives, for links and references; undefined for memories not tied to a file. */
export function memoryLocation(found: FoundMemory): vscode.Location | vscode.Uri | undefined {
  const { memory, folder } = found;
  if (!memory.file) return undefined;
  // From the folder's URI, scheme and authority included: a path alone means the local disk in a remote window.
  const uri = vscode.Uri.joinPath(folder.uri, ...memory.file.split('/'));
  if (!memory.startLine) return uri;
  return new vscode.Location(uri, new vscode.Range(memory.startLine - 1, 0, (memory.endLine ?? memory.startLine) - 1, 0));
}

