import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import type { MemoryStore, NewMemoryRecord } from '../store/memoryStore';
import { redactSecrets } from '../text/redact';
import { parseTeamNote } from './teamNotes';
import { type Citation, plainCitation } from './model';

/**
 * Instruction and memory files people already keep for agents (Copilot, Claude Code, Cursor, Cline, Codex,
 * memory banks, Serena), as workspace-relative globs. Their sections become documentation memories, read-only:
 * the file is the source of truth.
 */
export const INSTRUCTION_FILES: readonly string[] = [
  'AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md', '.github/instructions/*.md', '.cursor/rules/*',
  '.cursorrules', '.clinerules', '.clinerules/*', 'memory-bank/*.md', '.serena/memories/*',
];
/** Where team notes live unless the workspace says otherwise: markdown with front matter, shared through git. */
export const DEFAULT_TEAM_NOTES_FOLDER = '.code-memory/notes';
/** A workspace-relative notes folder; one that would leave the workspace (absolute, `..`) or is empty is undefined. */
export function notesFolderOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value.trim().replace(/\\/g, '/').replace(/^\.\/|\/+$/g, '');
  return !clean || clean === '.' || clean.startsWith('/') || /^[A-Za-z]:/.test(clean) || clean.split('/').includes('..') ? undefined : clean;
}

/** Files larger than this are not notes: their first part is kept. */
const MAX_FILE_CHARS = 200_000;
/** A memory's text at most (the service's limit). */
const MAX_SECTION_CHARS = 20_000;

export type KnowledgeSource = 'instructions' | 'team';

/** Which kind of knowledge file a workspace-relative path is, if any. */
export function knowledgeSourceOf(relative: string, notesFolder = DEFAULT_TEAM_NOTES_FOLDER): KnowledgeSource | undefined {
  const file = relative.replace(/\\/g, '/');
  if (INSTRUCTION_FILES.some((glob) => minimatch(file, glob, { dot: true }))) return 'instructions';
  if (file.startsWith(`${notesFolder.replace(/\/+$/, '')}/`) && file.endsWith('.md')) return 'team';
  return undefined;
}

/** Every knowledge file present in the workspace (workspace-relative), without walking the code. */
export function findKnowledgeFiles(root: string, notesFolder = DEFAULT_TEAM_NOTES_FOLDER): string[] {
  const found = new Set<string>();
  const dirs = new Set(INSTRUCTION_FILES.map((glob) => path.posix.dirname(glob)));
  for (const dir of [...dirs, notesFolder]) {
    const entries = listFiles(path.join(root, dir), dir === notesFolder);
    for (const entry of entries) {
      const relative = path.posix.join(dir === '.' ? '' : dir, entry);
      if (knowledgeSourceOf(relative, notesFolder)) found.add(relative);
    }
  }
  return [...found].sort();
}

function listFiles(dir: string, recursive: boolean): string[] {
  try {
    return fs.readdirSync(dir, { recursive, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath ?? dir, e.name)).replace(/\\/g, '/'));
  } catch {
    return [];
  }
}

/** What one knowledge file says, as memories; `problems` names what could not be read (one line each). */
export function memoriesOfFile(root: string, relative: string, notesFolder = DEFAULT_TEAM_NOTES_FOLDER):
  { memories: NewMemoryRecord[]; problems: string[] } {
  const source = knowledgeSourceOf(relative, notesFolder);
  let text: string;
  try {
    // Symbolic links are not followed, as in the walk of the code: a link to a file elsewhere is not this workspace's.
    if (fs.lstatSync(path.join(root, relative)).isSymbolicLink()) return { memories: [], problems: [] };
    // Redacted here, as the store would: what is stored then compares equal to what the file says.
    text = redactSecrets(fs.readFileSync(path.join(root, relative), 'utf8').slice(0, MAX_FILE_CHARS));
  } catch {
    return { memories: [], problems: [] };
  }
  if (source === 'team') {
    const note = parseTeamNote(text, relative);
    return 'problem' in note ? { memories: [], problems: [note.problem] } : { memories: [note.memory], problems: [] };
  }
  if (source !== 'instructions') return { memories: [], problems: [] };
  return { memories: sections(text).map((s) => ({
    kind: 'documentation', title: s.heading ? `${relative} › ${s.heading}` : relative, text: s.text.slice(0, MAX_SECTION_CHARS),
    citations: [{ file: relative, startLine: s.startLine, endLine: s.endLine }], source: 'instructions', metadata: { origin: relative },
  })), problems: [] };
}

