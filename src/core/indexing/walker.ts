import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { Minimatch } from 'minimatch';
import type { LanguageSpec } from './languages';
import { languageForPath } from './languages';

/** Folders never worth indexing: VCS data, dependencies, build output, caches, virtual environments. */
export const DEFAULT_EXCLUDED_DIRS: readonly string[] = [
  '.git', '.hg', '.svn', 'node_modules', 'dist', 'build', 'out', 'target', 'vendor', '__pycache__',
  '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', '.next', '.gradle',
];
/** Files skipped by name: minified bundles and lock files. */
export const DEFAULT_EXCLUDED_FILES: readonly string[] = [
  '*.min.js', '*.min.mjs', '*.min.css', '*.bundle.js', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml',
  'Cargo.lock', 'poetry.lock', 'Gemfile.lock', 'composer.lock', 'go.sum',
];
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export type SkipReason = 'too-large' | 'binary' | 'minified' | 'generated' | 'unreadable' | 'parse-failed';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail?: string;
}

export interface WalkedFile {
  /** Relative to the root, '/' separators. */
  path: string;
  absolutePath: string;
  size: number;
  mtimeMs: number;
  language: LanguageSpec;
}

export interface WalkOptions {
  /** Extra globs (minimatch), matched at any depth; a matching folder excludes everything in it. */
  exclude?: readonly string[];
  recursive?: boolean;
  maxFileBytes?: number;
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: SkippedFile[];
  /** Files of a supported language left out by .gitignore, default or user excludes. */
  excluded: number;
}

interface IgnoreLevel {
  /** Relative folder the rules were written in ('' for the root). */
  base: string;
  rules: Ignore;
}

/** Compiled exclusion globs: user patterns and defaults. */
export class ExcludeMatcher {
  private readonly matchers: Minimatch[];
  private readonly dirNames: Set<string>;

  constructor(userPatterns: readonly string[] = []) {
    this.dirNames = new Set(DEFAULT_EXCLUDED_DIRS);
    const patterns = [...DEFAULT_EXCLUDED_FILES, ...userPatterns].flatMap((raw) => {
      const p = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
      if (!p) return [];
      // Anchored patterns match from the root; others at any depth, and a matching folder covers its contents.
      if (p.startsWith('/')) return [p.slice(1), `${p.slice(1)}/**`];
      return [p, `**/${p}`, `${p}/**`, `**/${p}/**`];
    });
    this.matchers = patterns.map((p) => new Minimatch(p, { dot: true, nocomment: true }));
  }

  excludesDir(name: string, relativePath: string): boolean {
    return this.dirNames.has(name) || this.matches(relativePath);
  }

  matches(relativePath: string): boolean {
    return this.matchers.some((m) => m.match(relativePath));
  }
}

/**
 * Lists the source files of a workspace. Follows git's rules for .gitignore: every folder's file applies
 * to its subtree, a deeper rule (including `!negation`) overrides a shallower one, and an ignored folder
 * is not entered. Symbolic links are not followed (no cycles, no escaping the workspace).
 */
export function walkWorkspace(root: string, options: WalkOptions = {}): WalkResult {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const excludes = new ExcludeMatcher(options.exclude);
  const useGitignore = options.gitignore ?? true;
  const result: WalkResult = { files: [], skipped: [], excluded: 0 };
  const rootLevels: IgnoreLevel[] = [];
  if (useGitignore) {
    const infoExclude = readRules(path.join(root, '.git', 'info', 'exclude'));
    if (infoExclude) rootLevels.push({ base: '', rules: infoExclude });
  }
  const stack: { dir: string; rel: string; levels: IgnoreLevel[] }[] = [{ dir: root, rel: '', levels: rootLevels }];
  while (stack.length) {
    const { dir, rel, levels: parentLevels } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      if (rel) result.skipped.push({ path: rel, reason: 'unreadable' });
      continue;
    }
    let levels = parentLevels;
    if (useGitignore) {
      const rules = readRules(path.join(dir, '.gitignore'));
      if (rules) levels = [...parentLevels, { base: rel, rules }];
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(options.recursive ?? true)) continue;
        if (excludes.excludesDir(entry.name, childRel) || isIgnored(levels, childRel, true)) continue;
        stack.push({ dir: absolute, rel: childRel, levels });
      } else if (entry.isFile()) {
        const language = languageForPath(entry.name);
        if (!language) continue;
        if (excludes.matches(childRel) || isIgnored(levels, childRel, false)) {
          result.excluded++;
          continue;
        }
        let stat: fs.Stats;
        try {
          stat = fs.statSync(absolute);
        } catch {
          result.skipped.push({ path: childRel, reason: 'unreadable' });
          continue;
        }
        if (stat.size > maxBytes) {
          result.skipped.push({ path: childRel, reason: 'too-large', detail: `${stat.size} bytes` });
          continue;
        }
        result.files.push({ path: childRel, absolutePath: absolute, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs), language });
      }
    }
  }
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

function readRules(file: string): Ignore | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return ignore().add(text);
}

/** The deepest .gitignore with an opinion on the path decides. */
function isIgnored(levels: IgnoreLevel[], relativePath: string, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const { base, rules } = levels[i];
    const local = base ? relativePath.slice(base.length + 1) : relativePath;
    const verdict = rules.test(isDir ? `${local}/` : local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}
