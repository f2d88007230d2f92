import type { CodeStore, FileRow, FileUpdate, WriteEffects } from '../store/codeStore';
import { emptyEffects, InsertedGraph } from '../store/codeStore';
import type { FileOutcome } from './fileProcessor';
import { extractorVersion } from './parser';
import { linkInSlices } from './linkWriter';
import type { SkippedFile, WalkedFile, WalkOptions } from './walker';
import { DEFAULT_MAX_FILE_BYTES, walkWorkspace } from './walker';
import { DEFAULT_MAX_UNIT_LINES } from './units';
import { parseAll } from './parseAll';

/**
 * A transaction commits once it has written for this long, whatever the batch: other processes (a window, the
 * CLI) wait for the lock to store a memory, and their busy timeout is 5 s.
 */
const WRITE_SLICE_MS = 500;
/** Marks a graph that is not yet linked (a run was cancelled or crashed between writes and resolution). */
const GRAPH_PENDING = 'graph_pending';
/** The extractor and unit size that produced the stored entities and units (see extractionKey). */
export const EXTRACTOR_VERSION = 'extractor_version';
/** The unit size of the stored units, so every front end goes on with the size the index was built with. */
export const MAX_UNIT_LINES = 'max_unit_lines';

/** What stored rows depend on besides file content: a change re-extracts every file. */
export function extractionKey(maxUnitLines: number): string {
  return `${extractorVersion()}:${maxUnitLines}`;
}
export const LAST_INDEXED_AT = 'last_indexed_at';

export interface IndexProgress {
  phase: 'walking' | 'parsing' | 'linking';
  done: number;
  total: number;
}

export interface IndexOptions extends WalkOptions {
  /** Longest unit, in lines (default 150). Changing it re-extracts every file. */
  maxUnitLines?: number;
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
  /** After each committed write: readers on the same connection drop what they cached about the index. */
  onWrite?: () => void;
  /** Parse workers (default: one per core). */
  workers?: number;
  /** Source bytes in flight at most (default 32 MB, see parseAll.ts). */
  maxBytesInFlight?: number;
  /** Longest a write transaction goes on before it commits, in ms (default 500). */
  writeSliceMs?: number;
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
  /** Most source bytes that were being parsed or waiting to be written at once. */
  peakBytesInFlight: number;
}

