/** Kinds of code entity the indexer extracts. `module` covers namespaces, Rust `mod` and Ruby modules. */
export type EntityKind =
  | 'function'
  | 'method'
  | 'class'
  | 'struct'
  | 'interface'
  | 'trait'
  | 'enum'
  | 'impl'
  | 'module';

export const ENTITY_KINDS: readonly EntityKind[] = [
  'function', 'method', 'class', 'struct', 'interface', 'trait', 'enum', 'impl', 'module',
];

export type LanguageId =
  | 'python' | 'javascript' | 'typescript' | 'tsx' | 'java' | 'c' | 'cpp'
  | 'go' | 'rust' | 'ruby' | 'php' | 'csharp';

/** One definition found in a source file. Lines are 1-based and inclusive. */
export interface ExtractedEntity {
  kind: EntityKind;
  name: string;
  qualifiedName: string;
  signature: string;
  doc: string;
  startLine: number;
  endLine: number;
  /** Index of the enclosing entity in the same file's list, or -1. */
  parent: number;
  /** Names this entity calls directly (deduplicated, in first-seen order). */
  calls: string[];
  /** Hash of the entity's source text: lets later stages notice an edited function. */
  contentHash: string;
}

/**
 * How a unit relates to the entities: an entity that fits whole, a part of one too big to keep whole, or code
 * outside every entity (imports, constants, top-level statements).
 */
export type UnitKind = 'entity' | 'part' | 'module';

/**
 * A retrievable piece of a file. A file's units cover each of its lines exactly once and are at most the
 * index's unit size long. Lines are 1-based and inclusive.
 */
export interface ExtractedUnit {
  kind: UnitKind;
  startLine: number;
  endLine: number;
  /** Index in the file's entity list of the entity this unit is (`entity`) or is a part of (`part`); -1 for `module`. */
  entity: number;
  /** Hash of the unit's lines: an unchanged unit keeps its row when an edit above moves it. */
  contentHash: string;
}

/** What one source file contributes to the index. */
export interface FileExtraction {
  entities: ExtractedEntity[];
  /** Every line of the file, in units, in line order. */
  units: ExtractedUnit[];
  /** Module specifiers or paths the file imports, as written. */
  imports: string[];
  /** True when the parser had to recover from syntax errors (entities may be partial). */
  hasErrors: boolean;
}
