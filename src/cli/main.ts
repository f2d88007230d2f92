import { parseArgs } from 'node:util';
import type { IndexProgress, IndexRunSummary } from '../core/indexing/indexer';
import { WorkspaceIndex } from '../core/workspaceIndex';
import type { IndexStats } from '../core/workspaceIndex';
import type { EntityHit } from '../core/types';

const USAGE = `Usage:
  code-memory index [DIR] [--db PATH] [--exclude GLOB]... [--max-file-size SIZE]
  code-memory search QUERY [--workspace DIR] [--db PATH] [--limit N] [--json]
  code-memory stats [--workspace DIR] [--db PATH] [--json]

The index lives in a per-user cache folder keyed by the workspace path unless --db is given.
SIZE takes a unit: 500KB, 2MB (default 1MB). Globs match at any depth: --exclude '*/tests/*'.`;

/** Wrong usage: the message is shown with a pointer to --help, exit code 2. */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'index':
      return runIndex(rest);
    case 'search':
      return runSearch(rest);
    case 'stats':
      return runStats(rest);
    case undefined:
      process.stderr.write(`${USAGE}\n`);
      return 2;
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

function parse<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, ''));
  }
}

async function runIndex(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    db: { type: 'string' },
    exclude: { type: 'string', multiple: true },
    'max-file-size': { type: 'string' },
  });
  if (positionals.length > 1) throw new UsageError(`index takes one directory, got ${positionals.length}`);
  const dir = positionals[0] ?? '.';
  const maxFileBytes = values['max-file-size'] === undefined ? undefined : parseSize(values['max-file-size']);
  const index = WorkspaceIndex.open(dir, { dbPath: values.db, maxFileBytes, exclude: values.exclude });
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write('\ncancelling: finishing files in progress…\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const printer = progressPrinter();
    const summary = await index.indexRepository({ signal: controller.signal, onProgress: printer.update });
    printer.done();
    printIndexSummary(summary, index.stats());
    return summary.cancelled ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    index.close();
  }
}

/** One updating line on a terminal (cleared at the end), a line every 2 s otherwise. */
function progressPrinter(): { update: (progress: IndexProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  return {
    update: ({ phase, done, total }) => {
      const now = Date.now();
      if (done !== total && now - lastPrinted < (tty ? 100 : 2000)) return;
      lastPrinted = now;
      const line = phase === 'parsing' ? `parsing ${done}/${total} files` : `${phase}…`;
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

function printIndexSummary(summary: IndexRunSummary, stats: IndexStats): void {
  const byReason = new Map<string, number>();
  for (const s of summary.skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  const skipped = [...byReason].map(([reason, n]) => `${n} ${reason}`).join(', ');
  const lines = [
    `${summary.cancelled ? 'Cancelled' : 'Indexed'} ${stats.workspace}`,
    `  files:    ${summary.indexed} indexed, ${summary.unchanged} unchanged, ${summary.removed} removed, ` +
      `${summary.skipped.length} skipped${skipped ? ` (${skipped})` : ''}, ${summary.excluded} excluded`,
    `  entities: ${stats.entities} in ${stats.files} files`,
    `  edges:    ${stats.calls} calls (${stats.resolvedCalls} resolved), ${stats.imports} imports (${stats.resolvedImports} resolved)`,
    `  time:     ${summary.seconds.toFixed(2)} s`,
    `  database: ${stats.database}`,
  ];
  for (const s of summary.skipped.slice(0, 10)) lines.push(`  skipped ${s.path}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`);
  if (summary.skipped.length > 10) lines.push(`  … and ${summary.skipped.length - 10} more skipped`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runSearch(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    workspace: { type: 'string' },
    db: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('search needs a query');
  const limit = values.limit === undefined ? 10 : parsePositiveInt(values.limit, '--limit');
  const index = WorkspaceIndex.open(values.workspace ?? '.', { dbPath: values.db, mustExist: true });
  try {
    const hits = index.search(query, { limit });
    process.stdout.write(values.json ? `${JSON.stringify({ results: hits.map(jsonHit) })}\n` : formatHits(hits, query));
    return 0;
  } finally {
    index.close();
  }
}

function jsonHit(hit: EntityHit) {
  return {
    file: hit.file, start_line: hit.startLine, end_line: hit.endLine, name: hit.name, kind: hit.kind,
    score: Math.round(hit.score * 1000) / 1000,
  };
}

function formatHits(hits: EntityHit[], query: string): string {
  if (!hits.length) return `No matches for "${query}".\n`;
  return hits.map((hit, i) =>
    `${String(i + 1).padStart(2)}. ${hit.file}:${hit.startLine}-${hit.endLine}  ${hit.kind} ${hit.qualifiedName}` +
    `  (score ${hit.score.toFixed(2)})\n    ${hit.signature}\n`).join('');
}

async function runStats(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    workspace: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`stats takes no arguments, got '${positionals[0]}'`);
  const index = WorkspaceIndex.open(values.workspace ?? '.', { dbPath: values.db, mustExist: true });
  try {
    const stats = index.stats();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
      return 0;
    }
    const list = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    process.stdout.write([
      `Workspace: ${stats.workspace}`,
      `Database:  ${stats.database} (${(stats.databaseBytes / 1048576).toFixed(1)} MB)`,
      `Files:     ${stats.files} (${list(stats.filesByLanguage)})`,
      `Entities:  ${stats.entities} (${list(stats.entitiesByKind)})`,
      `Calls:     ${stats.calls} (${stats.resolvedCalls} resolved to workspace entities)`,
      `Imports:   ${stats.imports} (${stats.resolvedImports} resolved to workspace files)`,
      `Indexed:   ${stats.lastIndexedAt ?? 'never'}`,
    ].join('\n') + '\n');
    return 0;
  } finally {
    index.close();
  }
}

function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${text}'`);
  return n;
}

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--max-file-size must look like 500KB or 2MB, got '${text}'`);
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(match[1]) * factor);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`code-memory: ${error.message}${usage ? ` (see code-memory --help)` : ''}\n`);
    if (process.env.CODE_MEMORY_DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
