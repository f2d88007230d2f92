import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

/**
 * Where a workspace's index lives when no path is given: a per-user cache folder keyed by the workspace's
 * real path, never inside the user's repository. CODE_MEMORY_CACHE_DIR overrides the cache folder.
 */
export function defaultDatabasePath(workspaceRoot: string): string {
  let real = path.resolve(workspaceRoot);
  try {
    real = fs.realpathSync(real);
  } catch {
    // A folder that does not exist yet keys by its resolved path.
  }
  const key = createHash('sha1').update(real).digest('hex').slice(0, 16);
  const name = path.basename(real).replace(/[^\w.-]+/g, '_') || 'root';
  return path.join(cacheRoot(), `${name}-${key}`, 'index.db');
}

/**
 * The nearest folder at or above `start` that has an index in the cache folder, as git finds `.git`: a command
 * run in a subfolder of an indexed workspace uses that workspace's index instead of starting a partial one.
 */
export function enclosingIndexedWorkspace(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(defaultDatabasePath(dir))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function cacheRoot(): string {
  const own = process.env.CODE_MEMORY_CACHE_DIR;
  if (own) return path.resolve(own);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(absoluteEnv('LOCALAPPDATA') ?? path.join(home, 'AppData', 'Local'), 'code-memory');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'code-memory');
  return path.join(absoluteEnv('XDG_CACHE_HOME') ?? path.join(home, '.cache'), 'code-memory');
}

/**
 * The user's own memories (preferences), shared by every workspace: in the per-user data folder, not the cache
 * (a cache may be cleared; these are what the user told us). CODE_MEMORY_DATA_DIR overrides the folder.
 */
export function personalDatabasePath(): string {
  return path.join(dataRoot(), 'personal.db');
}

/** The user's profile (profile/README.md): the markdown they read and edit, and its history beside it. */
export function profilePaths(): { file: string; history: string } {
  return { file: path.join(dataRoot(), 'profile.md'), history: path.join(dataRoot(), 'profile.db') };
}

function dataRoot(): string {
  const own = process.env.CODE_MEMORY_DATA_DIR;
  if (own) return path.resolve(own);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(absoluteEnv('APPDATA') ?? path.join(home, 'AppData', 'Roaming'), 'code-memory');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'code-memory');
  return path.join(absoluteEnv('XDG_DATA_HOME') ?? path.join(home, '.local', 'share'), 'code-memory');
}

/**
 * A base folder from the environment, or undefined when it is empty or relative: the XDG spec says to ignore
 * such values, and a relative one would put the index inside whatever folder the command runs in.
 */
function absoluteEnv(name: string): string | undefined {
  const value = process.env[name];
  return value && path.isAbsolute(value) ? value : undefined;
}
