import type { FileRow } from '../store/codeStore';
import type { FileOutcome } from './fileProcessor';
import type { IndexOptions, IndexRunSummary } from './indexer';
import type { WalkedFile } from './walker';
import { ParsePool } from './workerPool';

/** Parsed files written per transaction: short enough that workers never wait on the writer. */
const FLUSH_FILES = 128;
/**
 * Source bytes parsed or waiting to be written at once, over all workers: each file's results take several
 * times its size, so a count of files alone let big files (a 20 MB limit, a worker per core) take gigabytes.
 * A file bigger than this still goes, alone.
 */
const DEFAULT_MAX_BYTES_IN_FLIGHT = 32 * 1024 * 1024;

export type Batch = { file: WalkedFile; outcome: FileOutcome }[];

/**
 * Feeds the workers and hands their results to `flush` in batches. Returns whether it was cancelled. An
 * error in `flush` or in the progress callback stops feeding, lets in-flight parses finish, then is thrown.
 */
export async function parseAll(
  files: WalkedFile[],
  stored: Map<string, FileRow>,
  sameExtractor: boolean,
  limits: { maxFileBytes: number; maxUnitLines: number },
  options: IndexOptions,
  summary: IndexRunSummary,
  flush: (batch: Batch) => void,
): Promise<boolean> {
  const pool = new ParsePool({ languages: [...new Set(files.map((f) => f.language.id))] }, options.workers);
  const buffer: Batch = [];
  const maxBytes = options.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT;
  /** Bytes launched and not yet written: a file counts until its batch is flushed. */
  let bytesInFlight = 0;
  let bufferedBytes = 0;
  const flushBuffer = () => {
    const batch = buffer.splice(0);
    bytesInFlight -= bufferedBytes;
    bufferedBytes = 0;
    flush(batch);
  };
  let next = 0;
  /** The next file must wait for bytes to be written: holding the buffer back would stall the run. */
  const nextWaits = () => next < files.length && bytesInFlight > 0 && bytesInFlight + files[next].size > maxBytes;
  let done = 0;
  let failure: unknown;
  let cancelled = false;
  const onAbort = () => launch();
  let launch = () => {};
  try {
    await new Promise<void>((resolve) => {
      let active = 0;
      launch = () => {
        if (options.signal?.aborted && !cancelled) {
          // Queued parses are not waited for: they settle at once as failed, and are not recorded. The pool's
          // closing is awaited below.
          cancelled = true;
          void pool.close().catch(() => undefined);
        }
        while (!cancelled && failure === undefined && active < pool.capacity && next < files.length &&
            (bytesInFlight === 0 || bytesInFlight + files[next].size <= maxBytes)) {
          const file = files[next++];
          active++;
          bytesInFlight += file.size;
          summary.peakBytesInFlight = Math.max(summary.peakBytesInFlight, bytesInFlight);
          void pool.parse({
            absolutePath: file.absolutePath, language: file.language.id, ...limits,
            // A new extractor must re-extract even unchanged content.
            knownHash: sameExtractor ? stored.get(file.path)?.hash : undefined,
          }).then((outcome) => {
            active--;
            if (cancelled) {
              bytesInFlight -= file.size;
            } else {
              done++;
              buffer.push({ file, outcome });
              bufferedBytes += file.size;
              try {
                options.onProgress?.({ phase: 'parsing', done, total: files.length });
                // Written when the batch is full, or when holding it would stop new parses.
                if (buffer.length >= FLUSH_FILES || bytesInFlight >= maxBytes / 2 || nextWaits()) flushBuffer();
              } catch (error) {
                failure ??= error;
              }
            }
            launch();
          });
        }
        if (active === 0 && (cancelled || failure !== undefined || next >= files.length)) resolve();
      };
      options.signal?.addEventListener('abort', onAbort);
      launch();
    });
    if (failure === undefined && buffer.length) flushBuffer();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    summary.peakWasmHeapBytes = pool.peakWasmHeapBytes;
    await pool.close();
  }
  if (failure !== undefined) throw failure;
  return cancelled;
}
