import * as nativePath from 'node:path';

const path = nativePath.posix;

/**
 * How import specifiers and file paths name each other. The resolver matches specifiers to files; the
 * store keeps each import's leaf so that a file appearing or disappearing revisits only the imports that
 * could name it.
 */

export const SOURCE_EXTENSION = /\.(py|pyi|js|jsx|mjs|cjs|ts|tsx|mts|cts|java|c|h|cc|cpp|cxx|hh|hpp|hxx|go|rs|rb|php|cs)$/i;

/** Files that stand for their folder, per language: `pkg/__init__.py` is `pkg`, `lib/index.ts` is `lib`. */
const FOLDER_INDEX: Record<string, ReadonlySet<string>> = {
  py: new Set(['__init__']), pyi: new Set(['__init__']),
  js: new Set(['index']), jsx: new Set(['index']), mjs: new Set(['index']), cjs: new Set(['index']),
  ts: new Set(['index']), tsx: new Set(['index']), mts: new Set(['index']), cts: new Set(['index']),
  rs: new Set(['mod', 'lib']), php: new Set(['index']),
};

/** The folder a file stands for, when it is its folder's index file. */
export function folderOf(filePath: string): string | undefined {
  const ext = path.extname(filePath).slice(1).toLowerCase();
  const stem = path.basename(filePath).replace(SOURCE_EXTENSION, '');
  const dir = path.dirname(filePath);
  return FOLDER_INDEX[ext]?.has(stem) && dir !== '.' ? dir : undefined;
}

/** The last name in an import specifier: './util.js' → util, 'os.path' → path, 'App\\Models\\User' → User. */
export function importLeaf(module: string): string {
  const parts = module.trim().replace(SOURCE_EXTENSION, '').split(/[/\\.:]+/).filter(Boolean);
  return parts.length ? parts[parts.length - 1] : '';
}

/** The leaves under which imports can name a file: its stem, and its folder's name for index files. */
export function fileLeaves(filePath: string): string[] {
  const leaves = [path.basename(filePath).replace(SOURCE_EXTENSION, '')];
  const folder = folderOf(filePath);
  if (folder) leaves.push(path.basename(folder));
  return leaves;
}

/**
 * A file as the index names it: relative to the workspace root, '/' separators. Accepts absolute or relative
 * paths; a file outside the workspace comes back starting with '../'.
 */
export function workspaceRelative(root: string, file: string): string {
  return nativePath.relative(root, nativePath.resolve(root, file)).split(nativePath.sep).join('/');
}
