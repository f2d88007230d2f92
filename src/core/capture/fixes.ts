import { createTwoFilesPatch } from 'diff';

/**
 * Noticing that the user fixed something (capture/README.md): an error that was present disappears after their
 * edits, or a command that failed passes again. The front end reports what it sees; this decides when that is
 * worth offering to record as a debugging session — at most once per error, never recording by itself.
 */

/** How eager the offers are: never; for errors that lasted (the default); for every error fixed. */
export type CaptureEagerness = 'off' | 'lasting' | 'every';
export const CAPTURE_EAGERNESS: readonly CaptureEagerness[] = ['off', 'lasting', 'every'];

/** An error that is gone within this long was a typo being typed, not a problem being solved. */
export const LASTING_ERROR_MS = 60_000;
/** The diff that fixed it, cut to this length: a memory is a note, and a huge diff says little. */
const MAX_DIFF_CHARS = 4000;
/** Errors remembered at once; the oldest are dropped first (a workspace full of errors must not grow this). */
const MAX_TRACKED = 500;

export interface ObservedError {
  /** The file it is in (workspace-relative), or the command that failed. */
  where: string;
  message: string;
  source: 'diagnostic' | 'task' | 'terminal';
}

export interface FixOffer {
  id: number;
  error: ObservedError;
  /** A unified diff of the file from when the error appeared to when it was gone (diagnostics only). */
  diff?: string;
  /** How long the error was there. */
  lastedMs: number;
}

interface Tracked {
  error: ObservedError;
  since: number;
  /** The file's text when the error appeared, and whether it changed since. */
  before?: string;
  edited: boolean;
}

/** Words of an error without what changes between occurrences: numbers, quoted names, paths. */
export function errorKey(error: Pick<ObservedError, 'where' | 'message' | 'source'>): string {
  return `${error.source}\0${error.where}\0${normalizeError(error.message)}`;
}

export function normalizeError(message: string): string {
  return message.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

export class FixTracker {
  private readonly tracked = new Map<string, Tracked>();
  private readonly offered = new Set<string>();
  private nextId = 1;

  constructor(private eagerness: () => CaptureEagerness) {}

  /** An error is there now; `text`: its file's text at this moment, the first time it is seen. */
  present(error: ObservedError, text?: string, now = Date.now()): void {
    const key = errorKey(error);
    if (this.tracked.has(key) || this.offered.has(key)) return;
    this.tracked.set(key, { error, since: now, before: text, edited: false });
    if (this.tracked.size > MAX_TRACKED) this.tracked.delete(this.tracked.keys().next().value!);
  }

  /** The user changed this file: errors in it that go away now went away because of them. */
  edited(where: string): void {
    for (const item of this.tracked.values()) if (item.error.where === where) item.edited = true;
  }

  /**
   * These errors of `where` are still there; the others it had are gone. Returns the offers to make: errors
   * gone after an edit (`text`: the file now, for the diff) that the eagerness setting counts.
   */
  remaining(where: string, still: readonly ObservedError[], text?: string, now = Date.now()): FixOffer[] {
    const keep = new Set(still.map(errorKey));
    const offers: FixOffer[] = [];
    for (const [key, item] of this.tracked) {
      if (item.error.where !== where || item.error.source !== 'diagnostic' || keep.has(key)) continue;
      this.tracked.delete(key);
      const offer = item.edited ? this.offer(key, item, now, diffOf(where, item.before, text)) : undefined;
      if (offer) offers.push(offer);
    }
    return offers;
  }

  /** A task or a terminal command ended: a failure is remembered, a success after a failure may be offered. */
  commandEnded(error: ObservedError, exitCode: number, now = Date.now()): FixOffer | undefined {
    const key = errorKey(error);
    if (exitCode !== 0) {
      this.present(error, undefined, now);
      return undefined;
    }
    const item = this.tracked.get(key);
    if (!item) return undefined;
    this.tracked.delete(key);
    return this.offer(key, item, now);
  }

  private offer(key: string, item: Tracked, now: number, diff?: string): FixOffer | undefined {
    const eagerness = this.eagerness();
    const lastedMs = now - item.since;
    if (eagerness === 'off' || (eagerness === 'lasting' && lastedMs < LASTING_ERROR_MS)) return undefined;
    this.offered.add(key);
    return { id: this.nextId++, error: item.error, diff, lastedMs };
  }
}

function diffOf(file: string, before: string | undefined, after: string | undefined): string | undefined {
  if (before === undefined || after === undefined || before === after) return undefined;
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 2 })
    .split('\n').filter((line) => !line.startsWith('====')).join('\n').trim();
  return patch.length > MAX_DIFF_CHARS ? `${patch.slice(0, MAX_DIFF_CHARS)}\n… (diff cut)` : patch;
}

/**
 * Whether two error messages are the same problem: at least three words in common and three quarters of all
 * their words (numbers set aside), so that "cannot read 'total' of undefined" at line 12 and at line 40 match,
 * and "`npm run lint` failed" and "`npm test` failed" do not.
 */
export function sameError(a: string, b: string): boolean {
  const words = (text: string) => new Set(normalizeError(text).split(/[^\p{L}\p{N}_#]+/u).filter((w) => w.length > 1));
  const [x, y] = [words(a), words(b)];
  const shared = [...x].filter((w) => y.has(w)).length;
  return shared >= 3 && shared / new Set([...x, ...y]).size >= 0.75;
}
