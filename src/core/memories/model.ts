import { languageForPath } from '../indexing/languages';

/**
 * What a memory is: its kinds, citations, sources and scopes. One table of kinds drives every list of them
 * (tool schemas, CLI help, validation).
 */

/** Every kind of memory that is not code: how people see it, and what it is for (shown to people and models). */
export const MEMORY_KINDS = {
  documentation: { label: 'Documentation', description: 'how something works or is meant to be used, as its authors wrote it down' },
  debugging: { label: 'Debugging session', description: 'a debugging session: the problem, the error, what fixed it' },
  note: { label: 'Note', description: 'something the user asked to remember' },
  user_preference: { label: 'Preference', description: 'how the user likes to work (style, tools, conventions they prefer)' },
  conversation_context: { label: 'Conversation', description: 'what was decided or learned in a conversation' },
  project_knowledge: { label: 'Project knowledge', description: 'a fact about this project: its design, data, rules, people' },
  code_snippet: { label: 'Code snippet', description: 'a piece of code worth reusing' },
  solution: { label: 'Solution', description: 'a problem and the way it was solved' },
  general: { label: 'General', description: 'anything else worth keeping' },
} as const;

export type MemoryKind = keyof typeof MEMORY_KINDS;
export const MEMORY_KIND_NAMES = Object.keys(MEMORY_KINDS) as MemoryKind[];

export function isMemoryKind(value: unknown): value is MemoryKind {
  return typeof value === 'string' && Object.hasOwn(MEMORY_KINDS, value);
}

/**
 * Code a memory is about: lines of a file (1-based, inclusive; the whole file without them), or an entity by its
 * qualified name (`Parser.parse`), optionally in a file.
 */
export type Citation = (
  | { file: string; startLine?: number; endLine?: number }
  | { entity: string; file?: string }
) & CitationAnchor;

/**
 * What a stored citation cited when it was written (memories/citations.ts): a hash of the code, and of the
 * file's bytes. Set by the engine, never taken from callers; a citation without them is checked from when the
 * engine can set them.
 */
export interface CitationAnchor {
  anchor?: string;
  fileHash?: string;
  /** The file an entity cited without one was found in. */
  at?: string;
}

/** A citation as people and agents see it, without its anchor. */
export function plainCitation(citation: Citation): Citation {
  const { anchor: _anchor, fileHash: _fileHash, at: _at, ...plain } = citation;
  return plain;
}

/**
 * Who wrote a memory: the user (a command), chat, an agent tool, an MCP client (`mcp:<client name>`), an import,
 * or a team notes file.
 */
export type MemorySource = 'user' | 'chat' | 'agent' | 'import' | 'team' | `mcp:${string}`;

/** Sources of memories that follow a file (instruction files, team notes): changed there, never by cleanup or import. */
export const FILE_SOURCES: ReadonlySet<string> = new Set(['instructions', 'team']);

/** Longest title and text a memory takes: memories are notes, not files. */
export const MAX_TITLE_CHARS = 200;
export const MAX_TEXT_CHARS = 20_000;

/** Workspace memories live in the workspace's database; personal ones (preferences) in the user's own. */
export type MemoryScope = 'workspace' | 'personal';

/** Most tags a memory keeps, and their longest length: tags are labels, not text. */
export const MAX_TAGS = 20;
const MAX_TAG_CHARS = 50;

/** Lower case, words joined by dashes, duplicates dropped; an empty tag is no tag. */
export function normalizeTags(tags: readonly unknown[] | undefined): string[] {
  const out = new Set<string>();
  for (const tag of tags ?? []) {
    if (typeof tag !== 'string') throw new TypeError('tags must be strings');
    const clean = tag.trim().toLowerCase().replace(/^#/, '').replace(/\s+/g, '-').slice(0, MAX_TAG_CHARS);
    if (clean) out.add(clean);
  }
  if (out.size > MAX_TAGS) throw new TypeError(`a memory takes at most ${MAX_TAGS} tags`);
  return [...out];
}

/**
 * A citation checked and put in stored form: workspace-relative `/` paths, whole lines. Throws a TypeError that
 * says what is wrong.
 */
export function normalizeCitation(value: unknown, relative: (file: string) => string = (f) => f): Citation {
  if (!value || typeof value !== 'object') throw new TypeError('a citation is an object with a file or an entity');
  const { file, entity, startLine, endLine } = value as Record<string, unknown>;
  const path = file === undefined ? undefined : cleanPath(file, relative);
  if (entity !== undefined) {
    if (typeof entity !== 'string' || !entity.trim()) throw new TypeError('a citation\'s entity is a qualified name such as Parser.parse');
    return path === undefined ? { entity: entity.trim() } : { entity: entity.trim(), file: path };
  }
  if (path === undefined) throw new TypeError('a citation needs a file or an entity');
  if (startLine === undefined && endLine === undefined) return { file: path };
  const start = line(startLine ?? endLine, 'startLine');
  const end = line(endLine ?? startLine, 'endLine');
  if (end < start) throw new TypeError(`a citation's endLine (${end}) is before its startLine (${start})`);
  return { file: path, startLine: start, endLine: end };
}

function cleanPath(file: unknown, relative: (file: string) => string): string {
  if (typeof file !== 'string' || !file.trim()) throw new TypeError('a citation\'s file is a path');
  return relative(file.trim()).replace(/\\/g, '/').replace(/^\.\//, '');
}

function line(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new TypeError(`a citation's ${name} is a line number from 1`);
  return value;
}

/** `auth.py:10-24`, `auth.py`, `Parser.parse`, `Parser.parse in parser.py`. */
export function describeCitation(citation: Citation): string {
  if ('entity' in citation) return citation.file ? `${citation.entity} in ${citation.file}` : citation.entity;
  if (citation.startLine === undefined) return citation.file;
  return citation.startLine === citation.endLine ? `${citation.file}:${citation.startLine}` : `${citation.file}:${citation.startLine}-${citation.endLine}`;
}

/** The file a memory is about: the first cited one. */
export function citedFile(citations: readonly Citation[]): string | undefined {
  return citations.find((c) => c.file !== undefined)?.file;
}

/**
 * A citation as people write it (team notes' `cites`, the CLI's `--cite`): `src/auth.py:10-24`, `src/auth.py:10`,
 * `src/auth.py`, `Parser.parse`, or `Parser.parse in src/parser.py` (what describeCitation writes). A word is a
 * file when it has a folder, a known extension, or `exists` says so; otherwise an entity's name.
 */
export function parseCitationText(text: string, exists: (file: string) => boolean = () => false): Citation {
  const value = text.trim();
  const inFile = /^(\S+) in (.+)$/.exec(value);
  if (inFile) return { entity: inFile[1], file: inFile[2] };
  const lines = /^(.+?):(\d+)(?:-(\d+))?$/.exec(value);
  if (lines) return { file: lines[1], startLine: Number(lines[2]), endLine: Number(lines[3] ?? lines[2]) };
  const isFile = /[\\/]/.test(value) || languageForPath(value) !== undefined || /\.(md|txt|json|ya?ml|toml)$/i.test(value) || exists(value);
  return isFile ? { file: value } : { entity: value };
}
