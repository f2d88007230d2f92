import * as fs from 'node:fs';
import { MEMORY_FILE_VERSION, type MemoryRecord, type NewMemoryRecord } from '../store/memoryStore';
import { InputError } from '../workspaceIndex';
import { FILE_SOURCES, isMemoryKind, MAX_TEXT_CHARS, MAX_TITLE_CHARS, MEMORY_KIND_NAMES, type MemoryScope, normalizeCitation, normalizeTags } from './model';

/**
 * One file of memories: the copy kept beside every database after each change, and what `export` writes.
 * Version 1 (backups before typed memories) had no tags, citations, source or use counts; both are read.
 */
export interface MemoryFile {
  version: typeof MEMORY_FILE_VERSION;
  exportedAt?: string;
  memories: (MemoryRecord & { scope?: MemoryScope })[];
}

/** A record of a memory file that cannot be imported, by its place in the file (0-based). */
export interface InvalidRecord {
  index: number;
  reason: string;
}

export interface ParsedMemoryFile {
  records: (NewMemoryRecord & { scope?: MemoryScope })[];
  invalid: InvalidRecord[];
}

/** Writes an export readable by its owner only, also when it replaces a file that others could read. */
export function writePrivateFile(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** Reads a memory file; a file that is not one is an InputError, a bad record is listed and the rest kept. */
export function readMemoryFile(file: string): ParsedMemoryFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError(`${file} is not a Code Memory export or backup (not JSON)`);
  }
  return parseMemoryFile(parsed, file);
}

export function parseMemoryFile(value: unknown, name = 'the file'): ParsedMemoryFile {
  const { version, memories } = (value ?? {}) as { version?: unknown; memories?: unknown };
  if ((version !== 1 && version !== MEMORY_FILE_VERSION) || !Array.isArray(memories)) {
    throw new InputError(`${name} is not a Code Memory export or backup (expected {"version": ${MEMORY_FILE_VERSION}, "memories": [...]})`);
  }
  const out: ParsedMemoryFile = { records: [], invalid: [] };
  memories.forEach((item: unknown, index) => {
    try {
      out.records.push(parseRecord(item));
    } catch (error) {
      out.invalid.push({ index, reason: (error as Error).message });
    }
  });
  return out;
}

function parseRecord(item: unknown): NewMemoryRecord & { scope?: MemoryScope } {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new TypeError('not an object');
  const r = item as Record<string, unknown>;
  if (!isMemoryKind(r.kind)) throw new TypeError(`kind must be one of ${MEMORY_KIND_NAMES.join(', ')}`);
  if (typeof r.title !== 'string') throw new TypeError('title must be a string');
  if (typeof r.text !== 'string') throw new TypeError('text must be a string');
  if (!r.title.trim() && !r.text.trim()) throw new TypeError('a memory needs a title or some text');
  if (r.title.length > MAX_TITLE_CHARS || r.text.length > MAX_TEXT_CHARS) {
    throw new TypeError(`a memory takes a title of at most ${MAX_TITLE_CHARS} and a text of at most ${MAX_TEXT_CHARS} characters`);
  }
  if (r.tags !== undefined && !Array.isArray(r.tags)) throw new TypeError('tags must be a list');
  if (r.citations !== undefined && !Array.isArray(r.citations)) throw new TypeError('citations must be a list');
  if (r.metadata !== undefined && (typeof r.metadata !== 'object' || r.metadata === null || Array.isArray(r.metadata))) {
    throw new TypeError('metadata must be an object');
  }
  const filePath = optional(r.filePath, 'string', 'filePath');
  const citations = (r.citations as unknown[] | undefined)?.map((c) => normalizeCitation(c)) ?? (filePath ? [{ file: filePath }] : []);
  return {
    kind: r.kind, title: r.title, text: r.text, filePath, citations, tags: normalizeTags(r.tags as unknown[] | undefined),
    source: importedSource(optional(r.source, 'string', 'source')),
    metadata: (r.metadata as Record<string, unknown> | undefined) ?? {},
    createdAt: time(r.createdAt, 'createdAt'), updatedAt: time(r.updatedAt, 'updatedAt'),
    lastUsedAt: r.lastUsedAt === null ? undefined : time(r.lastUsedAt, 'lastUsedAt'),
    useCount: r.useCount === undefined ? undefined : count(r.useCount),
    scope: r.scope === 'personal' || r.scope === 'workspace' ? r.scope : undefined,
  };
}

/** A record keeps who wrote it, except that nothing imported passes for a file's memory (those follow their files). */
function importedSource(source: string | undefined): string {
  return source === undefined || FILE_SOURCES.has(source) ? 'import' : source;
}

function optional(value: unknown, type: 'string', name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new TypeError(`${name} must be a ${type}`);
  return value as string;
}

function time(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a time in ms since 1970`);
  return value;
}

function count(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new TypeError('useCount must be a whole number');
  return value;
}
