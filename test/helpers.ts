import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { languageForPath } from '../src/core/indexing/languages';
import { SourceParser } from '../src/core/indexing/parser';
import { MEMORY_KIND_NAMES, type MemoryKind } from '../src/core/memories/model';
import { connect, defaultDriver, type ConnectFlags, type Database } from '../src/core/store/driver';
import type { FileExtraction } from '../src/core/types';
import { WorkspaceIndex } from '../src/core/workspaceIndex';

/** The repository root, found from the compiled test's location (out/test/...). */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

export function fixturePath(...parts: string[]): string {
  return path.join(REPO_ROOT, 'test', 'fixtures', ...parts);
}

let sharedParser: Promise<SourceParser> | undefined;

/** Extracts a fixture file with the real grammar and query of its language. */
export async function extractFixture(...parts: string[]): Promise<FileExtraction> {
  return extractSource(fs.readFileSync(fixturePath(...parts), 'utf8'), parts[parts.length - 1]);
}

/** Extracts source text as a file of that name, with units of at most `maxUnitLines` (default: the index's). */
export async function extractSource(source: string, fileName: string, maxUnitLines?: number): Promise<FileExtraction> {
  const spec = languageForPath(fileName);
  if (!spec) throw new Error(`no language for ${fileName}`);
  sharedParser ??= SourceParser.create();
  return (await sharedParser).extract(source, spec, maxUnitLines);
}

/** `kind qualifiedName start-end`, one line per entity: compact enough to compare whole files exactly. */
export function entityLines(extraction: FileExtraction): string[] {
  return extraction.entities.map((e) => `${e.kind} ${e.qualifiedName} ${e.startLine}-${e.endLine}`);
}

/** qualifiedName → sorted called names, for entities that call something. */
export function callMap(extraction: FileExtraction): Record<string, string[]> {
  const calls: Record<string, string[]> = {};
  for (const e of extraction.entities) if (e.calls.length) calls[e.qualifiedName] = [...e.calls].sort();
  return calls;
}

const temporaryDirs: string[] = [];
// One exit listener for them all (a listener per directory trips Node's leak warning past ten).
process.on('exit', () => {
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'code-memory-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

/**
 * Writes files (relative path → content) under a folder, creating folders as needed. Their mtime is set an
 * hour back, as for files that existed before indexing (files modified within 2 s of being indexed are
 * re-checked by content on the next run; see CodeStore).
 */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    fs.utimesSync(file, anHourAgo, anHourAgo);
  }
}

/** A workspace of these files (relative path → content), indexed into a fresh database. */
export async function indexedWorkspace(files: Record<string, string>): Promise<WorkspaceIndex> {
  const root = tempDir();
  writeTree(root, files);
  const index = WorkspaceIndex.open(root, { dbPath: path.join(tempDir(), 'index.db') });
  await index.indexRepository();
  return index;
}

export interface ProcessResult { code: number | null; stdout: string; stderr: string }

/** Runs a program to its end without blocking this process (which may be serving it), collecting its output. */
export function runProcess(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Overwrites the root page of one table with random bytes, as a failing disk would (other tables' pages stay
 * intact). `prepare` runs on a connection first, e.g. to make the daily page check due.
 */
export function damageTablePage(db: string, table: string, prepare?: (connection: Database) => void): void {
  const connection = sqliteConnection(db);
  prepare?.(connection);
  connection.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = connection.pragma('page_size', { simple: true }) as number;
  const page = connection.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(table) as number;
  connection.close();
  const fd = fs.openSync(db, 'r+');
  fs.writeSync(fd, crypto.randomBytes(pageSize), 0, pageSize, (page - 1) * pageSize);
  fs.closeSync(fd);
}

/** A plain SQLite connection through the driver the suite runs on (CODE_MEMORY_SQLITE), not openDatabase's checks. */
export function sqliteConnection(file: string, flags?: ConnectFlags): Database {
  return connect(defaultDriver(), file, flags);
}

/** Memory counts by kind with every kind at 0, to spread the expected counts over. */
export function noMemories(): Record<MemoryKind, number> {
  return Object.fromEntries(MEMORY_KIND_NAMES.map((kind) => [kind, 0])) as Record<MemoryKind, number>;
}
