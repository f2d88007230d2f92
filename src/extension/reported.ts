import * as vscode from 'vscode';
import { describeError } from './log';

/**
 * A command handler whose failure the user reads as one line — "Code Memory could not <what>: <why>" — rather
 * than a thrown error; it then resolves to undefined.
 */
export function reported<A extends unknown[], R>(what: string, task: (...args: A) => R | PromiseLike<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await task(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(`Code Memory could not ${what}: ${describeError(error)}`);
      return undefined;
    }
  };
}
