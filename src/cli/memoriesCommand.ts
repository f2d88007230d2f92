import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeMemorySystem } from '../core/codeMemorySystem';
import { writePrivateFile } from '../core/memories/exchange';
import { type ListOptions, MemoryService } from '../core/memories/memoryService';
import type { MemoryView } from '../core/memories/views';
import { isMemoryKind, type MemoryKind, MEMORY_KIND_NAMES, type MemoryScope, parseCitationText } from '../core/memories/model';
import type { ImportMode } from '../core/store/memoryStore';
import { describeStored, describeView } from '../core/tools/toolText';
import { LOCATION_OPTIONS, parse, parseNonNegativeInt, parsePositiveInt, UsageError, workspaceOf } from './args';
import { print, warn } from './output';

export const MEMORIES_USAGE = `code-memory memories list [FILTERS] [--stale] [--text WORDS] [--limit N] [--offset N] [--json]
  code-memory memories show ID [--json] | delete ID
  code-memory memories add TEXT [--title T] [--kind K] [--tag T]... [--cite FILE[:START-END]|ENTITY]... [--scope workspace|personal]
  code-memory memories update ID [--title T] [--text T] [--kind K] [--tag T]... [--cite ...]...
  code-memory export [FILE] [FILTERS]          (standard output without FILE)
  code-memory import FILE [--mode skip-duplicates|overwrite|keep-both]
  code-memory cleanup [--older-than DAYS] [--duplicates] [--max N] [--apply] [--json]   (a preview without --apply)
      FILTERS: --kind K... --tag T... --file PATH --source S --since DATE|Nd --until DATE|Nd --scope workspace|personal
      kinds: ${MEMORY_KIND_NAMES.slice(0, 5).join(', ')},
             ${MEMORY_KIND_NAMES.slice(5).join(', ')}
      ids: mem:N (this workspace's memories), personal:N (your own, shared by every workspace)`;

const FILTER_OPTIONS = {
  kind: { type: 'string', multiple: true },
  tag: { type: 'string', multiple: true },
  file: { type: 'string' },
  source: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  scope: { type: 'string' },
} as const;
const EDIT_OPTIONS = { title: { type: 'string' }, kind: { type: 'string' }, tag: { type: 'string', multiple: true }, cite: { type: 'string', multiple: true } } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `memories <verb>`, `export`, `import` and `cleanup`: every verb goes through the memory service. */
export async function runMemories(verb: string | undefined, args: string[]): Promise<number> {
  switch (verb) {
    case 'list': {
      const { values } = parse(args, { ...LOCATION_OPTIONS, ...FILTER_OPTIONS, stale: { type: 'boolean' }, text: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, json: { type: 'boolean' } });
      return withService(values, (service) => {
        const page = service.list({
          ...filters(values), stale: values.stale, text: values.text, limit: values.limit === undefined ? 50 : parsePositiveInt(values.limit, '--limit'),
          offset: values.offset === undefined ? 0 : parseNonNegativeInt(values.offset, '--offset'),
        });
        if (values.json) return print(`${JSON.stringify(page, null, 2)}\n`);
        for (const m of page.memories) print(`${line(m)}\n`);
        print(`${page.memories.length ? `${page.offset + 1}–${page.offset + page.memories.length} of ${page.total}` : `none of ${page.total}`} memories\n`);
      });
    }
    case 'show': {
      const { values, positionals } = parse(args, { ...LOCATION_OPTIONS, json: { type: 'boolean' } });
      const id = one(positionals, 'memories show takes one id');
      return withService(values, (service) => {
        const memory = service.get(id);
        if (!memory) throw new UsageError(`there is no memory ${id}`);
        print(values.json ? `${JSON.stringify(memory, null, 2)}\n` : `${describeView(memory)}\n`);
      });
    }
    case 'add': {
      const { values, positionals } = parse(args, { ...LOCATION_OPTIONS, ...EDIT_OPTIONS, scope: { type: 'string' } });
      const content = positionals.join(' ').trim();
      if (!content) throw new UsageError('memories add needs the text to remember');
      return withService(values, (service, root) => {
        print(`${describeStored(service.store({
          content, title: values.title, kind: kind(values.kind), tags: values.tag, citations: citations(values.cite, root), scope: scope(values.scope), source: 'user',
        }), 'Stored')}\n`);
      });
    }
    case 'update': {
      const { values, positionals } = parse(args, { ...LOCATION_OPTIONS, ...EDIT_OPTIONS, text: { type: 'string' } });
      const id = one(positionals, 'memories update takes one id');
      return withService(values, (service, root) => {
        const updated = service.update(id, { title: values.title, content: values.text, kind: kind(values.kind), tags: values.tag, citations: citations(values.cite, root) });
        if (!updated) throw new UsageError(`there is no memory ${id}`);
        print(`${describeStored({ ...updated, created: true }, 'Updated')}\n`);
      });
    }
    case 'delete': {
      const { values, positionals } = parse(args, { ...LOCATION_OPTIONS });
      const id = one(positionals, 'memories delete takes one id');
      return withService(values, (service) => {
        const outcome = service.delete(id);
        if (outcome.status !== 'deleted') throw new UsageError(`there is no memory ${id}`);
        print(`Deleted ${outcome.memory.id}: ${outcome.memory.title}\n`);
      });
    }
    default:
      throw new UsageError(verb ? `unknown memories verb '${verb}' (list, show, add, update, delete)` : 'memories needs a verb: list, show, add, update, delete');
  }
}

