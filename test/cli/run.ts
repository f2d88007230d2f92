import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { type ProcessResult, REPO_ROOT, runProcess, tempDir } from '../helpers';

/** The bundled CLI, run the way a user runs it. */
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/**
 * The environment without model settings, so a key on the machine never sends test code anywhere, and with
 * cache and data folders of its own (no test reads or writes the user's memories).
 */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...process.env, CODE_MEMORY_CACHE_DIR: tempDir('cm-cache-'), CODE_MEMORY_DATA_DIR: tempDir('cm-data-') };
  for (const key of Object.keys(clean)) if (/^(OPENAI|ANTHROPIC)_|^CODE_MEMORY_(PROVIDER|MODEL)$/.test(key)) delete clean[key];
  return { ...clean, ...env };
}

export function cli(args: string[], env: Record<string, string> = {}, input?: string, cwd?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: cleanEnv(env), input, cwd });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** For runs that talk to a server in this process: spawnSync would block it from answering. */
export function cliAsync(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [CLI, ...args], cleanEnv(env));
}
