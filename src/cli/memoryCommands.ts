import * as fs from 'node:fs';
import { CodeMemorySystem } from '../core/codeMemorySystem';
import { MemoryService, type StoreResult } from '../core/memories/memoryService';
import { LOCATION_OPTIONS, parse, UsageError, workspaceOf } from './args';
import { citations } from './memoriesCommand';
import { print } from './output';

export const MEMORY_USAGE = `code-memory remember-debug --problem TEXT --error TEXT --solution TEXT [--file PATH] [--cite CODE]... [--workspace DIR] [--db PATH]
  code-memory add-doc TITLE (--text TEXT | --from PATH | < FILE) [--category NAME] [--file PATH] [--cite CODE]... [--workspace DIR] [--db PATH]
      CODE: FILE, FILE:START-END, or an entity's qualified name (Parser.parse); the memory goes stale when it changes
  code-memory import-memories BACKUP [--workspace DIR] [--db PATH]
      memories are copied after every change to INDEX.memories.json beside the database (\`stats\` shows where):
      after a damaged database is moved aside, this brings them back into a new one`;

/** Stores a debugging session: what went wrong, the error, and what fixed it. */
export async function runRememberDebug(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...LOCATION_OPTIONS,
    problem: { type: 'string' },
    error: { type: 'string' },
    solution: { type: 'string' },
    file: { type: 'string' },
    cite: { type: 'string', multiple: true },
  });
  if (positionals.length) throw new UsageError(`remember-debug takes flags only, got '${positionals[0]}'`);
  const missing = (['problem', 'error', 'solution'] as const).filter((flag) => !values[flag]?.trim());
  if (missing.length) throw new UsageError(`remember-debug needs ${missing.map((f) => `--${f}`).join(', ')}`);
  return store(values, (service, root) => service.recordDebugSession({
    problem: values.problem!, error: values.error!, solution: values.solution!, file: values.file, citations: citations(values.cite, root), source: 'user',
  }), 'debugging session');
}

/** Adds the memories of a backup file that the database does not hold yet. */
export async function runImportMemories(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...LOCATION_OPTIONS });
  if (positionals.length !== 1) throw new UsageError('import-memories takes one backup file');
  const system = CodeMemorySystem.open(workspaceOf(values), { dbPath: values.db, verify: 'memories' });
  try {
    const { added, total } = system.importMemories(positionals[0]);
    print(`Imported ${added} of ${total} memories (${total - added} were already there)\n`);
    return 0;
  } finally {
    system.close();
  }
}

/** Stores a documentation note, from a flag, a file or standard input. */
export async function runAddDoc(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...LOCATION_OPTIONS,
    text: { type: 'string' },
    from: { type: 'string' },
    category: { type: 'string' },
    file: { type: 'string' },
    cite: { type: 'string', multiple: true },
  });
  const title = positionals.join(' ').trim();
  if (!title) throw new UsageError('add-doc needs a title');
  if (values.text !== undefined && values.from !== undefined) throw new UsageError('add-doc takes --text or --from, not both');
  const content = values.text ?? (values.from !== undefined ? readText(values.from) : readStdin());
  if (!content.trim()) throw new UsageError('add-doc needs some text: --text, --from PATH, or standard input');
  return store(values, (service, root) => service.store({
    kind: 'documentation', title, content, tags: values.category ? [values.category] : [],
    citations: [...(values.file ? [{ file: values.file }] : []), ...(citations(values.cite, root) ?? [])], source: 'user',
  }), 'documentation');
}

async function store(location: { workspace?: string; db?: string }, add: (service: MemoryService, root: string) => StoreResult, what: string): Promise<number> {
  const system = CodeMemorySystem.open(workspaceOf(location), { dbPath: location.db, verify: 'memories' });
  const service = new MemoryService(system);
  try {
    const { memory, created, similar } = add(service, system.index.root);
    print(created ? `Stored ${what} ${memory.id}\n` : `This ${what} is already stored as ${memory.id}\n`);
    for (const other of similar) print(`  similar: ${other.memory.id} ${other.memory.title}\n`);
    return 0;
  } finally {
    service.close();
    system.close();
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readStdin(): string {
  if (process.stdin.isTTY) throw new UsageError('add-doc needs some text: --text, --from PATH, or standard input');
  return fs.readFileSync(0, 'utf8');
}
