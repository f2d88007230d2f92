// Installs, once and into <repo>/.vscode-test/, everything the real-VS Code tests need besides the repository's
// own node_modules: Node 24 (npm package node-<os>-<arch>), code-server (VS Code server + web workbench, runs on
// Node 24), better-sqlite3 built for Node 24 (scripts/native.js) and the fake language model extension as a VSIX.
// Every step is skipped when its pinned version is already in place.
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVSIX } from '@vscode/vsce';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
/**
 * The oldest VS Code the extension installs into (engines.vscode ^1.104.0) as code-server, on the Node 22 of
 * that line: the package is also tested where node:sqlite is youngest.
 */
export const OLDEST_CODE_SERVER_VERSION = '4.104.0';
export const OLDEST_NODE_VERSION = '22.18.0';
/**
 * code-server 4.104.0's VS Code pins @vscode/ripgrep 1.15.14 (lib/vscode/npm-shrinkwrap.json), whose postinstall
 * downloads this release asset from GitHub, or takes it from its cache folder: seeded with Debian's `rg`.
 */
const RIPGREP_CACHE = { folder: 'vscode-ripgrep-cache-1.15.14', asset: 'ripgrep-v13.0.0-13-x86_64-unknown-linux-musl.tar.gz' };

/** The repository this script was compiled from (out/test/extension/runner/ → four levels up). */
export const REPO_ROOT = findRepoRoot(__dirname);
export const CACHE_DIR = path.join(REPO_ROOT, '.vscode-test');
export const FAKE_LM_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'fake-lm');
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'vscode-workspace');
/** The second folder of the multi-root launch (not a git repository). */
export const FIXTURE_SECOND_FOLDER = path.join(REPO_ROOT, 'test', 'fixtures', 'vscode-workspace-ledger');

export interface Installation {
  /** Node 24 binary that runs code-server (and, through it, the extension host). */
  node: string;
  /** The oldest supported VS Code: its code-server entry and the Node 22 that runs it. */
  oldest: { node: string; codeServerEntry: string };
  /** Folder with include/node/ (headers for node-gyp). */
  nodeDir: string;
  /** code-server's entry script: `node <entry> [options] [folder]`. */
  codeServerEntry: string;
  /** better_sqlite3.node built for that Node. */
  nativeAddon: string;
  /** The fake language model extension, packaged. */
  fakeLmVsix: string;
}

export type Log = (message: string) => void;

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'code-memory') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no code-memory package.json above ${start}`);
  }
}

/**
 * Environment for a nested npm: the settings of an enclosing `npm run` (package, lifecycle, nodedir pointing at
 * Node 20's headers in the user config) do not leak in.
 */
export function cleanNpmEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/i.test(key)) continue;
    if (/^npm_config_(nodedir|local_prefix|prefix|global|target|target_arch|runtime|disturl|dist_url|user_agent|node_gyp|argv)$/i.test(key)) continue;
    if (/^(npm_execpath|npm_node_execpath|npm_command|INIT_CWD|NODE)$/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** npm's CLI script, to run npm on a chosen Node. */
function findNpmCli(): string {
  const candidates: string[] = [];
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) candidates.push(process.env.npm_execpath);
  candidates.push(path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
  try {
    const which = childProcess.execFileSync('which', ['npm'], { encoding: 'utf8' }).trim().split('\n')[0];
    candidates.push(path.resolve(path.dirname(fs.realpathSync(which)), 'npm-cli.js'));
  } catch {
    // no npm on PATH
  }
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`cannot find npm-cli.js (looked at ${candidates.join(', ')})`);
  return found;
}

function run(command: string, args: string[], options: childProcess.SpawnSyncOptions, what: string): void {
  const result = childProcess.spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (${result.signal ?? `exit ${result.status}`})`);
}

function readMarker(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, '.complete'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A private npm project folder holding exactly one pinned dependency. */
function npmInstall(dir: string, pkg: string, version: string, node: string, env: NodeJS.ProcessEnv, log: Log): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `vscode-test-${pkg}`, private: true, dependencies: { [pkg]: version } }, null, 2) + '\n',
  );
  log(`installing ${pkg}@${version} into ${path.relative(REPO_ROOT, dir)} (Node ${runNode(node, 'process.version')})`);
  run(node, [findNpmCli(), 'install', '--no-save', '--loglevel=warn'], { cwd: dir, env }, `npm install ${pkg}@${version}`);
}