export async function runExport(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...LOCATION_OPTIONS, ...FILTER_OPTIONS });
  if (positionals.length > 1) throw new UsageError('export takes at most one file');
  return withService(values, (service) => {
    const document = `${JSON.stringify(service.export(filters(values)), null, 2)}\n`;
    if (!positionals.length) return print(document);
    writePrivateFile(positionals[0], document);
    process.stderr.write(`Exported ${(JSON.parse(document) as { memories: unknown[] }).memories.length} memories to ${positionals[0]}\n`);
  });
}

export async function runImport(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...LOCATION_OPTIONS, mode: { type: 'string' } });
  const file = one(positionals, 'import takes one file');
  const mode = (values.mode ?? 'skip-duplicates') as ImportMode;
  if (!['skip-duplicates', 'overwrite', 'keep-both'].includes(mode)) throw new UsageError(`--mode must be skip-duplicates, overwrite or keep-both, got '${mode}'`);
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'not JSON'}`);
  }
  let invalid = 0;
  const code = await withService(values, (service) => {
    const report = service.import(document, mode);
    for (const bad of report.invalid) warn(`record ${bad.index} not imported: ${bad.reason}`);
    invalid = report.invalid.length;
    print(`Imported ${report.added} new, replaced ${report.replaced}, skipped ${report.skipped} already stored` +
      `${invalid ? `, ${invalid} invalid` : ''}\n`);
  });
  return invalid ? 1 : code;
}

export async function runCleanup(args: string[]): Promise<number> {
  const { values } = parse(args, { ...LOCATION_OPTIONS, 'older-than': { type: 'string' }, duplicates: { type: 'boolean' }, max: { type: 'string' }, apply: { type: 'boolean' }, json: { type: 'boolean' } });
  const rules = {
    olderThanDays: values['older-than'] === undefined ? undefined : parsePositiveInt(values['older-than'], '--older-than'),
    duplicates: values.duplicates, maxMemories: values.max === undefined ? undefined : parsePositiveInt(values.max, '--max'),
  };
  if (rules.olderThanDays === undefined && !rules.duplicates && rules.maxMemories === undefined) {
    throw new UsageError('cleanup needs a rule: --older-than DAYS, --duplicates or --max N');
  }
  return withService(values, (service) => {
    const plan = service.cleanup(rules, values.apply);
    if (values.json) return print(`${JSON.stringify({ applied: Boolean(values.apply), removed: plan }, null, 2)}\n`);
    for (const { memory, reason, keptId } of plan) print(`${line(memory)} — ${reason}${keptId ? ` of ${keptId}` : ''}\n`);
    print(values.apply ? `Removed ${plan.length} memories\n` : `Would remove ${plan.length} memories (run again with --apply to remove them)\n`);
  });
}

async function withService(location: { workspace?: string; db?: string }, work: (service: MemoryService, root: string) => void): Promise<number> {
  const system = CodeMemorySystem.open(workspaceOf(location), { dbPath: location.db, verify: 'memories' });
  const service = new MemoryService(system);
  try {
    work(service, system.index.root);
    return 0;
  } finally {
    service.close();
    system.close();
  }
}

function line(m: MemoryView): string {
  const tags = m.tags.length ? ` [${m.tags.join(', ')}]` : '';
  const stale = m.stale ? ` — stale: ${m.stale}` : '';
  return `${m.id.padEnd(12)} ${m.kind.padEnd(20)} ${m.title}${tags} (updated ${m.updated.slice(0, 10)}, used ${m.useCount}×)${stale}`;
}

function filters(values: { kind?: string[]; tag?: string[]; file?: string; source?: string; since?: string; until?: string; scope?: string }): ListOptions {
  return {
    kinds: values.kind?.map((k) => kind(k)!), tags: values.tag, file: values.file, source: values.source,
    since: values.since === undefined ? undefined : time(values.since, '--since'), until: values.until === undefined ? undefined : time(values.until, '--until'),
    scope: scope(values.scope),
  };
}

function kind(value: string | undefined): MemoryKind | undefined {
  if (value === undefined) return undefined;
  if (!isMemoryKind(value)) throw new UsageError(`--kind must be one of ${MEMORY_KIND_NAMES.join(', ')}, got '${value}'`);
  return value;
}

function scope(value: string | undefined): MemoryScope | undefined {
  if (value === undefined || value === 'workspace' || value === 'personal') return value;
  throw new UsageError(`--scope must be workspace or personal, got '${value}'`);
}

/** `2026-11-01` (a date or time) or `30d` (that many days ago). */
function time(value: string, flag: string): number {
  const days = /^(\d+)d$/.exec(value.trim());
  const ms = days ? Date.now() - Number(days[1]) * DAY_MS : Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`${flag} takes a date (2026-11-01) or a number of days (30d), got '${value}'`);
  return ms;
}

/** `--cite` values (see parseCitationText); a file that exists in the workspace is a file whatever its name. */
export function citations(values: string[] | undefined, root: string): unknown[] | undefined {
  return values?.map((value) => parseCitationText(value, (file) => fs.existsSync(path.resolve(root, file))));
}

function one(positionals: string[], message: string): string {
  if (positionals.length !== 1) throw new UsageError(message);
  return positionals[0];
}
