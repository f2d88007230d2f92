// `npm run test:electron`: the same mocha suite (trusted specs) in desktop VS Code, downloaded by
// @vscode/test-electron — needs internet (update.code.visualstudio.com, electronjs.org/headers), so it cannot run
// on the offline CI machine; there `npm run test:vscode` (code-server) is the runner.
// Steps: download VS Code (cached in .vscode-test/), log its Electron and Node versions, install the fake-lm VSIX
// with VS Code's CLI into a temporary extensions folder, run the suite on a fresh copy of the fixture workspace.
// The extension uses the runtime's node:sqlite there: no native module to build.
// Environment: CODE_MEMORY_VSCODE_VERSION (default "stable"), CODE_MEMORY_TEST_GREP, CODE_MEMORY_KEEP_TEMP=1.
// Linux without a display: re-runs itself under `xvfb-run -a` when that exists (apt-get install xvfb).
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { CACHE_DIR, ensureFakeLmVsix, prepareWorkspace, REPO_ROOT } from './setup';
import { SETTINGS } from './protocol';

const TESTS_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
const log = (message: string) => console.log(`[test:electron] ${message}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;


/** Linux without a display: run this script again under xvfb-run. Returns the exit code, or undefined. */
function rerunUnderXvfb(): number | undefined {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  if (process.env.CODE_MEMORY_UNDER_XVFB) return undefined;
  const which = childProcess.spawnSync('which', ['xvfb-run'], { encoding: 'utf8' });
  if (which.status !== 0) {
    log('no DISPLAY and no xvfb-run: VS Code will probably fail to start (apt-get install xvfb)');
    return undefined;
  }
  log('no DISPLAY: running under xvfb-run -a');
  const result = childProcess.spawnSync(
    'xvfb-run',
    ['-a', '--server-args=-screen 0 1440x900x24', process.execPath, __filename, ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, CODE_MEMORY_UNDER_XVFB: '1' } },
  );
  return result.status ?? 1;
}

/** Electron and Node versions of a VS Code executable. */
function electronOf(vscodeExecutable: string): { electron: string; node: string } {
  const output = childProcess.execFileSync(
    vscodeExecutable,
    ['-p', 'process.versions.electron + " " + process.versions.node'],
    { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 },
  );
  const [electron, node] = output.trim().split(/\s+/);
  if (!/^\d+\.\d+\.\d+/.test(electron ?? '') || !/^\d+\.\d+\.\d+/.test(node ?? '')) {
    throw new Error(`cannot read the Electron version of ${vscodeExecutable}: "${output.trim()}"`);
  }
  return { electron, node };
}

async function main(): Promise<number> {
  const started = Date.now();
  if (!fs.existsSync(TESTS_ENTRY)) throw new Error(`${path.relative(REPO_ROOT, TESTS_ENTRY)} is missing: run npm run compile-tests`);

  const downloadStart = Date.now();
  const version = process.env.CODE_MEMORY_VSCODE_VERSION || 'stable';
  const vscodeExecutable = await downloadAndUnzipVSCode({ version, cachePath: path.join(CACHE_DIR, 'electron') });
  const { electron, node } = electronOf(vscodeExecutable);
  log(`VS Code ${version} at ${vscodeExecutable}: Electron ${electron}, Node ${node} (${seconds(Date.now() - downloadStart)})`);

  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'code-memory-electron-'));
  try {
    const extensionsDir = path.join(tempRoot, 'extensions');
    const userDataDir = path.join(tempRoot, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
    const profile = [`--extensions-dir=${extensionsDir}`, `--user-data-dir=${userDataDir}`];

    const vsix = await ensureFakeLmVsix(log);
    const [cli] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutable);
    const install = childProcess.spawnSync(cli, [...profile, '--install-extension', vsix, '--force'], {
      encoding: 'utf8',
      shell: process.platform === 'win32', // code.cmd
      timeout: 120_000,
    });
    if (install.status !== 0) {
      throw new Error(`installing ${path.basename(vsix)} failed: ${(install.stderr || install.stdout || '').trim()}`);
    }
    log(`installed ${path.basename(vsix)}`);

    const workspace = prepareWorkspace(path.join(tempRoot, 'workspace'));
    const runStart = Date.now();
    const env: Record<string, string> = {
      CODE_MEMORY_TEST_SUITE: 'trusted',
      CODE_MEMORY_CACHE_DIR: path.join(tempRoot, 'cache'),
      CODE_MEMORY_DATA_DIR: path.join(tempRoot, 'data'),
      CODE_MEMORY_EXPECT_SQLITE: 'node:sqlite',
      CODE_MEMORY_TEST_NODE: process.execPath,
    };
    if (process.env.CODE_MEMORY_TEST_GREP) env.CODE_MEMORY_TEST_GREP = process.env.CODE_MEMORY_TEST_GREP;
    // runTests adds --disable-workspace-trust (so: trusted suite only), --no-sandbox, --extensionDevelopmentPath
    // and --extensionTestsPath; our profile folders replace its shared ones in .vscode-test/.
    const exitCode = await runTests({
      vscodeExecutablePath: vscodeExecutable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: TESTS_ENTRY,
      extensionTestsEnv: env,
      launchArgs: [workspace, ...profile, '--disable-gpu'],
    }).catch((error: unknown) => {
      log(`VS Code failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    });
    log(`suite: ${seconds(Date.now() - runStart)}, total ${seconds(Date.now() - started)}`);
    return exitCode;
  } finally {
    if (process.env.CODE_MEMORY_KEEP_TEMP === '1') log(`kept ${tempRoot}`);
    else fs.rmSync(tempRoot, { recursive: true, force: true });
  }
}

const rerun = rerunUnderXvfb();
if (rerun !== undefined) {
  process.exitCode = rerun;
} else {
  main().then(
    (code) => {
      if (code !== 0) console.error(`test:electron FAILED: the test suite failed (exit code ${code})`);
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`test:electron FAILED: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      process.exitCode = 1;
    },
  );
}
