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
/** Minified and bundled scripts, by name (lock files and the like are never source files to begin with). */
const DEFAULT_EXCLUDED_FILE = /\.(min|bundle)\.[cm]?js$/i;
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** Why a file is not indexed: its stored rows are removed. */
export type SkipReason = 'too-large' | 'binary' | 'minified' | 'generated' | 'excluded';
/** Why a file could not be indexed this time: its stored rows are kept and the next run tries again. */
export type FailReason = 'unreadable' | 'parse-failed';

export interface SkippedFile {
  path: string;
  reason: SkipReason | FailReason;
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
  /** Folders that could not be read: what is stored below them is neither current nor known to be gone. */
  unreadableDirs: string[];
}

/** The workspace root itself cannot be listed: nothing can be concluded about its files. */
export class WalkError extends Error {}

interface IgnoreLevel {
  /** Relative folder the rules were written in ('' for the root). */
  base: string;
  rules: Ignore;
}

/**
 * What to leave out of one workspace: default folders and scripts, user globs, and git's rules for
 * .gitignore (every folder's file applies to its subtree, the deepest file with an opinion wins, so a
 * `!negation` re-includes; an ignored folder is not entered). The walk and single-file updates share it.
 */
export class WorkspaceRules {
  private readonly matchers: Minimatch[];
  private readonly dirNames = new Set(DEFAULT_EXCLUDED_DIRS);
  private readonly useGitignore: boolean;

  constructor(readonly root: string, options: WalkOptions = {}) {
    this.useGitignore = options.gitignore ?? true;
    this.matchers = (options.exclude ?? []).flatMap((raw) => {
      const p = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
      if (!p) return [];
      // Anchored patterns match from the root; others at any depth, and a matching folder covers its contents.
      if (p.startsWith('/')) return [p.slice(1), `${p.slice(1)}/**`];
      return [p, `**/${p}`, `${p}/**`, `**/${p}/**`];
    }).map((p) => new Minimatch(p, { dot: true, nocomment: true }));
  }

  /** The .gitignore rules in force at the root. */
  rootLevels(): IgnoreLevel[] {
    const levels: IgnoreLevel[] = [];
    if (!this.useGitignore) return levels;
    for (const file of [path.join(this.root, '.git', 'info', 'exclude'), path.join(this.root, '.gitignore')]) {
      const rules = readRules(file);
      if (rules) levels.push({ base: '', rules });
    }
    return levels;
  }

  /** The rules in force inside a folder, given those of its parent. */
  childLevels(parent: IgnoreLevel[], dirRelative: string): IgnoreLevel[] {
    if (!this.useGitignore) return parent;
    const rules = readRules(path.join(this.root, dirRelative, '.gitignore'));
    return rules ? [...parent, { base: dirRelative, rules }] : parent;
  }

  excludesDir(levels: IgnoreLevel[], name: string, relative: string): boolean {
    return this.dirNames.has(name) || this.matchesGlob(relative) || isIgnored(levels, relative, true);
  }

  excludesFile(levels: IgnoreLevel[], name: string, relative: string): boolean {
    return DEFAULT_EXCLUDED_FILE.test(name) || this.matchesGlob(relative) || isIgnored(levels, relative, false);
  }

  private matchesGlob(relative: string): boolean {
    return this.matchers.length > 0 && this.matchers.some((m) => m.match(relative));
  }

  /**
   * Whether one file would be walked, judged without walking: every folder on its way is checked as the walk
   * would check it, and symbolic links are refused the same way.
   */
  isIncluded(relative: string): boolean {
    const parts = relative.split('/');
    let levels = this.rootLevels();
    let current = '';
    for (const [i, name] of parts.entries()) {
      current = current ? `${current}/${name}` : name;
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(path.join(this.root, current));
      } catch {
        return false;
      }
      if (i === parts.length - 1) return stat.isFile() && !this.excludesFile(levels, name, current);
      if (!stat.isDirectory() || this.excludesDir(levels, name, current)) return false;
      levels = this.childLevels(levels, current);
    }
    return false;
  }
}

/** Lists the source files of a workspace (see WorkspaceRules). Symbolic links are not followed. */
export function walkWorkspace(root: string, options: WalkOptions = {}): WalkResult {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const rules = new WorkspaceRules(root, options);
  const result: WalkResult = { files: [], skipped: [], excluded: 0, unreadableDirs: [] };
  const stack: { dir: string; rel: string; levels: IgnoreLevel[] }[] = [{ dir: root, rel: '', levels: rules.rootLevels() }];
  while (stack.length) {
    const { dir, rel, levels: parentLevels } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (!rel) throw new WalkError(`cannot read ${root}: ${code}`);
      result.unreadableDirs.push(rel);
      result.skipped.push({ path: rel, reason: 'unreadable', detail: code });
      continue;
    }
    const levels = rel ? rules.childLevels(parentLevels, rel) : parentLevels;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(options.recursive ?? true) || rules.excludesDir(levels, entry.name, childRel)) continue;
        stack.push({ dir: absolute, rel: childRel, levels });
      } else if (entry.isFile()) {
        const language = languageForPath(entry.name);
        if (!language) continue;
        if (rules.excludesFile(levels, entry.name, childRel)) {
          result.excluded++;
          continue;
        }
        let stat: fs.Stats;
        try {
          stat = fs.statSync(absolute);
        } catch (error) {
          result.skipped.push({ path: childRel, reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code });
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
