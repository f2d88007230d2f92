import { hash } from 'node:crypto';
import { type Citation, describeCitation } from './model';

/**
 * Citations that go stale (README "Citations"): a citation keeps a hash of the code it cited when it was written
 * (its anchor) and of the file's bytes. When the file's bytes differ, the code is looked for again: the same lines,
 * moved within the file; the same entity, by name in its file, by name elsewhere (a move), or by body in its file
 * (a rename). Found unchanged, the citation follows it; otherwise the memory is stale, with the reason. A citation
 * whose code the index does not have (an unknown entity, a file outside the workspace) is not checked.
 */

/** An entity as the index has it now. */
export interface EntitySpan {
  file: string;
  name: string;
  qualifiedName: string;
  startLine: number;
  endLine: number;
}

/** The code citations are checked against: the files on disk and what the index says about them. */
export interface CitedCode {
  /** The file's lines now and the hash of its bytes; undefined when it is gone. */
  read(file: string): { lines: string[]; hash: string } | undefined;
  /** The hash of the bytes the index parsed: entity lines are today's only when it is the file's hash. */
  indexedHash(file: string): string | undefined;
  /** Entities with this qualified name, or else this simple name. */
  entitiesNamed(name: string): EntitySpan[];
  entitiesIn(file: string): EntitySpan[];
  /** Indexed files with exactly these bytes (a file moved as it was). */
  filesWithHash(fileHash: string): string[];
  /**
   * The files that changed, when only they are checked (a save): code elsewhere is as it was, so only these are
   * looked in, and a line citation of another file keeps its state.
   */
  readonly scope?: ReadonlySet<string>;
}

export interface CitationCheck {
  citation: Citation;
  /** Why the cited code is not what it was; undefined when it is, or when that cannot be told yet. */
  stale?: string;
  /** The index has not caught up with a cited file: the memory keeps the state it had. */
  undecided?: boolean;
}

/** The citation with the anchor of the code it cites now; as it is when that code cannot be found. */
export function anchorCitation(citation: Citation, code: CitedCode): Citation {
  if ('entity' in citation) {
    const span = pick(code.entitiesNamed(citation.entity), citation.file);
    const file = span && current(code, span.file);
    if (!span || !file) return citation;
    return { ...citation, ...(citation.file ? {} : { at: span.file }), anchor: entityAnchor(file.lines, span), fileHash: file.hash };
  }
  const file = code.read(citation.file);
  if (!file) return citation;
  if (citation.startLine === undefined) return { ...citation, fileHash: file.hash };
  return { ...citation, anchor: rangeAnchor(file.lines, citation.startLine, citation.endLine!), fileHash: file.hash };
}

/** Checks one citation against today's code (see the comment at the top). */
export function checkCitation(citation: Citation, code: CitedCode): CitationCheck {
  // Never anchored (written before citations were, or its code was not indexed): anchored now, nothing to compare.
  if (!citation.fileHash) return { citation: anchorCitation(citation, code) };
  const where = citation.file ?? citation.at;
  // The index read the same bytes: nothing to look at (one lookup, no file read).
  if (where !== undefined && code.indexedHash(where) === citation.fileHash) return { citation };
  if (code.scope && where !== undefined && !code.scope.has(where) && !('entity' in citation)) return { citation, undecided: true };
  const file = where === undefined ? undefined : code.read(where);
  if (file?.hash === citation.fileHash) return { citation };
  if ('entity' in citation) return checkEntity(citation, file, code);
  if (!file) {
    const moved = code.filesWithHash(citation.fileHash)[0];
    return moved ? { citation: { ...citation, file: moved } } : { citation, stale: `${citation.file} was deleted` };
  }
  if (citation.startLine === undefined || !citation.anchor) return { citation: { ...citation, fileHash: file.hash } };
  const found = findLines(file.lines, citation.endLine! - citation.startLine + 1, citation.anchor, citation.startLine);
  if (!found) return { citation, stale: `${describeCitation(citation)} changed since` };
  return { citation: { ...citation, startLine: found.start, endLine: found.start + found.length - 1, fileHash: file.hash } };
}

