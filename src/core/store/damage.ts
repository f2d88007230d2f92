import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseDamagedError } from './database';
import type { SqliteDriver } from './driver';
import { memoryBackupPath } from './memoryStore';

/**
 * Checks every page of a database on a worker thread: resolves when intact, rejects with DatabaseDamagedError
 * naming the first problem. Other connections may read and write meanwhile (WAL).
 */
export function checkPagesOffThread(file: string, driver: SqliteDriver): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'pageCheckWorker.js'), { workerData: { file, driver } });
    worker.once('message', (problem: string | null) => (problem ? reject(new DatabaseDamagedError(file, problem)) : resolve()));
    worker.once('error', reject);
    // After a message this settles nothing: a promise settles once.
    worker.once('exit', (code) => reject(new Error(`the check of ${file} stopped early (exit code ${code})`)));
  });
}

/** Where a damaged database and the copy of its memories went. */
export interface MovedAside {
  file: string;
  memories: string | undefined;
}

/**
 * Renames a damaged database, its WAL and shared-memory files and its memory backup to `<name>.damaged-<time>…`,
 * byte for byte as they were, so a new index can be built in its place and the memories imported from the copy.
 */
export function moveAside(file: string, now = new Date()): MovedAside {
  const target = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  const backup = memoryBackupPath(file);
  const memories = backup && fs.existsSync(backup) ? memoryBackupPath(target) : undefined;
  if (backup && memories) fs.renameSync(backup, memories);
  return { file: target, memories };
}
