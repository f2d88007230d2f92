import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseJsonc } from 'jsonc-parser';
import { notesFolderOf } from '../core/memories/knowledgeFiles';
import { enclosingIndexedWorkspace } from '../core/store/location';
import { printable } from './output';

/** Wrong usage: the message is shown with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export function parse<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, ''));
  }
}

/** Where the index is: every command that reads or adds memories takes these two. */
export const LOCATION_OPTIONS = {
  workspace: { type: 'string' },
  db: { type: 'string' },
} as const;

/**
 * The workspace a command works on: the one given, or the indexed workspace around the current folder (said on
 * stderr when it is not the current folder itself), or the current folder.
 */
export function workspaceOf(location: { workspace?: string; db?: string }): string {
  if (location.workspace !== undefined || location.db !== undefined) return location.workspace ?? '.';
  const found = enclosingIndexedWorkspace('.');
  if (!found) return '.';
  if (found !== path.resolve('.')) process.stderr.write(printable(`code-memory: using the index of ${found}\n`));
  return found;
}

/** The commands that read team notes (index, mcp) take the folder the editor's setting names. */
export const NOTES_OPTION = { 'team-notes-folder': { type: 'string' } } as const;
const NOTES_SETTING = 'codeMemory.teamNotesFolder';

/**
 * The team notes folder: the flag, else the workspace's own VS Code setting (`.vscode/settings.json`, where a
 * team commits it), so the CLI, the MCP server and the editor read the same notes; undefined: the default.
 */
export function teamNotesFolderOf(root: string, flag: string | undefined): string | undefined {
  if (flag !== undefined) {
    const folder = notesFolderOf(flag);
    if (!folder) throw new UsageError(`--team-notes-folder must be a folder inside the workspace, got '${flag}'`);
    return folder;
  }
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, '.vscode', 'settings.json'), 'utf8');
  } catch {
    return undefined; // no settings: the default folder
  }
  const settings: unknown = parseJsonc(text, [], { allowTrailingComma: true });
  return notesFolderOf(settings && typeof settings === 'object' ? (settings as Record<string, unknown>)[NOTES_SETTING] : undefined);
}

export function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${text}'`);
  return n;
}

export function parseNonNegativeInt(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number from 0, got '${text}'`);
  return n;
}

export function parsePositiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got '${text}'`);
  return n;
}

export function parseFraction(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} must be a number from 0 to 1, got '${text}'`);
  return n;
}

export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--max-file-size must look like 500KB or 2MB, got '${text}'`);
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(match[1]) * factor);
}

/** An AbortSignal that Ctrl-C fires, with a note on stderr; `release` stops listening. */
export function interruptSignal(note: string): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write(`\n${note}\n`);
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}