/** Indexes a whole workspace into the store, doing only the work its changes require. */
export async function indexWorkspace(store: CodeStore, root: string, options: IndexOptions = {}): Promise<IndexRunSummary> {
  const started = performance.now();
  const startedAt = Date.now();
  const changesBefore = store.totalChanges();
  const summary: IndexRunSummary = {
    files: 0, indexed: 0, unchanged: 0, removed: 0, skipped: [], excluded: 0, cancelled: false, seconds: 0,
    rowsWritten: 0, peakWasmHeapBytes: 0, peakBytesInFlight: 0,
  };
  // Aborted while waiting its turn (its connection is closing): not walked, nothing written under old settings.
  if (options.signal?.aborted) return { ...summary, cancelled: true };
  options.onProgress?.({ phase: 'walking', done: 0, total: 0 });
  const walk = walkWorkspace(root, options);
  Object.assign(summary, { files: walk.files.length, skipped: walk.skipped, excluded: walk.excluded });
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // Taken before anything is read: a commit by another process after this point makes the record incomplete.
  const inserted = new InsertedGraph(store);
  const stored = new Map(store.files().map((f) => [f.path, f]));
  const coldStart = stored.size === 0;
  const maxUnitLines = options.maxUnitLines ?? DEFAULT_MAX_UNIT_LINES;
  const version = extractionKey(maxUnitLines);
  // Everything an empty index will hold comes from this extractor, even if this run is cut short.
  if (coldStart && store.meta(EXTRACTOR_VERSION) !== version) {
    store.transaction(() => {
      store.setMeta(EXTRACTOR_VERSION, version);
      store.setMeta(MAX_UNIT_LINES, String(maxUnitLines));
    });
  }
  const sameExtractor = store.meta(EXTRACTOR_VERSION) === version;

  const toParse: WalkedFile[] = [];
  const present = new Set<string>();
  for (const file of walk.files) {
    present.add(file.path);
    const row = stored.get(file.path);
    if (sameExtractor && row && row.size === file.size && row.mtimeMs === file.mtimeMs) summary.unchanged++;
    else toParse.push(file);
  }
  // What could not be read this time is kept as it is: unreadable is not deleted.
  for (const skip of walk.skipped) if (skip.reason === 'unreadable') present.add(skip.path);
  const hidden = walk.unreadableDirs.map((dir) => `${dir}/`);
  const removed = [...stored.values()].filter((row) =>
    !present.has(row.path) && !hidden.some((dir) => row.path.startsWith(dir)));

  const effects = emptyEffects();
  // From an empty index, linking can use what was written instead of reading it all back.
  if (coldStart) effects.inserted = inserted;
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
    options.onWrite?.();
  };
  // Another extractor or unit size: until this run has re-extracted every file, the index is mixed. Marked so,
  // a run cut short is finished by the next one whatever size it asks for.
  if (!sameExtractor && !coldStart) {
    store.transaction(() => {
      store.setMeta(EXTRACTOR_VERSION, `partial:${version}`);
      store.setMeta(MAX_UNIT_LINES, String(maxUnitLines));
    });
  }

  if (removed.length) {
    write(() => {
      for (const row of removed) store.deleteFile(row, effects);
    });
    summary.removed = removed.length;
  }

  const sliceMs = options.writeSliceMs ?? WRITE_SLICE_MS;
  if (toParse.length) {
    const apply = (file: WalkedFile, outcome: FileOutcome) =>
      applyOutcome(store, file, outcome, stored.get(file.path), effects, summary, startedAt, !sameExtractor);
    const changesLinks = (file: WalkedFile, outcome: FileOutcome) =>
      outcome.status === 'parsed' || (outcome.status === 'skipped' && stored.has(file.path));
    summary.cancelled = await parseAll(toParse, stored, sameExtractor, { maxFileBytes, maxUnitLines }, options, summary, (batch) => {
      for (let i = 0; i < batch.length;) {
        write(() => {
          const started = performance.now();
          do {
            apply(batch[i].file, batch[i].outcome);
            i++;
          } while (i < batch.length && performance.now() - started < sliceMs);
        }, batch.slice(i).some(({ file, outcome }) => changesLinks(file, outcome)));
      }
    });
  }

  if (!summary.cancelled && (pending || !sameExtractor)) {
    options.onProgress?.({ phase: 'linking', done: 0, total: 1 });
    if (pending) await linkInSlices(store, effects, coldStart || pendingAtStart, sliceMs, (work) => write(work, false));
    store.transaction(() => {
      store.setMeta(GRAPH_PENDING, undefined);
      store.setMeta(EXTRACTOR_VERSION, version);
      store.setMeta(MAX_UNIT_LINES, String(maxUnitLines));
      store.setMeta(LAST_INDEXED_AT, new Date().toISOString());
    });
    options.onWrite?.();
    options.onProgress?.({ phase: 'linking', done: 1, total: 1 });
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsWritten = store.totalChanges() - changesBefore;
  return summary;
}

function applyOutcome(
  store: CodeStore,
  file: WalkedFile,
  outcome: FileOutcome,
  existing: FileRow | undefined,
  effects: WriteEffects,
  summary: IndexRunSummary,
  startedAt: number,
  newExtractor: boolean,
): void {
  switch (outcome.status) {
    case 'parsed': {
      const update: FileUpdate = {
        path: file.path, hash: outcome.hash, size: file.size, mtimeMs: file.mtimeMs,
        language: file.language.id, extraction: outcome.extraction, searchTexts: outcome.searchTexts,
      };
      if (store.writeFile(update, effects, startedAt, newExtractor)) summary.indexed++;
      else summary.unchanged++;
      break;
    }
    case 'unchanged':
      if (existing) store.touchFile(existing, file.size, file.mtimeMs);
      summary.unchanged++;
      break;
    case 'skipped':
      summary.skipped.push({ path: file.path, reason: outcome.reason, detail: outcome.detail });
      if (existing) {
        store.deleteFile(existing, effects);
        summary.removed++;
      }
      break;
    case 'failed':
      summary.skipped.push({ path: file.path, reason: outcome.reason, detail: outcome.detail });
      break;
  }
}
