// One launch of a real VS Code: code-server (VS Code server + Node extension host) in its own process group,
// opened by headless Chromium through playwright-core. The extension under development and the mocha entry are
// passed in the workbench URL's `payload`, which a built workbench honours only with the smoke-test driver
// enabled; the workbench reports the suite's result through window.codeAutomationExit / codeAutomationLog.
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SUITE_FINISHED, SUITE_STARTED, TEST_FAILED, TEST_RETRIED } from './protocol';
import { sandboxEnvironment, type Installation, type Log } from './setup';

export const CHROMIUM = process.env.CODE_MEMORY_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Makes the built workbench accept `payload` (extensionDevelopmentPath, extensionTestsPath), and enables the
 * given built-in extensions. A fresh profile disables the built-in Copilot Chat until chat setup completes
 * (builtinChatExtensionEnablementMigration); extensions enabled by the environment are exempt.
 */
function workbenchConfigScript(enabledExtensions: readonly string[]): string {
  return `(() => {
  const getAttribute = Element.prototype.getAttribute;
  Element.prototype.getAttribute = function (name) {
    const value = getAttribute.call(this, name);
    if (name === 'data-settings' && this.id === 'vscode-workbench-web-configuration' && value) {
      try {
        const settings = JSON.parse(value);
        settings.developmentOptions = { ...(settings.developmentOptions || {}), enableSmokeTestDriver: true };
        const enabled = ${JSON.stringify(enabledExtensions)};
        if (enabled.length) settings.enabledExtensions = [...(settings.enabledExtensions || []), ...enabled];
        return JSON.stringify(settings);
      } catch {
        return value;
      }
    }
    return value;
  };
})();`;
}

export interface LaunchOptions {
  install: Installation;
  /** Short name: log prefix and folder name. */
  name: string;
  /** Folder of this launch (user data, home, browser profile); created. */
  dir: string;
  /** Shared extensions folder (the fake-lm VSIX is installed there). */
  extensionsDir: string;
  /** Workspace folder, or .code-workspace file, to open. */
  workspace: string;
  /** The extension under development; without it, the extensions installed in extensionsDir are used as they are. */
  extensionDevelopmentPath?: string;
  /** Built-in extensions to enable whatever the profile says (the agent launch: GitHub Copilot Chat). */
  enabledExtensions?: readonly string[];
  /** Mocha entry (a module exporting run()). Without it, `drive` runs against the page instead. */
  extensionTestsPath?: string;
  /** UI test: resolves when it passed, throws with a reason when it failed. */
  drive?: (page: Page, context: DriveContext) => Promise<void>;
  /** Passes --disable-workspace-trust (trusted run); without it the folder opens in Restricted Mode. */
  disableWorkspaceTrust: boolean;
  /** Extra environment for code-server and the extension host. */
  env: Record<string, string>;
  /** User settings (settings.json). */
  settings: Record<string, unknown>;
  timeoutMs: number;
  /** Folder for logs (code-server output, browser console). */
  logDir: string;
  log: Log;
}

export interface DriveContext {
  log: Log;
  /** Extension host / workbench log lines seen so far. */
  logs: string[];
}

export interface LaunchResult {
  exitCode: number;
  /** One line, when the launch failed. */
  reason?: string;
  timings: Record<string, number>;
  /** One line per failed test (TEST_FAILED lines of the suite). */
  failedTests: string[];
  /** One line per test that passed only when run again (TEST_RETRIED lines). */
  retriedTests: string[];
}

/** Kill functions of everything still running, for signal handlers and process exit. */
const running = new Set<() => void>();