/**
 * Markdown split at its headings (outside code fences), so a question retrieves the section about it, not the
 * whole file. Text before the first heading is a section of its own; empty sections are dropped.
 */
export function sections(text: string): { heading: string; text: string; startLine: number; endLine: number }[] {
  const lines = text.split('\n');
  const out: { heading: string; text: string; startLine: number; endLine: number }[] = [];
  let start = 0;
  let heading = '';
  let fence: string | undefined;
  const close = (end: number) => {
    const content = lines.slice(heading ? start + 1 : start, end).join('\n').trim();
    if (content) out.push({ heading, text: lines.slice(start, end).join('\n').trim(), startLine: start + 1, endLine: end });
  };
  lines.forEach((line, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1][0];
    if (marker) fence = fence === undefined ? marker : marker === fence ? undefined : fence;
    const match = fence === undefined && !marker ? /^#{1,3}\s+(.+?)\s*#*\s*$/.exec(line) : null;
    if (!match) return;
    close(i);
    start = i;
    heading = match[1];
  });
  close(lines.length);
  return out;
}

/**
 * Brings the memories of knowledge files in line with the files: `paths` only (a file saved or deleted), or all
 * of them. A section that did not change keeps its memory (and its use count); the others are replaced.
 */
export function syncKnowledge(store: MemoryStore, root: string, options: { paths?: readonly string[]; notesFolder?: string } = {}):
  { added: number; removed: number; problems: string[] } {
  const notesFolder = options.notesFolder ?? DEFAULT_TEAM_NOTES_FOLDER;
  const files = options.paths ?? findKnowledgeFiles(root, notesFolder);
  // A full sync owns the files its rules name, and those gone from disk; a note from another notes folder (the
  // editor's setting, unknown to the CLI) stays until its own front end syncs it.
  const inScope = (origin: unknown) => typeof origin === 'string' && (options.paths ? options.paths.includes(origin)
    : knowledgeSourceOf(origin, notesFolder) !== undefined || !fs.existsSync(path.join(root, origin)));
  const wanted = files.map((file) => memoriesOfFile(root, file, notesFolder));
  // Anchors are the engine's (memories/citations.ts), not the file's.
  const keyOf = (m: { kind: string; title: string; text: string; tags?: string[]; citations?: Citation[] }) =>
    JSON.stringify([m.kind, m.title.trim(), m.text.trim(), m.tags ?? [], (m.citations ?? []).map(plainCitation)]);
  // Read and written in one transaction: two processes syncing at once must not both add what is missing.
  return store.transact(() => {
    const stored = [...store.list({ source: 'instructions' }).memories, ...store.list({ source: 'team' }).memories]
      .filter((m) => inScope(m.metadata.origin));
    const kept = new Map<string, number[]>();
    for (const m of stored) kept.set(keyOf(m), [...(kept.get(keyOf(m)) ?? []), m.id]);
    const toAdd: NewMemoryRecord[] = [];
    for (const memory of wanted.flatMap((w) => w.memories)) {
      const ids = kept.get(keyOf(memory));
      if (ids?.length) ids.shift();
      else toAdd.push(memory);
    }
    const stale = [...kept.values()].flat();
    if (stale.length) store.deleteMany(stale);
    if (toAdd.length) store.importRecords(toAdd, 'keep-both');
    return { added: toAdd.length, removed: stale.length, problems: wanted.flatMap((w) => w.problems) };
  });
}
