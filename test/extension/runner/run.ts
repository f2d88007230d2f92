// `npm run test:vscode`: the extension's mocha suite inside a real VS Code (code-server 4.139.1 = VS Code 1.139.1,
// Node 24 extension host, headless Chromium), in these launches:
//   trusted    --disable-workspace-trust, CODE_MEMORY_TEST_SUITE=trusted: every *.spec.js without a suite suffix
//   untrusted  Restricted Mode (startup prompt off), CODE_MEMORY_TEST_SUITE=untrusted: *.untrusted.spec.js
//   multiroot  a .code-workspace of the fixture and a second folder: *.multiroot.spec.js
//   agent      the built-in GitHub Copilot Chat enabled (a fresh profile disables it), so agent mode runs on the
//              fake model: *.agent.spec.js
//   (these four run the development folder with codeMemory.sqliteDriver = better-sqlite3, built for Node 24)
//   packaged   the trusted suite against the packaged VSIX (the folder it installs into; no native addon, so
//              node:sqlite)
//   oldest     the packaged suite again in the oldest VS Code we support, code-server 4.104.0 (VS Code 1.104) on
//              Node 22.18, without the chat specs (chat and answers: they need a newer workbench.action.chat.open)
//   nodriver   the package told to use better-sqlite3, which it lacks: *.nodriver.spec.js
//   ui         Playwright against the packaged VSIX (installed, not the development folder): index from the
//              command palette, status bar count, @memory in chat (ui.ts)
// Options: --only trusted,untrusted,ui   --dev-path DIR (extension under development; default: this repository)
// Environment: CODE_MEMORY_VSCODE_TIMEOUT (seconds per launch, default 600), CODE_MEMORY_KEEP_TEMP=1 (keep the
// temporary folders), CODE_MEMORY_CHROMIUM (default /usr/bin/chromium), CODE_MEMORY_TEST_GREP (mocha --grep).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVSIX } from '@vscode/vsce';
import { installVsix, killAllSync, launch, type LaunchOptions, type LaunchResult } from './codeServer';
import { ensureInstalled, prepareMultiRootWorkspace, prepareWorkspace, REPO_ROOT } from './setup';
import { SETTINGS } from './protocol';
import { driveUi } from './ui';

const PHASES = ['trusted', 'untrusted', 'multiroot', 'agent', 'packaged', 'oldest', 'nodriver', 'ui'] as const;
type Phase = (typeof PHASES)[number];
/** Launches of the installed VSIX rather than the development folder. */
const PACKAGED_PHASES: readonly Phase[] = ['packaged', 'oldest', 'nodriver', 'ui'];

const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
const TESTS_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');


/** Removed on every exit path (signal handlers skip `finally`). */
let tempRoot: string | undefined;

function removeTempRoot(): void {
  if (!tempRoot) return;
  if (process.env.CODE_MEMORY_KEEP_TEMP === '1') log(`kept ${tempRoot}`);
  else fs.rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = undefined;
}

