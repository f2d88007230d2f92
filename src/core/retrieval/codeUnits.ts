import type { Database } from '../store/driver';
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

type Row = Omit<CodeUnit, 'entity'> & {
  entityId: number | null; name: string; qualifiedName: string; entityKind: EntityKind; signature: string; entityStart: number;
};

function toUnit(r: Row): CodeUnit {
  const { entityId, name, qualifiedName, entityKind, signature, entityStart, ...unit } = r;
  return entityId === null ? unit : { ...unit, entity: { id: entityId, name, qualifiedName, kind: entityKind, signature, startLine: entityStart } };
}

/** entity → the units holding it. */
function invert(members: Map<number, number[]>): Map<number, number[]> {
  const unitsOf = new Map<number, number[]>();
  for (const [unit, entities] of members) {
    for (const entity of entities) {
      const list = unitsOf.get(entity) ?? [];
      list.push(unit);
      unitsOf.set(entity, list);
    }
  }
  return unitsOf;
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

  constructor(db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      byIds: p(`SELECT ${COLUMNS} ${FROM} WHERE u.id IN (SELECT value FROM json_each(?))`),
      ofFile: p(`SELECT ${COLUMNS} ${FROM} WHERE f.path = ? ORDER BY u.start_line LIMIT ?`),
      // The unit holding each entity's first line: where a caller or callee is read.
      holding: p(`SELECT DISTINCT u.id FROM entities e JOIN units u ON u.file_id = e.file_id
                  AND e.start_line BETWEEN u.start_line AND u.end_line WHERE e.id IN (SELECT value FROM json_each(?)) LIMIT ?`).pluck(),
      // The entities a unit holds: those starting in its lines, and the one it is a part of.
      members: p(`SELECT u.id AS unit, e.id AS entity FROM units u JOIN entities e ON e.file_id = u.file_id
                  AND e.start_line BETWEEN u.start_line AND u.end_line WHERE u.id IN (SELECT value FROM json_each(?))
                  UNION SELECT id, entity_id FROM units WHERE entity_id IS NOT NULL AND id IN (SELECT value FROM json_each(?))`).raw(),
      neighbours: p(`SELECT target_id FROM calls WHERE entity_id IN (SELECT value FROM json_each(@ids)) AND target_id IS NOT NULL
                     UNION SELECT entity_id FROM calls WHERE target_id IN (SELECT value FROM json_each(@ids)) LIMIT @limit`).pluck(),
      entitiesOfFile: p('SELECT e.id FROM entities e JOIN files f ON f.id = e.file_id WHERE f.path = ?').pluck(),
      // Calls between the current file's entities (@file) and the candidates' (@mine), either way: (caller, callee,
      // whether the caller is the file's). Driven from the candidates' side (`+` keeps the planner off the other).
      callsBetween: p(`SELECT entity_id, target_id, 1 FROM calls WHERE target_id IN (SELECT value FROM json_each(@mine))
                         AND +entity_id IN (SELECT value FROM json_each(@file)) AND entity_id != target_id
                       UNION ALL SELECT entity_id, target_id, 0 FROM calls WHERE entity_id IN (SELECT value FROM json_each(@mine))
                         AND +target_id IN (SELECT value FROM json_each(@file)) AND entity_id != target_id`).raw(),
      names: p('SELECT id, qualified_name FROM entities WHERE id IN (SELECT value FROM json_each(?))').raw(),
      // Calls among the given entities.
      edges: p(`SELECT DISTINCT entity_id, target_id FROM calls WHERE entity_id IN (SELECT value FROM json_each(@entities))
                AND +target_id IN (SELECT value FROM json_each(@entities))`).raw(),
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

  /** Which entities each unit holds (those starting in it, and the one it is a part of). */
  members(units: number[]): Map<number, number[]> {
    const json = JSON.stringify(units);
    const byUnit = new Map<number, number[]>();
    for (const [unit, entity] of this.s.members.all(json, json) as [number, number][]) {
      const list = byUnit.get(unit) ?? [];
      list.push(entity);
      byUnit.set(unit, list);
    }
    return byUnit;
  }

  /** Units of the callers and callees of the given units' entities and of the given file's entities. */
  neighbours(units: number[], file: string | undefined, limit: number): number[] {
    const ids = [...[...this.members(units).values()].flat(), ...(file ? this.s.entitiesOfFile.all(file) as number[] : [])];
    if (!ids.length) return [];
    const entities = this.s.neighbours.all({ ids: JSON.stringify(ids), limit }) as number[];
    return this.s.holding.all(JSON.stringify(entities), limit) as number[];
  }

  /** Call edges between the given units' entities and the file's code: the unit, the other side's name, which way. */
  fileLinks(members: Map<number, number[]>, file: string): UnitLink[] {
    const unitsOf = invert(members);
    const fileEntities = this.s.entitiesOfFile.all(file) as number[];
    if (!fileEntities.length || !unitsOf.size) return [];
    const calls = this.s.callsBetween.all({ file: JSON.stringify(fileEntities), mine: JSON.stringify([...unitsOf.keys()]) }) as [number, number, number][];
    const names = new Map(this.s.names.all(JSON.stringify(calls.map(([caller, callee, fromFile]) => (fromFile ? caller : callee)))) as [number, string][]);
    return calls.flatMap(([caller, callee, fromFile]) => {
      const [mine, theirs, how] = fromFile ? [callee, caller, 'called by' as const] : [caller, callee, 'calls' as const];
      return (unitsOf.get(mine) ?? []).map((unit) => ({ unit, name: names.get(theirs) ?? '', how }));
    });
  }

  /** Call edges between different units among the given ones. */
  edges(members: Map<number, number[]>): { a: number; b: number }[] {
    const unitsOf = invert(members);
    const pairs = new Set<string>();
    const edges: { a: number; b: number }[] = [];
    for (const [caller, callee] of this.s.edges.all({ entities: JSON.stringify([...unitsOf.keys()]) }) as [number, number][]) {
      for (const a of unitsOf.get(caller) ?? []) {
        for (const b of unitsOf.get(callee) ?? []) {
          if (a !== b && !pairs.has(`${a}:${b}`)) {
            pairs.add(`${a}:${b}`);
            edges.push({ a, b });
          }
        }
      }
    }
    return edges;
  }

  /** Files the given file imports or is imported by. */
  linkedFiles(file: string): Set<string> {
    return new Set(this.s.linkedFiles.all({ file }) as string[]);
  }
}
