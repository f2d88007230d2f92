import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LanguageId } from '../types';
import type { FileOutcome } from './fileProcessor';

export interface ParseRequest {
  id: number;
  absolutePath: string;
  language: LanguageId;
  maxFileBytes: number;
  maxUnitLines: number;
  knownHash?: string;
}

export interface ParseResponse {
  id: number;
  outcome: FileOutcome;
  wasmHeapBytes: number;
}

export interface WorkerSetup {
  /** Grammars to load before the first parse: loading one between parses costs far more (V8 re-tiers the code). */
  languages: LanguageId[];
}

/**
 * Requests queued per worker: enough that a worker never runs dry while the writer thread commits a batch
 * (128 files, about 100 ms). With 16, the two cores of the benchmark machine were idle an eighth of the run.
 */
const IN_FLIGHT_PER_WORKER = 64;
/**
 * A worker with requests in flight that answers none for this long is stuck (a grammar's scanner looping where
 * the parser's own 10 s deadline cannot see it): it is terminated and replaced. Measured from its last answer,
 * not from when a request was queued, so a long queue of large files is not mistaken for a hang.
 */
const WATCHDOG_MS = 60_000;
/**
 * A WebAssembly heap never shrinks: a worker that grew this big on one huge file is replaced once its queue
 * is done, so the memory goes back (an 18 MB file takes a 930 MB heap).
 */
const RECYCLE_WASM_BYTES = 256 * 1024 * 1024;
/** A file whose worker died is tried once more on a fresh worker before it counts as failed. */
const CRASH_RETRIES = 1;

interface Pending {
  request: ParseRequest;
  resolve: (outcome: FileOutcome) => void;
  attempts: number;
}

interface Slot {
  worker: Worker;
  inFlight: Set<number>;
  watchdog?: NodeJS.Timeout;
  /** Its heap grew past RECYCLE_WASM_BYTES: it gets no new work, and stops when its queue is done. */
  recycling?: boolean;
}

/**
 * Parses files on worker threads, one per core by default, so the calling thread stays free for SQLite
 * writes. Every request settles exactly once: with the worker's outcome, or `failed` when its worker died
 * twice, hung, or the pool was closed.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly queue: number[] = [];
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Largest WASM heap any worker reported. */
  peakWasmHeapBytes = 0;
  /** Workers replaced to give their heap back. */
  recycled = 0;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly size = Math.max(1, os.availableParallelism()),
    private readonly watchdogMs = WATCHDOG_MS,
    private readonly recycleWasmBytes = RECYCLE_WASM_BYTES,
  ) {}

  get capacity(): number {
    return this.size * IN_FLIGHT_PER_WORKER;
  }

  parse(request: Omit<ParseRequest, 'id'>): Promise<FileOutcome> {
    if (this.closed) return Promise.resolve(failed('the parse pool is closed'));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { request: { ...request, id }, resolve, attempts: 0 });
      this.queue.push(id);
      this.dispatch();
    });
  }

  /** Settles every pending request as failed and stops the workers; every call returns the same promise. */
  close(): Promise<void> {
    return (this.closing ??= this.stop());
  }

  private async stop(): Promise<void> {
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.settle(id, failed('indexing stopped'));
    this.queue.length = 0;
    await Promise.all(this.slots.splice(0).map((slot) => {
      clearTimeout(slot.watchdog);
      return slot.worker.terminate();
    }));
  }

  /** (Re)starts the silence timer of a worker that has requests in flight; stops it when it has none. */
  private watch(slot: Slot): void {
    clearTimeout(slot.watchdog);
    // A closed pool's workers may still answer on their way out: they are not watched again.
    const busy = slot.inFlight.size > 0 && !this.closed;
    slot.watchdog = busy ? setTimeout(() => this.hung(slot), this.watchdogMs) : undefined;
  }

  /** Out of service at once, so nothing more is sent to it while it is being stopped. */
  private hung(slot: Slot): void {
    this.retire(slot, `the parser stopped answering for ${this.watchdogMs / 1000} s`);
    slot.worker.terminate().catch(() => undefined);
  }

  private dispatch(): void {
    while (this.queue.length && !this.closed) {
      const slot = this.freeSlot();
      if (!slot) return;
      const entry = this.pending.get(this.queue.shift()!);
      if (!entry) continue;
      slot.inFlight.add(entry.request.id);
      if (!slot.watchdog) this.watch(slot);
      slot.worker.postMessage(entry.request);
    }
  }

  private freeSlot(): Slot | undefined {
    let best: Slot | undefined;
    let working = 0;
    for (const slot of this.slots) {
      if (slot.recycling) continue;
      working++;
      if (!best || slot.inFlight.size < best.inFlight.size) best = slot;
    }
    if (best && best.inFlight.size === 0) return best;
    if (working < this.size) return this.spawn();
    return best && best.inFlight.size < IN_FLIGHT_PER_WORKER ? best : undefined;
  }

  private spawn(): Slot {
    const worker = new Worker(path.join(__dirname, 'parseWorker.js'), { workerData: this.setup });
    const slot: Slot = { worker, inFlight: new Set() };
    worker.on('message', (response: ParseResponse) => {
      slot.inFlight.delete(response.id);
      this.watch(slot);
      this.peakWasmHeapBytes = Math.max(this.peakWasmHeapBytes, response.wasmHeapBytes);
      this.settle(response.id, response.outcome);
      if (response.wasmHeapBytes > this.recycleWasmBytes) slot.recycling = true;
      if (slot.recycling && !slot.inFlight.size && !this.closed) this.recycle(slot);
      this.dispatch();
    });
    worker.on('error', (error) => this.retire(slot, `the parser crashed: ${error.message}`));
    worker.on('exit', (code) => this.retire(slot, `the parser stopped (exit code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  /** Stops a worker whose queue is done; a fresh one takes its place when there is work. */
  private recycle(slot: Slot): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    clearTimeout(slot.watchdog);
    this.recycled++;
    slot.worker.terminate().catch(() => undefined);
  }

  /**
   * Takes a worker out of service (it crashed, exited or hangs) and gives its requests to the others. A worker
   * answers in order, so only the oldest request was being parsed: it alone uses up its retry or fails; the
   * ones queued behind it never started and are queued again as they were.
   */
  private retire(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.watchdog);
    const [current, ...waiting] = [...slot.inFlight].filter((id) => this.pending.has(id));
    slot.inFlight.clear();
    if (!this.closed) this.queue.unshift(...waiting);
    if (current !== undefined) {
      const entry = this.pending.get(current)!;
      if (entry.attempts < CRASH_RETRIES && !this.closed) {
        entry.attempts++;
        this.queue.unshift(current);
      } else {
        this.settle(current, failed(reason));
      }
    }
    this.dispatch();
  }

  private settle(id: number, outcome: FileOutcome): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    entry.resolve(outcome);
  }
}

function failed(detail: string): FileOutcome {
  return { status: 'failed', reason: 'parse-failed', detail };
}
