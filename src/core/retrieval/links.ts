import { type CodeUnits, describeUnit } from './codeUnits';
import type { Candidate } from './retriever';

/** Candidates whose call edges count for the dependency boost besides the current file's code. */
export const TOP_FOR_LINKS = 3;

/** Why candidates are linked, by memory id; `toCurrentFile`: those linked to the current file itself. */
export interface Links {
  reasons: Map<string, string[]>;
  toCurrentFile: Set<string>;
}

/**
 * Why candidates are linked to where the developer is, for the dependency boost: call edges to or from the
 * current file's code or the best candidates, code in (or memories about) a file the current file imports or is
 * imported by, memories about the current file. `ordered`: best first.
 */
export function linkReasons(units: CodeUnits, currentFile: string | undefined, ordered: Candidate[]): Links {
  const links = new Map<string, string[]>();
  const toCurrentFile = new Set<string>();
  const note = (memoryId: string, why: string, current = true) => {
    const list = links.get(memoryId) ?? [];
    if (!list.includes(why)) list.push(why);
    links.set(memoryId, list);
    if (current) toCurrentFile.add(memoryId);
  };
  const members = units.members(ordered.flatMap((c) => (c.unit ? [c.unit.id] : [])));
  if (currentFile && members.size) {
    for (const { unit, name, how } of units.fileLinks(members, currentFile)) note(`code:${unit}`, `${how} ${name} in the current file`);
  }
  const anchors = new Map<number, string>();
  for (const c of ordered.slice(0, TOP_FOR_LINKS)) if (c.unit && c.base > 0) anchors.set(c.unit.id, describeUnit(c.unit));
  if (anchors.size) {
    for (const { a, b } of units.edges(members)) {
      // A link to the current file already says more than one to a top candidate.
      if (anchors.has(a) && !links.has(`code:${b}`)) note(`code:${b}`, `called by ${anchors.get(a)}`, false);
      if (anchors.has(b) && !links.has(`code:${a}`)) note(`code:${a}`, `calls ${anchors.get(b)}`, false);
    }
  }
  if (currentFile) {
    const linkedFiles = units.linkedFiles(currentFile);
    for (const c of ordered) {
      const file = c.unit?.file ?? c.memory?.filePath ?? undefined;
      if (!file) continue;
      if (c.memory && file === currentFile) note(c.memoryId, 'about the current file');
      else if (linkedFiles.has(file)) note(c.memoryId, `in ${file}, linked to the current file by an import`);
    }
  }
  return { reasons: links, toCurrentFile };
}
