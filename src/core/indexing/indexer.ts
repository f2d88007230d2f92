import type { CodeStore, FileUpdate, WriteEffects } from '../store/codeStore';
import { emptyEffects } from '../store/codeStore';
import type { FileOutcome } from './fileProcessor';
import { resolveGraph } from './resolver';
import type { SkippedFile, WalkedFile, WalkOptions } from './walker';
import { DEFAULT_MAX_FILE_BYTES, walkWorkspace } from './walker';
import { ParsePool } from './workerPool';

/** Parsed files written per transaction: short enough that workers never wait on the writer. */
const FLUSH_FILES = 128;
/** Marks a graph that is not yet linked (a run was cancelled or crashed between writes and resolution). */
const GRAPH_PENDING = 'graph_pending';
export const LAST_INDEXED_AT = 'last_indexed_at';

export interface IndexProgress {
  phase: 'walking' | 'parsing' | 'linking';
  done: number;
  total: number;
}

export interface IndexOptions extends WalkOptions {
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
  /** Parse workers (default: one per core). */
  workers?: number;
}

export interface IndexRunSummary {
  /** Source files found by the walk. */
  files: number;
  /** Files parsed and written in this run. */
  indexed: number;
  unchanged: number;
  removed: number;
  skipped: SkippedFile[];
  excluded: number;
  cancelled: boolean;
  seconds: number;
  /** Rows inserted, updated or deleted: 0 for a run over an unchanged tree. */
  rowsWritten: number;
  /** Largest WASM heap of a parse worker (0 when nothing was parsed). */
  peakWasmHeapBytes: number;
}

/** Indexes a whole workspace into the store, doing only the work its changes require. */
export async function indexWorkspace(store: CodeStore, root: string, options: IndexOptions = {}): Promise<IndexRunSummary> {
  const started = performance.now();
  const changesBefore = store.totalChanges();
  options.onProgress?.({ phase: 'walking', done: 0, total: 0 });
  const walk = walkWorkspace(root, options);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const stored = new Map(store.files().map((f) => [f.path, f]));
  const coldStart = stored.size === 0;
  const summary: IndexRunSummary = {
    files: walk.files.length, indexed: 0, unchanged: 0, removed: 0, skipped: walk.skipped,
    excluded: walk.excluded, cancelled: false, seconds: 0, rowsWritten: 0, peakWasmHeapBytes: 0,
  };

  const toParse: WalkedFile[] = [];
  const seen = new Set<string>();
  for (const file of walk.files) {
    seen.add(file.path);
    const row = stored.get(file.path);
    if (row && row.size === file.size && row.mtimeMs === file.mtimeMs) summary.unchanged++;
    else toParse.push(file);
  }
  const removed = [...stored.values()].filter((row) => !seen.has(row.path));
  // Files once indexed that are now skipped (grew too large, became binary) must leave the index too.
  for (const skip of walk.skipped) {
    const row = stored.get(skip.path);
    if (row) removed.push(row);
  }

  const effects = emptyEffects();
  // A run that stopped between writing and linking left effects we no longer know: relink everything.
  const pendingAtStart = store.meta(GRAPH_PENDING) === '1';
  let pending = pendingAtStart;
  /** One transaction; `linksChange` marks the graph as needing linking before the same commit. */
  const write = (work: () => void, linksChange = true) => {
    store.transaction(() => {
      if (linksChange && !pending) {
        store.setMeta(GRAPH_PENDING, '1');
        pending = true;
      }
      work();
    });
  };

  if (removed.length) {
    write(() => {
      for (const row of removed) store.deleteFile(row.id, effects);
    });
    summary.removed = removed.length;
  }

  if (toParse.length) {
    const outcome = await parseAll(store, toParse, stored, maxFileBytes, options, effects, write, summary);
    if (outcome === 'cancelled') summary.cancelled = true;
  }

  if (pending && !summary.cancelled) {
    options.onProgress?.({ phase: 'linking', done: 0, total: 1 });
    store.transaction(() => {
      resolveGraph(store.db, effects, coldStart || pendingAtStart);
      store.setMeta(GRAPH_PENDING, undefined);
      store.setMeta(LAST_INDEXED_AT, new Date().toISOString());
    });
    options.onProgress?.({ phase: 'linking', done: 1, total: 1 });
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsWritten = store.totalChanges() - changesBefore;
  return summary;
}

async function parseAll(
  store: CodeStore,
  files: WalkedFile[],
  stored: Map<string, { id: number; hash: string }>,
  maxFileBytes: number,
  options: IndexOptions,
  effects: WriteEffects,
  write: (work: () => void, linksChange?: boolean) => void,
  summary: IndexRunSummary,
): Promise<'done' | 'cancelled'> {
  const pool = new ParsePool({ languages: [...new Set(files.map((f) => f.language.id))] }, options.workers);
  const buffer: { file: WalkedFile; outcome: FileOutcome }[] = [];
  let done = 0;
  const flush = () => {
    if (!buffer.length) return;
    const batch = buffer.splice(0);
    write(() => {
      for (const { file, outcome } of batch) applyOutcome(store, file, outcome, stored, effects, summary);
    }, batch.some(({ file, outcome }) => outcome.status === 'parsed' || (outcome.status === 'skipped' && stored.has(file.path))));
  };
  try {
    let next = 0;
    let cancelled = false;
    await new Promise<void>((resolve) => {
      let active = 0;
      const launch = () => {
        if (options.signal?.aborted) cancelled = true;
        while (!cancelled && active < pool.capacity && next < files.length) {
          const file = files[next++];
          active++;
          pool.parse({
            absolutePath: file.absolutePath, language: file.language.id, maxFileBytes,
            knownHash: stored.get(file.path)?.hash,
          }).then((outcome) => {
            active--;
            done++;
            buffer.push({ file, outcome });
            options.onProgress?.({ phase: 'parsing', done, total: files.length });
            if (buffer.length >= FLUSH_FILES) flush();
            launch();
          });
        }
        if (active === 0 && (cancelled || next >= files.length)) resolve();
      };
      launch();
    });
    flush();
    return cancelled ? 'cancelled' : 'done';
  } finally {
    summary.peakWasmHeapBytes = pool.peakWasmHeapBytes;
    await pool.close();
  }
}

function applyOutcome(
  store: CodeStore,
  file: WalkedFile,
  outcome: FileOutcome,
  stored: Map<string, { id: number }>,
  effects: WriteEffects,
  summary: IndexRunSummary,
): void {
  const existing = stored.get(file.path);
  switch (outcome.status) {
    case 'parsed': {
      const update: FileUpdate = {
        path: file.path, hash: outcome.hash, size: file.size, mtimeMs: file.mtimeMs,
        language: file.language.id, extraction: outcome.extraction, searchTexts: outcome.searchTexts,
      };
      store.writeFile(update, effects);
      summary.indexed++;
      break;
    }
    case 'unchanged':
      if (existing) store.touchFile(existing.id, file.size, file.mtimeMs);
      summary.unchanged++;
      break;
    case 'skipped':
      summary.skipped.push({ path: file.path, reason: outcome.reason, detail: outcome.detail });
      if (existing) {
        store.deleteFile(existing.id, effects);
        summary.removed++;
      }
      break;
  }
}
