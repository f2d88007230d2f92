import { CodeMemorySystem } from '../core/codeMemorySystem';
import type { IndexProgress, IndexRunSummary } from '../core/indexing/indexer';
import type { IndexStats } from '../core/workspaceIndex';
import { interruptSignal, LOCATION_OPTIONS, NOTES_OPTION, parse, parsePositiveInt, parseSize, teamNotesFolderOf, UsageError, workspaceOf } from './args';
import { print, warn } from './output';

export const INDEX_USAGE = `code-memory index [DIR] [--db PATH] [--exclude GLOB]... [--max-file-size SIZE] [--max-unit-lines N] [--team-notes-folder DIR]
  code-memory stats [--workspace DIR] [--db PATH] [--json]`;

export async function runIndex(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    db: { type: 'string' },
    exclude: { type: 'string', multiple: true },
    'max-file-size': { type: 'string' },
    'max-unit-lines': { type: 'string' },
    ...NOTES_OPTION,
  });
  if (positionals.length > 1) throw new UsageError(`index takes one directory, got ${positionals.length}`);
  const dir = positionals[0] ?? workspaceOf({ db: values.db });
  const maxFileBytes = values['max-file-size'] === undefined ? undefined : parseSize(values['max-file-size']);
  const maxUnitLines = values['max-unit-lines'] === undefined ? undefined : parsePositiveInt(values['max-unit-lines'], '--max-unit-lines');
  const teamNotesFolder = teamNotesFolderOf(dir, values['team-notes-folder']);
  const system = CodeMemorySystem.open(dir, { dbPath: values.db, maxFileBytes, maxUnitLines, exclude: values.exclude, teamNotesFolder, verify: 'daily' });
  const interrupt = interruptSignal('cancelling: finishing files in progress…');
  try {
    const printer = progressPrinter();
    const summary = await system.indexRepository({ signal: interrupt.signal, onProgress: printer.update });
    printer.done();
    printIndexSummary(summary, system.index.stats());
    // Instruction files and team notes that could not be read: named, the rest of the run stands.
    for (const problem of summary.knowledge?.problems ?? []) warn(problem);
    if (summary.citations?.stale) print(`  ${summary.citations.stale} memories cite code that changed since they were written: code-memory memories list --stale\n`);
    return summary.cancelled ? 130 : 0;
  } finally {
    interrupt.release();
    system.close();
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
    `  code:     ${stats.entities} entities in ${stats.files} files, searched as ${stats.units} units`,
    `  edges:    ${stats.calls} calls (${stats.resolvedCalls} resolved), ${stats.imports} imports (${stats.resolvedImports} resolved)`,
    `  time:     ${summary.seconds.toFixed(2)} s`,
    `  database: ${stats.database}`,
  ];
  for (const s of summary.skipped.slice(0, 10)) lines.push(`  skipped ${s.path}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`);
  if (summary.skipped.length > 10) lines.push(`  … and ${summary.skipped.length - 10} more skipped`);
  print(`${lines.join('\n')}\n`);
}

export async function runStats(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...LOCATION_OPTIONS, json: { type: 'boolean' } });
  if (positionals.length) throw new UsageError(`stats takes no arguments, got '${positionals[0]}'`);
  const system = CodeMemorySystem.open(workspaceOf(values), { dbPath: values.db, mustExist: true, onWarning: warn });
  try {
    const { index: stats, memoriesByKind, cacheStats } = system.getStats();
    if (values.json) {
      // The index's keys as before, then the memories and the score cache.
      process.stdout.write(`${JSON.stringify({ ...stats, memories: memoriesByKind, scoreCache: cacheStats }, null, 2)}\n`);
      return 0;
    }
    // Numbers and dates in the terminal's locale (LANG / LC_ALL), as the editor uses VS Code's.
    const n = (value: number) => value.toLocaleString();
    const list = (r: Record<string, number>) => Object.entries(r).map(([k, count]) => `${k} ${n(count)}`).join(', ') || 'none';
    print([
      `Workspace: ${stats.workspace}`,
      `Database:  ${stats.database} (${(stats.databaseBytes / 1048576).toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB)`,
      `Files:     ${n(stats.files)} (${list(stats.filesByLanguage)})`,
      `Entities:  ${n(stats.entities)} (${list(stats.entitiesByKind)})`,
      `Units:     ${n(stats.units)} (every line of code, in pieces of at most ${system.index.maxUnitLines} lines)`,
      `Calls:     ${n(stats.calls)} (${n(stats.resolvedCalls)} resolved to workspace entities)`,
      `Imports:   ${n(stats.imports)} (${n(stats.resolvedImports)} resolved to workspace files)`,
      `Memories:  ${list(Object.fromEntries(Object.entries(memoriesByKind).filter(([, count]) => count)))}${system.memoryBackupFile ? `; copied to ${system.memoryBackupFile}` : ''}`,
      `Scores:    ${n(cacheStats.size)} cached model scores`,
      `Indexed:   ${stats.lastIndexedAt ? new Date(stats.lastIndexedAt).toLocaleString() : 'never'}`,
    ].join('\n') + '\n');
    return 0;
  } finally {
    system.close();
  }
}