const log = (message: string) => console.log(`[test:vscode] ${message}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function parseArgs(argv: string[]): { phases: Phase[]; devPath: string } {
  let phases: Phase[] = [...PHASES];
  let devPath = REPO_ROOT;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--only') {
      const names = (value() ?? '').split(',').filter(Boolean);
      const unknown = names.filter((name) => !PHASES.includes(name as Phase));
      if (names.length === 0 || unknown.length) throw new Error(`--only takes ${PHASES.join(',')}`);
      phases = PHASES.filter((phase) => names.includes(phase));
    } else if (flag === '--dev-path') {
      devPath = path.resolve(value() ?? '');
    } else {
      throw new Error(`unknown argument ${argv[i]} (options: --only ${PHASES.join(',')}, --dev-path DIR)`);
    }
  }
  return { phases, devPath };
}

/** The package as `npm run package` makes it (vsce runs the prepublish build), without node_modules. */
async function packageExtension(extensionPath: string, dir: string): Promise<string> {
  const vsix = path.join(dir, 'code-memory.vsix');
  await createVSIX({ cwd: extensionPath, packagePath: vsix, dependencies: false });
  return vsix;
}

async function main(): Promise<number> {
  const started = Date.now();
  const { phases, devPath } = parseArgs(process.argv.slice(2));
  const timeoutMs = Number(process.env.CODE_MEMORY_VSCODE_TIMEOUT || 600) * 1000;

  const installStart = Date.now();
  const install = await ensureInstalled(log);
  log(`install: ${seconds(Date.now() - installStart)}`);
  if (phases.some((phase) => phase !== 'ui') && !fs.existsSync(TESTS_ENTRY)) {
    throw new Error(`${path.relative(REPO_ROOT, TESTS_ENTRY)} is missing: run npm run compile-tests`);
  }
  if (!fs.existsSync(path.join(devPath, 'package.json'))) throw new Error(`no package.json in ${devPath}`);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'code-memory-vscode-'));
  tempRoot = root;
  const results: { phase: Phase; result: LaunchResult }[] = [];
  try {
    const vsixStart = Date.now();
    const extensionsDir = path.join(root, 'extensions');
    installVsix(install, install.fakeLmVsix, extensionsDir, path.join(root, 'install'));
    log(`fake-lm VSIX installed: ${seconds(Date.now() - vsixStart)}`);
    // The UI test and the packaged suite use the package a user installs, not the development folder.
    const packageExtensionsDir = path.join(root, 'package-extensions');
    let installedPackage = '';
    if (phases.some((phase) => PACKAGED_PHASES.includes(phase))) {
      const packStart = Date.now();
      const vsix = await packageExtension(devPath, root);
      fs.cpSync(extensionsDir, packageExtensionsDir, { recursive: true });
      installVsix(install, vsix, packageExtensionsDir, path.join(root, 'install-package'));
      log(`Code Memory packaged (${(fs.statSync(vsix).size / 1024 / 1024).toFixed(1)} MB) and installed: ${seconds(Date.now() - packStart)}`);
      // The workbench runs a test suite only in an extension development host: the packaged suite points it at
      // the folder the VSIX was installed into, so the code under test is exactly the package's.
      const folder = fs.readdirSync(packageExtensionsDir).find((name) => name.startsWith('code-memory.code-memory-'));
      if (!folder) throw new Error(`the VSIX was not installed into ${packageExtensionsDir}`);
      installedPackage = path.join(packageExtensionsDir, folder);
    }
    fs.mkdirSync(RESULTS_DIR, { recursive: true });

    for (const phase of phases) {
      const dir = path.join(root, phase);
      fs.mkdirSync(dir, { recursive: true });
      const workspace = phase === 'multiroot' ? prepareMultiRootWorkspace(dir) : prepareWorkspace(dir);
      const packaged = PACKAGED_PHASES.includes(phase);
      // The package has no native addon: node:sqlite. The development folder has better-sqlite3 built for Node 24.
      const sqliteDriver = packaged && phase !== 'nodriver' ? 'node:sqlite' : 'better-sqlite3';
      const options: LaunchOptions = {
        install: phase === 'oldest' ? { ...install, ...install.oldest } : install,
        name: phase,
        dir,
        extensionsDir: phase === 'ui' ? packageExtensionsDir : extensionsDir,
        workspace,
        extensionDevelopmentPath: phase === 'ui' ? undefined : packaged ? installedPackage : devPath,
        disableWorkspaceTrust: phase !== 'untrusted',
        // CODE_MEMORY_TEST_NODE: the Node that built node_modules, for specs that run the CLI (its better-sqlite3).
        env: {
          CODE_MEMORY_CACHE_DIR: path.join(dir, 'cache'), CODE_MEMORY_DATA_DIR: path.join(dir, 'data'), CODE_MEMORY_EXPECT_SQLITE: sqliteDriver,
          CODE_MEMORY_TEST_NODE: process.execPath, ...(phase === 'agent' ? { FAKE_LM_AGENT_MODEL: '1' } : {}),
        },
        enabledExtensions: phase === 'agent' ? ['github.copilot-chat'] : [],
        settings: sqliteDriver === 'node:sqlite' ? SETTINGS : { ...SETTINGS, 'codeMemory.sqliteDriver': sqliteDriver },
        timeoutMs,
        logDir: path.join(RESULTS_DIR, 'logs'),
        log,
      };
      if (phase === 'ui') {
        options.drive = (page, context) => driveUi(page, context, RESULTS_DIR);
      } else {
        options.extensionTestsPath = TESTS_ENTRY;
        const packagedSuite = phase === 'packaged' || phase === 'oldest';
        options.env.CODE_MEMORY_TEST_SUITE = packagedSuite ? 'trusted' : phase;
        if (packagedSuite) options.env.CODE_MEMORY_EXPECT_PACKAGE = '1';
        // The chat specs wait for the answer through workbench.action.chat.open's blockOnResponse, which VS Code
        // 1.104 does not have (the command returns nothing there): the rest of the suite runs.
        if (phase === 'oldest') options.env.CODE_MEMORY_TEST_EXCLUDE = 'chat.spec.js,answers.spec.js';
        if (process.env.CODE_MEMORY_TEST_GREP) options.env.CODE_MEMORY_TEST_GREP = process.env.CODE_MEMORY_TEST_GREP;
      }
      log(`${phase}: starting`);
      const result = await launch(options);
      results.push({ phase, result });
      const parts = Object.entries(result.timings).map(([name, ms]) => `${name} ${seconds(ms)}`);
      log(`${phase}: ${result.exitCode === 0 ? 'passed' : `FAILED (${result.reason})`} — ${parts.join(', ')}`);
    }
  } finally {
    removeTempRoot();
  }

  const failed = results.filter(({ result }) => result.exitCode !== 0);
  log(`total ${seconds(Date.now() - started)}`);
  for (const { phase, result } of results) {
    for (const test of result.retriedTests) log(`${phase}: failed once, then run again: ${test}`);
  }
  if (failed.length) {
    for (const { phase, result } of failed) {
      for (const test of result.failedTests) console.error(`test:vscode ${phase}: failed: ${test}`);
    }
    console.error(`test:vscode FAILED: ${failed.map(({ phase, result }) => `${phase}: ${result.reason}`).join('; ')}`);
    return 1;
  }
  log(`passed: ${phases.join(', ')}`);
  return 0;
}

let interrupted = false;
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  console.error(`test:vscode FAILED: interrupted by ${signal}`);
  killAllSync(); // code-server process groups; Playwright kills Chromium when this process exits
  try {
    removeTempRoot();
  } catch {
    // best effort: processes may still be writing
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
process.on('exit', killAllSync);

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`test:vscode FAILED: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
    process.exitCode = 1;
  },
);
