import { hash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import type { ExtractedEntity, ExtractedUnit } from '../types';

/** Default longest unit: long enough for most functions whole, short enough to point at something. */
export const DEFAULT_MAX_UNIT_LINES = 150;
/** Bounds of the setting: below 20 lines a unit loses its context; above 1,000 it stops pointing. */
export const MIN_UNIT_LINES = 20;
export const MAX_UNIT_LINES = 1000;

/** An entity as the splitter sees it: where its unit starts (its doc comment included) and its syntax node. */
export interface UnitSource {
  entity: ExtractedEntity;
  /** First line of the entity's unit: its doc comment when one is directly above it. */
  startLine: number;
  node: Node;
}

/** A line holding no word but `end` (blank, braces, Ruby's `end`) is not worth a unit of its own. */
const CONTENT = /[\p{L}\p{N}_$]/u;

/**
 * Splits a file into units that cover every line exactly once, each at most `maxLines` long: an entity that
 * fits is one unit; a bigger one is split into its nested entities and `part`s of its own code, cut at
 * statement boundaries; code outside every entity (imports, constants, top-level statements) becomes
 * `module` units. A run of lines with no content joins the unit before it (or after it) when that fits.
 */
export function splitUnits(root: Node, lines: readonly string[], sources: readonly UnitSource[], maxLines: number): ExtractedUnit[] {
  const lineCount = Math.max(1, lines.length);
  const children = new Map<number, number[]>();
  sources.forEach(({ entity }, i) => {
    const list = children.get(entity.parent) ?? [];
    list.push(i);
    children.set(entity.parent, list);
  });
  const units: ExtractedUnit[] = [];

  const gap = (from: number, to: number, scope: number) => {
    if (from > to) return;
    const node = scope >= 0 ? sources[scope].node : root;
    for (const [start, end] of cutAtStatements(node, from, to, maxLines)) {
      units.push({ kind: scope >= 0 ? 'part' : 'module', startLine: start, endLine: end, entity: scope, contentHash: '' });
    }
  };
  const partition = (from: number, to: number, scope: number) => {
    let cursor = from;
    for (const i of children.get(scope) ?? []) {
      const { entity } = sources[i];
      const end = Math.min(entity.endLine, to);
      if (end < cursor) continue; // overlaps what is already covered (malformed input)
      const start = Math.max(cursor, Math.min(sources[i].startLine, entity.startLine));
      gap(cursor, start - 1, scope);
      if (end - start + 1 <= maxLines) units.push({ kind: 'entity', startLine: start, endLine: end, entity: i, contentHash: '' });
      else partition(start, end, i);
      cursor = end + 1;
    }
    gap(cursor, to, scope);
  };
  partition(1, lineCount, -1);
  const merged = absorbEmpty(units, lines, maxLines);
  for (const unit of merged) unit.contentHash = hash('sha1', lines.slice(unit.startLine - 1, unit.endLine).join('\n')).slice(0, 16);
  return merged;
}

/**
 * Units made only of blank lines and braces join a neighbour, so a hit never points at a lone `}`, and blank
 * lines between units end the unit above rather than start the one below.
 */
function absorbEmpty(units: ExtractedUnit[], lines: readonly string[], maxLines: number): ExtractedUnit[] {
  const empty = (u: ExtractedUnit) => {
    for (let l = u.startLine; l <= u.endLine; l++) {
      const text = lines[l - 1] ?? '';
      if (CONTENT.test(text) && text.trim() !== 'end') return false;
    }
    return true;
  };
  const size = (u: ExtractedUnit) => u.endLine - u.startLine + 1;
  const out: ExtractedUnit[] = [];
  let carry: ExtractedUnit | undefined; // an empty run waiting for the next unit
  for (const unit of units) {
    if (empty(unit) && units.length > 1) {
      const previous = out[out.length - 1];
      if (previous && !carry && size(previous) + size(unit) <= maxLines) previous.endLine = unit.endLine;
      else if (carry && size(carry) + size(unit) <= maxLines) carry.endLine = unit.endLine;
      else {
        if (carry) out.push(carry);
        carry = { ...unit };
      }
      continue;
    }
    if (carry && size(carry) + size(unit) <= maxLines) {
      out.push({ ...unit, startLine: carry.startLine });
    } else {
      if (carry) out.push(carry);
      out.push(unit);
    }
    carry = undefined;
  }
  if (carry) {
    const previous = out[out.length - 1];
    if (previous && size(previous) + size(carry) <= maxLines) previous.endLine = carry.endLine;
    else out.push(carry);
  }
  // A unit starts at its first line of content: blank lines before it end the unit above, when that fits.
  for (let i = 1; i < out.length; i++) {
    let blank = 0;
    while (out[i].startLine + blank < out[i].endLine && !(lines[out[i].startLine + blank - 1] ?? '').trim()) blank++;
    blank = Math.min(blank, maxLines - size(out[i - 1]));
    if (blank > 0) {
      out[i - 1].endLine += blank;
      out[i].startLine += blank;
    }
  }
  return out;
}

/**
 * Cuts lines `from`–`to` (1-based, inclusive) into runs of at most `maxLines`, preferring to cut before a
 * statement of the outermost block that spans the range: the rows where a child of `node` starts, descending
 * only into children too long to keep whole.
 */
function cutAtStatements(node: Node, from: number, to: number, maxLines: number): [number, number][] {
  if (to - from + 1 <= maxLines) return [[from, to]];
  // Candidate cut lines (a new run starts there), each with its nesting depth: shallower cuts are better.
  const depthOf = new Map<number, number>();
  // Iterative: 20,000 nested brackets must not overflow the stack.
  const pending: [Node, number][] = [[node, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [parent, depth] = next;
    for (const child of parent.namedChildren) {
      if (!child) continue;
      const start = child.startPosition.row + 1;
      const end = child.endPosition.row + 1;
      if (end < from || start > to) continue;
      if (start > from && (depthOf.get(start) ?? Infinity) > depth) depthOf.set(start, depth);
      if (end - start + 1 > maxLines) pending.push([child, depth + 1]);
    }
  }
  const runs: [number, number][] = [];
  let start = from;
  while (to - start + 1 > maxLines) {
    const limit = start + maxLines; // a cut here makes the run exactly maxLines long
    let best = -1;
    let bestDepth = Infinity;
    // Shallowest cut in the second half of the window (so runs do not come out tiny), latest among equals.
    for (let line = limit; line > start + maxLines / 2; line--) {
      const depth = depthOf.get(line);
      if (depth !== undefined && depth < bestDepth) {
        best = line;
        bestDepth = depth;
      }
    }
    if (best < 0) for (let line = start + Math.floor(maxLines / 2); line > start && best < 0; line--) if (depthOf.has(line)) best = line;
    if (best < 0) best = limit;
    runs.push([start, best - 1]);
    start = best;
  }
  runs.push([start, to]);
  return runs;
}