function checkEntity(citation: Extract<Citation, { entity: string }>, file: { lines: string[]; hash: string } | undefined,
  code: CitedCode): CitationCheck {
  const where = citation.file ?? citation.at!;
  const moveTo = (file: string) => (citation.file ? { file } : { at: file });
  // Where it was first (an indexed lookup): by its name, else by its body (renamed in place); by name elsewhere
  // only when it is in neither (a move).
  const inFile = code.entitiesIn(where).filter((span) => span.qualifiedName === citation.entity || span.name === citation.entity);
  if (!inFile.length && file && code.indexedHash(where) === file.hash) {
    const renamed = code.entitiesIn(where).find((span) => entityAnchor(file.lines, span) === citation.anchor);
    if (renamed) return { citation: { ...citation, entity: renamed.qualifiedName, fileHash: file.hash } };
  }
  const named = inFile.length ? inFile : code.entitiesNamed(citation.entity);
  const here = named.filter((span) => span.file === where);
  let undecided = false;
  for (const span of here.length ? here : named) {
    const now = current(code, span.file);
    if (!now) undecided = true;
    else if (entityAnchor(now.lines, span) === citation.anchor) return { citation: { ...citation, ...moveTo(span.file), fileHash: now.hash } };
  }
  if (undecided) return { citation, undecided };
  if (named.length) return { citation, stale: `${citation.entity} changed since` };
  if (file && code.indexedHash(where) !== file.hash) return { citation, undecided: true };
  return { citation, stale: file ? `${citation.entity} was removed` : `${where} was deleted` };
}

/**
 * A memory's citations checked: the citations to keep, and why it is stale (undefined: it is not). `follow`
 * false (a memory that follows a file, such as a team note): moved code is reported, since the file says where.
 */
export function checkCitations(citations: readonly Citation[], code: CitedCode, wasStale: string | null, follow = true):
  { citations: Citation[]; stale: string | undefined } {
  const checks = citations.map((citation) => {
    const check = checkCitation(citation, code);
    const before = describeCitation(citation);
    const after = describeCitation(check.citation);
    return follow || before === after ? check : { citation, stale: `${before} is now ${after}` };
  });
  const reasons = checks.flatMap((check) => (check.stale ? [check.stale] : []));
  const undecided = checks.some((check) => check.undecided);
  const stale = reasons.length ? reasons.join('; ') : undecided ? wasStale ?? undefined : undefined;
  return { citations: checks.map((check) => check.citation), stale };
}

/** Lines compared without layout: indentation, spacing and blank lines do not make code stale. */
function squash(lines: readonly string[]): string {
  return lines.map((line) => line.trim().replace(/\s+/g, ' ')).filter(Boolean).join('\n');
}

const digest = (text: string) => hash('sha1', text).slice(0, 16);

function rangeAnchor(lines: readonly string[], startLine: number, endLine: number): string {
  return digest(squash(lines.slice(startLine - 1, endLine)));
}

/** An entity's code without its own name, so that a renamed entity with the same body still matches. */
function entityAnchor(lines: readonly string[], span: EntitySpan): string {
  const name = new RegExp(`(?<![\\w$])${span.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`, 'g');
  return digest(squash(lines.slice(span.startLine - 1, span.endLine)).replace(name, '\u0000'));
}

/** Lines added or removed inside a citation that are still looked for near where it was (blank lines, say). */
const NEAR_LINES = 5;

/**
 * Where the cited lines (hashing to `anchor`) are now: the same number of lines, nearest to `near` first;
 * else, near where they were, a few lines more or fewer that start and end with code (blank lines added or
 * removed inside them).
 */
function findLines(lines: readonly string[], length: number, anchor: string, near: number): { start: number; length: number } | undefined {
  const matches = (start: number, n: number) =>
    start >= 1 && start + n - 1 <= lines.length && rangeAnchor(lines, start, start + n - 1) === anchor;
  for (let distance = 0; distance <= Math.max(near, lines.length); distance++) {
    for (const start of distance ? [near - distance, near + distance] : [near]) if (matches(start, length)) return { start, length };
  }
  const code = (line: number) => Boolean(lines[line - 1]?.trim());
  for (let distance = 0; distance <= NEAR_LINES; distance++) {
    for (const start of distance ? [near - distance, near + distance] : [near]) {
      const n = spread(length).find((m) => code(start) && code(start + m - 1) && matches(start, m));
      if (n) return { start, length: n };
    }
  }
  return undefined;
}

/** length ± 1 … ± NEAR_LINES, nearest first, at least one line. */
function spread(length: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= NEAR_LINES; d++) out.push(length + d, ...(length - d >= 1 ? [length - d] : []));
  return out;
}

/** The file as the index parsed it, or undefined when it is gone or the index has not caught up. */
function current(code: CitedCode, file: string): { lines: string[]; hash: string } | undefined {
  const now = code.read(file);
  return now && now.hash === code.indexedHash(file) ? now : undefined;
}

function pick(spans: EntitySpan[], file: string | undefined): EntitySpan | undefined {
  return spans.find((span) => span.file === file) ?? (file === undefined ? spans[0] : undefined);
}
