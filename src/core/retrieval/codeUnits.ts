import type Database from 'better-sqlite3';
import type { EntityKind, LanguageId, UnitKind } from '../types';

/** A unit as retrieval needs it: its place, the entity it is or belongs to, and when its file changed. */
export interface CodeUnit {
  id: number;
  fileId: number;
  file: string;
  language: LanguageId;
  kind: UnitKind;
  startLine: number;
  endLine: number;
  entity?: { id: number; name: string; qualifiedName: string; kind: EntityKind; signature: string; startLine: number };
  changedAt: number;
}

/** A call edge between a candidate unit and other code, in words (`calls Store.save`). */
export interface UnitLink {
  unit: number;
  name: string;
  how: 'calls' | 'called by';
}

const COLUMNS = `u.id, u.file_id AS fileId, f.path AS file, f.language, u.kind, u.start_line AS startLine, u.end_line AS endLine,
  e.id AS entityId, e.name, e.qualified_name AS qualifiedName, e.kind AS entityKind, e.signature, e.start_line AS entityStart,
  CASE WHEN f.mtime_ms > 0 THEN f.mtime_ms ELSE f.indexed_at END AS changedAt`;
const FROM = 'FROM units u JOIN files f ON f.id = u.file_id LEFT JOIN entities e ON e.id = u.entity_id';
/** The entities a unit holds: those starting in its lines, and the one it is a part of. */
const MEMBERS = `members AS (SELECT u.id AS unit, e.id AS entity FROM units u JOIN entities e ON e.file_id = u.file_id
  AND (e.start_line BETWEEN u.start_line AND u.end_line OR e.id = u.entity_id)
  WHERE u.id IN (SELECT value FROM json_each(@units)))`;

type Row = Omit<CodeUnit, 'entity'> & {
  entityId: number | null; name: string; qualifiedName: string; entityKind: EntityKind; signature: string; entityStart: number;
};

function toUnit(r: Row): CodeUnit {
  const { entityId, name, qualifiedName, entityKind, signature, entityStart, ...unit } = r;
  return entityId === null ? unit : { ...unit, entity: { id: entityId, name, qualifiedName, kind: entityKind, signature, startLine: entityStart } };
}

/** `method Store.save`, `part of function parse`, `top-level code`. */
export function describeUnit(unit: Pick<CodeUnit, 'kind' | 'entity'>): string {
  if (!unit.entity) return 'top-level code';
  const what = `${unit.entity.kind} ${unit.entity.qualifiedName}`;
  return unit.kind === 'part' ? `part of ${what}` : what;
}

/** The read side of units for retrieval: rows by id, a file's units, and the call graph seen through units. */
export class CodeUnits {
  private readonly s;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      byIds: p(`SELECT ${COLUMNS} ${FROM} WHERE u.id IN (SELECT value FROM json_each(?))`),
      ofFile: p(`SELECT ${COLUMNS} ${FROM} WHERE f.path = ? ORDER BY u.start_line LIMIT ?`),
      // The unit holding each entity's first line: where a caller or callee is read.
      holding: p(`SELECT DISTINCT u.id FROM entities e JOIN units u ON u.file_id = e.file_id
                  AND e.start_line BETWEEN u.start_line AND u.end_line WHERE e.id IN (SELECT value FROM json_each(?)) LIMIT ?`).pluck(),
      entitiesOf: p(`WITH ${MEMBERS} SELECT entity FROM members`).pluck(),
      neighbours: p(`SELECT target_id FROM calls WHERE entity_id IN (SELECT value FROM json_each(@ids)) AND target_id IS NOT NULL
                     UNION SELECT entity_id FROM calls WHERE target_id IN (SELECT value FROM json_each(@ids)) LIMIT @limit`).pluck(),
      entitiesOfFile: p('SELECT e.id FROM entities e JOIN files f ON f.id = e.file_id WHERE f.path = ?').pluck(),
      // Calls between the current file and the candidates, either way.
      fileLinks: p(`WITH ${MEMBERS}
        SELECT m.unit, ce.qualified_name AS name, 'called by' AS how FROM calls c JOIN members m ON m.entity = c.target_id
          JOIN entities ce ON ce.id = c.entity_id JOIN files f ON f.id = ce.file_id WHERE f.path = @file AND c.entity_id != c.target_id
        UNION ALL
        SELECT m.unit, t.qualified_name, 'calls' FROM calls c JOIN members m ON m.entity = c.entity_id
          JOIN entities t ON t.id = c.target_id JOIN files f ON f.id = t.file_id WHERE f.path = @file AND c.entity_id != c.target_id`),
      // Calls between the candidates themselves.
      edges: p(`WITH ${MEMBERS}
        SELECT DISTINCT a.unit AS a, b.unit AS b FROM calls c JOIN members a ON a.entity = c.entity_id JOIN members b ON b.entity = c.target_id
        WHERE a.unit != b.unit`),
      linkedFiles: p(`SELECT t.path FROM imports i JOIN files f ON f.id = i.file_id JOIN files t ON t.id = i.target_file_id WHERE f.path = @file
                      UNION SELECT f.path FROM imports i JOIN files f ON f.id = i.file_id JOIN files t ON t.id = i.target_file_id WHERE t.path = @file`).pluck(),
    };
  }

  byIds(ids: Iterable<number>): Map<number, CodeUnit> {
    return new Map((this.s.byIds.all(JSON.stringify([...ids])) as Row[]).map((r) => [r.id, toUnit(r)]));
  }

  ofFile(file: string, limit: number): CodeUnit[] {
    return (this.s.ofFile.all(file, limit) as Row[]).map(toUnit);
  }

  /** Units of the callers and callees of the given units' entities and of the given file's entities. */
  neighbours(units: number[], file: string | undefined, limit: number): number[] {
    const ids = [...(this.s.entitiesOf.all({ units: JSON.stringify(units) }) as number[]),
      ...(file ? this.s.entitiesOfFile.all(file) as number[] : [])];
    if (!ids.length) return [];
    const entities = this.s.neighbours.all({ ids: JSON.stringify(ids), limit }) as number[];
    return this.s.holding.all(JSON.stringify(entities), limit) as number[];
  }

  fileLinks(units: number[], file: string): UnitLink[] {
    return this.s.fileLinks.all({ units: JSON.stringify(units), file }) as UnitLink[];
  }

  edges(units: number[]): { a: number; b: number }[] {
    return this.s.edges.all({ units: JSON.stringify(units) }) as { a: number; b: number }[];
  }

  /** Files the given file imports or is imported by. */
  linkedFiles(file: string): Set<string> {
    return new Set(this.s.linkedFiles.all({ file }) as string[]);
  }
}