/** Kills every process group still running (synchronously: usable from 'exit' handlers). */
export function killAllSync(): void {
  for (const kill of [...running]) kill();
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopGroup(pid: number): Promise<void> {
  if (!killGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + 5000;
  while (groupAlive(pid) && Date.now() < deadline) await delay(100);
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (groupAlive(pid) && Date.now() < killDeadline) await delay(100);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Installs a VSIX into an extensions folder with code-server's CLI. */
export function installVsix(install: Installation, vsix: string, extensionsDir: string, dir: string): void {
  const home = path.join(dir, 'home');
  const result = childProcess.spawnSync(
    install.node,
    [
      install.codeServerEntry,
      '--user-data-dir',
      path.join(dir, 'user-data'),
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { encoding: 'utf8', env: sandboxEnvironment(home, install.node), timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(`installing ${path.basename(vsix)} failed: ${(result.stderr || result.stdout || '').trim()}`);
  }
}

/** "extension host exited (SIGABRT): Assertion failed: ..." when code-server logged an abnormal exit. */
function extensionHostCrash(serverLog: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(serverLog, 'utf8');
  } catch {
    return undefined;
  }
  const exit = /Extension Host Process exited with code: (\S+), signal: (\S+)\./.exec(text);
  if (!exit || (exit[1] === '0' && exit[2] === 'null')) return undefined;
  const assertion = /Assertion failed: [^\n]*/.exec(text)?.[0];
  const frame = /\d+: 0x[0-9a-f]+ ([A-Za-z_][\w:~]*\(\)) \[[^\]]*\.node\]/.exec(text)?.[1];
  const what = [assertion, frame && `in ${frame}`].filter(Boolean).join(' ');
  return `the extension host died (code ${exit[1]}, signal ${exit[2]})${what ? `: ${what}` : ''}`;
}

function encodePath(file: string): string {
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

/** Workbench chatter that reaches codeAutomationLog offline (kept in the log file, not printed). */
const NOISE = new RegExp([
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)\]|ENOTFOUND/.source,
  /^(Creating a socket|Resolving connection token|Resolved connection token|Updating additional builtin extensions cache)/.source,
  // Copilot Chat without a GitHub account (the agent launch): it works on the fake model, and says so at length.
  /^\[ChatSessionsService\] Failed to resolve sessions for provider copilotcli|^GitHubLoginFailed|^Timed out waiting for authentication provider 'github'/.source,
  /^Directory import '[^']*\/@github\/copilot\/sdk'/.source,
].join('|'));

function formatLogArgs(args: unknown): string {
  if (Array.isArray(args)) return util.format(...args);
  return typeof args === 'string' ? args : util.inspect(args);
}

/** Starts code-server + Chromium, runs the suite or the UI driver, always tears both down. */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const timings: Record<string, number> = {};
  const started = Date.now();
  const mark = (phase: string, since: number) => (timings[phase] = Date.now() - since);
  const prefix = `[${options.name}]`;
  const log = (message: string) => options.log(`${prefix} ${message}`);

  fs.mkdirSync(options.dir, { recursive: true });
  fs.mkdirSync(options.logDir, { recursive: true });
  const home = path.join(options.dir, 'home');
  const userDataDir = path.join(options.dir, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
  const port = await freePort();
  const configFile = path.join(options.dir, 'code-server.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const serverLog = path.join(options.logDir, `${options.name}-code-server.log`);
  const browserLog = path.join(options.logDir, `${options.name}-browser.log`);
  const hostLog = path.join(options.logDir, `${options.name}-workbench.log`);
  const serverOut = fs.openSync(serverLog, 'w');

  const args = [
    options.install.codeServerEntry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    options.extensionsDir,
    '--config',
    configFile,
    ...(options.disableWorkspaceTrust ? ['--disable-workspace-trust'] : []),
    options.workspace,
  ];
  const server = childProcess.spawn(options.install.node, args, {
    detached: true, // own process group: the extension host and its helpers die with it
    stdio: ['ignore', serverOut, serverOut],
    env: sandboxEnvironment(home, options.install.node, options.env),
  });
  fs.closeSync(serverOut);
  const serverPid = server.pid;
  if (serverPid === undefined) throw new Error('code-server did not start');
  const killServerSync = () => killGroup(serverPid, 'SIGKILL');
  running.add(killServerSync);
  let serverExited: string | undefined;
  server.on('exit', (code, signal) => (serverExited = signal ?? `exit ${code}`));

  let context: BrowserContext | undefined;
  const logs: string[] = [];
  const hostLogStream = fs.createWriteStream(hostLog);
  const browserLogStream = fs.createWriteStream(browserLog);
  let timer: NodeJS.Timeout | undefined;
  let suiteFinished = false;
  const failedTests: string[] = [];
  const retriedTests: string[] = [];
  try {
    // 1. Server.
    const serverStart = Date.now();
    while (!(await healthy(port))) {
      if (serverExited) throw new Error(`code-server exited (${serverExited}) before answering /healthz`);
      if (Date.now() - serverStart > 60_000) throw new Error('code-server did not answer /healthz within 60 s');
      await delay(200);
    }
    mark('server', serverStart);

    // 2. Browser.
    const browserStart = Date.now();
    context = await chromium.launchPersistentContext(path.join(options.dir, 'browser'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(workbenchConfigScript(options.enabledExtensions ?? []));
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    // Every workbench log line and the extension host's console arrive here, all at level "info" but errors.
    // Printed: the suite's output (from its first line on) and errors, minus offline noise.
    let suiteStarted = false;
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      const line = formatLogArgs(args);
      hostLogStream.write(`[${String(type)}] ${line}\n`);
      logs.push(line);
      if (line.startsWith(SUITE_STARTED)) suiteStarted = true;
      if (line.startsWith(SUITE_FINISHED)) suiteFinished = true;
      if (line.startsWith(TEST_FAILED)) failedTests.push(line.slice(TEST_FAILED.length).trim());
      if (line.startsWith(TEST_RETRIED)) retriedTests.push(line.slice(TEST_RETRIED.length).trim());
      if (NOISE.test(line)) return;
      if ((suiteStarted && options.extensionTestsPath) || type === 'error') console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      const value = Number(code);
      resolveExit(Number.isInteger(value) ? value : 1);
    });
    page.on('console', (message) => browserLogStream.write(`[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => browserLogStream.write(`[pageerror] ${error.message}\n`));
    mark('browser', browserStart);

    // 3. Workbench: the suite, or the UI driver.
    const remote = (file: string) => `vscode-remote://127.0.0.1:${port}${encodePath(file)}`;
    const payload: [string, string][] = [];
    if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
    if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
    payload.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
    const url =
      `http://127.0.0.1:${port}/?${options.workspace.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(options.workspace)}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const runStart = Date.now();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s`)),
        options.timeoutMs,
      );
    });
    const serverDied = new Promise<never>((_, reject) =>
      server.on('exit', (code, signal) => reject(new Error(`code-server exited (${signal ?? `exit ${code}`})`))),
    );
    const pageClosed = new Promise<never>((_, reject) => {
      page.on('crash', () => reject(new Error('the workbench page crashed')));
      page.on('close', () => reject(new Error('the workbench page closed')));
    });
    // Handled here too: a rejection after the races below are decided must not count as unhandled.
    for (const promise of [timeout, serverDied, pageClosed]) promise.catch(() => undefined);
    await Promise.race([page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 }), timeout, serverDied]);
    let exitCode: number;
    if (options.extensionTestsPath) {
      exitCode = await Promise.race([exited, timeout, serverDied, pageClosed]);
    } else if (options.drive) {
      await Promise.race([options.drive(page, { log, logs }), timeout, serverDied, pageClosed]);
      exitCode = 0;
    } else {
      throw new Error('neither extensionTestsPath nor drive given');
    }
    mark('run', runStart);
    if (options.extensionTestsPath && !suiteFinished) {
      // The workbench reports the extension host's exit as the end of the run, whatever the cause.
      throw new Error(`the extension host exited before the suite finished (exit code ${exitCode})`);
    }
    return {
      exitCode,
      reason: exitCode === 0 ? undefined : `the test suite failed (exit code ${exitCode})`,
      timings,
      failedTests,
      retriedTests,
    };
  } catch (error) {
    let reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    const crash = extensionHostCrash(serverLog);
    if (crash) reason += `; ${crash}`;
    log(`FAILED: ${reason}`);
    const serverTail = tail(serverLog, 25);
    if (serverTail) log(`last lines of ${serverLog}:\n${serverTail}`);
    log(`browser console: ${browserLog}; workbench log: ${hostLog}`);
    return { exitCode: 1, reason, timings, failedTests, retriedTests };
  } finally {
    if (timer) clearTimeout(timer);
    const teardownStart = Date.now();
    if (context) {
      await Promise.race([context.close().catch(() => undefined), delay(10_000)]);
    }
    await stopGroup(serverPid);
    running.delete(killServerSync);
    hostLogStream.end();
    browserLogStream.end();
    mark('teardown', teardownStart);
    timings.total = Date.now() - started;
  }
}
