// Runs PRAGMA quick_check on its own read-only connection, so the thread that asked (an editor's extension
// host) stays responsive: about 20 ms per MB of index. Posts the first problem found, or null.
import { parentPort, workerData } from 'node:worker_threads';
import { BUSY_TIMEOUT_MS, isDamage, pageProblem } from './database';
import { connect, type SqliteDriver } from './driver';

const { file, driver } = workerData as { file: string; driver: SqliteDriver };
let problem: string | null;
try {
  const db = connect(driver, file, { readonly: true, fileMustExist: true });
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
