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

/** Requests queued per worker: enough that a worker never waits for the main thread, few enough to cancel fast. */
const IN_FLIGHT_PER_WORKER = 16;

interface Slot {
  worker: Worker;
  inFlight: Set<number>;
}

/**
 * Parses files on worker threads, one per core by default. The main thread stays free for SQLite writes.
 * A worker that dies (a grammar crash) fails only its own in-flight files and is replaced.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, (outcome: FileOutcome) => void>();
  private readonly queue: ParseRequest[] = [];
  private nextId = 1;
  private closed = false;
  /** Largest WASM heap any worker reported. */
  peakWasmHeapBytes = 0;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly size = Math.max(1, os.availableParallelism()),
  ) {}

  get capacity(): number {
    return this.size * IN_FLIGHT_PER_WORKER;
  }

  parse(request: Omit<ParseRequest, 'id'>): Promise<FileOutcome> {
    if (this.closed) return Promise.reject(new Error('parse pool is closed'));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.queue.push({ ...request, id });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.freeSlot();
      if (!slot) return;
      const request = this.queue.shift()!;
      slot.inFlight.add(request.id);
      slot.worker.postMessage(request);
    }
  }

  private freeSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) if (!best || slot.inFlight.size < best.inFlight.size) best = slot;
    if (best && best.inFlight.size === 0) return best;
    if (this.slots.length < this.size) return this.spawn();
    return best && best.inFlight.size < IN_FLIGHT_PER_WORKER ? best : undefined;
  }

  private spawn(): Slot {
    const worker = new Worker(path.join(__dirname, 'parseWorker.js'), { workerData: this.setup });
    const slot: Slot = { worker, inFlight: new Set() };
    worker.on('message', (response: ParseResponse) => {
      slot.inFlight.delete(response.id);
      this.peakWasmHeapBytes = Math.max(this.peakWasmHeapBytes, response.wasmHeapBytes);
      this.settle(response.id, response.outcome);
      this.dispatch();
    });
    const fail = (reason: string) => {
      const index = this.slots.indexOf(slot);
      if (index === -1) return;
      this.slots.splice(index, 1);
      for (const id of slot.inFlight) this.settle(id, { status: 'skipped', reason: 'parse-failed', detail: reason });
      slot.inFlight.clear();
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => fail(`parser crashed: ${error.message}`));
    worker.on('exit', (code) => fail(`parser exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private settle(id: number, outcome: FileOutcome): void {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(outcome);
  }
}
