// Runs PRAGMA quick_check on its own read-only connection, so the thread that asked (an editor's extension
// host) stays responsive: about 20 ms per MB of index. Posts the first problem found, or null.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, isDamage, pageProblem } from './database';

const { file, nativeBinding } = workerData as { file: string; nativeBinding?: string };
let problem: string | null;
try {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding && { nativeBinding }) });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    problem = pageProblem(db) ?? null;
  } finally {
    db.close();
  }
} catch (error) {
  if (!isDamage(error)) throw error;
  problem = (error as Error).message;
}
parentPort!.postMessage(problem);