function runNode(node: string, expression: string): string {
  return childProcess.execFileSync(node, ['-p', expression], { encoding: 'utf8' }).trim();
}

function nodePackageName(): string {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${platform}-${process.arch}`;
}

/** Node from npm (binary in bin/, headers in include/node/): by default the Node 24 that runs code-server. */
export function ensureNode(log: Log, version = NODE_VERSION): { node: string; nodeDir: string } {
  const pkg = nodePackageName();
  const dir = path.join(CACHE_DIR, `node-${version}`);
  const nodeDir = path.join(dir, 'node_modules', pkg);
  const node = path.join(nodeDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const marker = `${pkg}@${version}`;
  if (readMarker(dir) === marker && fs.existsSync(node)) return { node, nodeDir };
  npmInstall(dir, pkg, version, process.execPath, cleanNpmEnvironment(), log);
  const reported = runNode(node, 'process.version');
  if (reported !== `v${version}`) throw new Error(`${node} reports ${reported}, expected v${version}`);
  if (!fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_version.h'))) {
    throw new Error(`${pkg}@${version} has no headers in include/node`);
  }
  fs.writeFileSync(path.join(dir, '.complete'), marker);
  return { node, nodeDir };
}

/**
 * code-server, installed by npm running on the Node it needs (its postinstall refuses other versions and builds
 * native modules such as kerberos against that Node's headers: needs libkrb5-dev, python3, make, g++).
 */
function ensureCodeServer(version: string, nodeVersion: string, node: string, nodeDir: string, log: Log): string {
  const dir = path.join(CACHE_DIR, `code-server-${version}`);
  const packageDir = path.join(dir, 'node_modules', 'code-server');
  const entry = path.join(packageDir, 'out', 'node', 'entry.js');
  const marker = `code-server@${version} node@${nodeVersion}`;
  if (readMarker(dir) === marker && fs.existsSync(entry)) return entry;
  if (version === OLDEST_CODE_SERVER_VERSION) seedRipgrepCache();
  const env = cleanNpmEnvironment({
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
  });
  npmInstall(dir, 'code-server', version, node, env, log);
  // The postinstall installs VS Code's own dependencies; a failure there leaves lib/vscode without node_modules.
  if (!fs.existsSync(path.join(packageDir, 'lib', 'vscode', 'node_modules'))) {
    throw new Error('code-server installed without lib/vscode/node_modules: its postinstall did not run or failed');
  }
  // Prints "4.139.1 <commit> with Code 1.139.1" after a log line about its default config file.
  const output = childProcess.execFileSync(node, [entry, '--version'], {
    encoding: 'utf8',
    env: sandboxEnvironment(path.join(dir, '.version-home'), node),
  });
  const printed = output.trim().split('\n').pop() ?? '';
  if (!printed.startsWith(`${version} `)) throw new Error(`code-server --version printed ${output.trim()}`);
  fs.rmSync(path.join(dir, '.version-home'), { recursive: true, force: true });
  fs.writeFileSync(path.join(dir, '.complete'), marker);
  return entry;
}

function seedRipgrepCache(): void {
  const folder = path.join(os.tmpdir(), RIPGREP_CACHE.folder);
  if (fs.existsSync(path.join(folder, RIPGREP_CACHE.asset))) return;
  const rg = childProcess.spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error(`code-server ${OLDEST_CODE_SERVER_VERSION} needs ripgrep on PATH (apt-get install ripgrep): its own download is offline`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-'));
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.mkdirSync(folder, { recursive: true });
  run('tar', ['czf', path.join(folder, RIPGREP_CACHE.asset), '-C', staging, 'rg'], {}, 'packing rg for @vscode/ripgrep');
  fs.rmSync(staging, { recursive: true, force: true });
}

/** better-sqlite3 for that Node, in dist/native/ (scripts/native.js caches it). */
export function ensureNativeAddon(node: string, nodeDir: string): string {
  const script = path.join(REPO_ROOT, 'scripts', 'native.js');
  const result = childProcess.spawnSync(process.execPath, [script, '--node', node, '--nodedir', nodeDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = (result.stdout ?? '').trim().split('\n');
  for (const line of lines.slice(0, -1)) console.log(line);
  if (result.status !== 0) {
    console.log(lines[lines.length - 1] ?? '');
    throw new Error(`scripts/native.js failed (${result.signal ?? `exit ${result.status}`})`);
  }
  const addon = lines[lines.length - 1];
  if (!addon || !fs.existsSync(addon)) throw new Error(`scripts/native.js did not print the addon path`);
  return addon;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The fake language model extension as a VSIX (repacked when a source file is newer). */
export async function ensureFakeLmVsix(log: Log): Promise<string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(FAKE_LM_DIR, 'package.json'), 'utf8'));
  const vsix = path.join(CACHE_DIR, `${manifest.name}-${manifest.version}.vsix`);
  if (fs.existsSync(vsix) && fs.statSync(vsix).mtimeMs > newestMtime(FAKE_LM_DIR)) return vsix;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  log(`packing ${path.relative(REPO_ROOT, FAKE_LM_DIR)} into ${path.relative(REPO_ROOT, vsix)}`);
  await createVSIX({ cwd: FAKE_LM_DIR, packagePath: vsix, dependencies: false, allowMissingRepository: true });
  return vsix;
}

/** Environment that keeps a code-server process out of the real home folder. */
export function sandboxEnvironment(home: string, node: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  for (const dir of ['config', 'data', 'cache', 'state', 'runtime', 'tmp']) {
    fs.mkdirSync(path.join(home, dir), { recursive: true, mode: 0o700 });
  }
  const env = cleanNpmEnvironment();
  for (const key of Object.keys(env)) {
    // VS Code variables of an enclosing VS Code terminal would confuse the server and the extension host.
    if (/^(VSCODE_|ELECTRON_|CODE_SERVER_|PASSWORD$|HASHED_PASSWORD$)/.test(key)) delete env[key];
  }
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_STATE_HOME: path.join(home, 'state'),
    XDG_RUNTIME_DIR: path.join(home, 'runtime'),
    TMPDIR: path.join(home, 'tmp'),
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  };
}

/** Everything, idempotently. */
export async function ensureInstalled(log: Log): Promise<Installation> {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const { node, nodeDir } = ensureNode(log);
  const codeServerEntry = ensureCodeServer(CODE_SERVER_VERSION, NODE_VERSION, node, nodeDir, log);
  const oldestNode = ensureNode(log, OLDEST_NODE_VERSION);
  const oldest = {
    node: oldestNode.node,
    codeServerEntry: ensureCodeServer(OLDEST_CODE_SERVER_VERSION, OLDEST_NODE_VERSION, oldestNode.node, oldestNode.nodeDir, log),
  };
  const nativeAddon = ensureNativeAddon(node, nodeDir);
  const fakeLmVsix = await ensureFakeLmVsix(log);
  return { node, nodeDir, oldest, codeServerEntry, nativeAddon, fakeLmVsix };
}

/**
 * A fresh copy of the fixture workspace under `parent`, committed to a new git repository (the extension reads
 * git history).
 */
export function prepareWorkspace(parent: string): string {
  const dir = path.join(parent, 'tiny-orders');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(FIXTURE_WORKSPACE, dir, { recursive: true });
  const git = (...args: string[]) =>
    childProcess.execFileSync('git', args, {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Code Memory Tests',
        GIT_AUTHOR_EMAIL: 'tests@code-memory.invalid',
        GIT_COMMITTER_NAME: 'Code Memory Tests',
        GIT_COMMITTER_EMAIL: 'tests@code-memory.invalid',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: os.devNull,
      },
    });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('commit', '--quiet', '--no-gpg-sign', '-m', 'Tiny orders app');
  return dir;
}

/** A .code-workspace with the fixture workspace and a second folder; returns the workspace file. */
export function prepareMultiRootWorkspace(parent: string): string {
  prepareWorkspace(parent);
  fs.cpSync(FIXTURE_SECOND_FOLDER, path.join(parent, 'ledger-tools'), { recursive: true });
  const file = path.join(parent, 'multi-root.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: 'tiny-orders' }, { path: 'ledger-tools' }] }, null, 2));
  return file;
}

if (require.main === module) {
  // `node out/test/extension/runner/setup.js`: install only.
  const started = Date.now();
  ensureInstalled((message) => console.log(`[setup] ${message}`)).then(
    (installation) => {
      console.log(JSON.stringify(installation, null, 2));
      console.log(`[setup] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
    (error: unknown) => {
      console.error(`[setup] ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
