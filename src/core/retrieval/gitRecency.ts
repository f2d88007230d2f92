import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Git answers are reused this long: a burst of queries runs git once. */
const CACHE_MS = 30_000;
const GIT_TIMEOUT_MS = 5_000;
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * Which workspace files changed recently according to git: touched by a commit within the window, or changed
 * and not yet committed. In a git repository this replaces file mtimes, which a fresh clone or a branch
 * switch sets to "now" for files nobody worked on. Undefined when the workspace is not in a git repository
 * or git is missing or fails, so callers fall back to mtimes.
 */
export class GitRecency {
  private topLevel: Promise<string | undefined> | undefined;
  private cached: { days: number; at: number; files: Promise<Set<string> | undefined> } | undefined;

  constructor(private readonly root: string) {}

  recentFiles(days: number): Promise<Set<string> | undefined> {
    const now = Date.now();
    if (this.cached && this.cached.days === days && now - this.cached.at < CACHE_MS) return this.cached.files;
    const files = this.read(days, now);
    this.cached = { days, at: now, files };
    return files;
  }

  /**
   * The uncommitted changes under the workspace (`git diff HEAD`), as a CodeContext's recentChanges: at most
   * maxChars, cut at a line. Undefined outside git or without changes.
   */
  async uncommittedDiff(maxChars: number): Promise<string | undefined> {
    const diff = await git(this.root, ['diff', 'HEAD', '--no-color', '--no-ext-diff', '--unified=1', '--', '.']);
    if (!diff?.trim()) return undefined;
    if (diff.length <= maxChars) return diff;
    const cut = diff.lastIndexOf('\n', maxChars);
    return `${diff.slice(0, cut > 0 ? cut : maxChars)}\n[diff truncated]`;
  }

  /** Forget the cached answer (after a commit or checkout the caller knows about). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async read(days: number, now: number): Promise<Set<string> | undefined> {
    this.topLevel ??= git(this.root, ['rev-parse', '--show-toplevel']).then((out) => out?.trim() || undefined);
    const top = await this.topLevel;
    if (!top) return undefined;
    const since = new Date(now - days * 86_400_000).toISOString();
    const [log, status] = await Promise.all([
      git(top, ['log', `--since=${since}`, '--name-only', '--format=', '--no-renames', '-z']),
      git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all']),
    ]);
    if (log === undefined || status === undefined) return undefined;
    const fromTop = new Set(log.split(/[\0\n]/).filter(Boolean));
    const entries = status.split('\0');
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry.length < 4) continue;
      fromTop.add(entry.slice(3));
      if (entry[0] === 'R' || entry[0] === 'C') i++; // the next entry is the old name
    }
    // git reports real paths; the workspace may have been opened through a symlink.
    const root = fs.realpathSync.native(this.root);
    const files = new Set<string>();
    for (const file of fromTop) {
      const relative = path.relative(root, path.join(top, file)).split(path.sep).join('/');
      if (!relative.startsWith('../')) files.add(relative);
    }
    return files;
  }
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-c', 'core.quotePath=false', ...args], { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true },
      (error, stdout) => resolve(error ? undefined : stdout));
  });
}
