import type { ExtractedEntity, ExtractedUnit } from '../types';
import { indexableText, splitIdentifier } from '../text/identifiers';

/** The full-text columns of one unit (path words are per file and added by the store). */
export interface UnitSearchText {
  /** Name of the entity the unit is, or whose first part it is, whole and split (nested ones are in `body`). */
  name: string;
  /** The enclosing entity's qualified name: a method's class, a part's whole function. */
  scope: string;
  /** Every identifier, comment word and string word of the unit's lines. */
  body: string;
}

/**
 * Built where the file is parsed (a worker), not where it is written: identifier splitting is a large share
 * of indexing CPU and the writer thread is the one every worker waits for.
 */
export function unitSearchTexts(units: readonly ExtractedUnit[], entities: readonly ExtractedEntity[], lines: readonly string[]): UnitSearchText[] {
  return units.map((unit) => {
    const own = unit.entity >= 0 ? entities[unit.entity] : undefined;
    // A part belongs to its entity; a whole entity to the entity around it.
    const scope = !own ? '' : unit.kind === 'part'
      ? own.qualifiedName
      : own.qualifiedName.slice(0, Math.max(0, own.qualifiedName.length - own.name.length));
    // Not a class's methods: in `name` they would make every container win.
    const named = own && own.startLine >= unit.startLine && own.startLine <= unit.endLine ? own : undefined;
    return {
      name: named ? `${named.name.toLowerCase()} ${splitIdentifier(named.name).join(' ')}` : '',
      scope: indexableText(scope),
      body: indexableText(lines.slice(unit.startLine - 1, unit.endLine).join('\n')),
    };
  });
}
