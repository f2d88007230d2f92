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

/** What one source file contributes to the index. */
export interface FileExtraction {
  entities: ExtractedEntity[];
  /** Module specifiers or paths the file imports, as written. */
  imports: string[];
  /** True when the parser had to recover from syntax errors (entities may be partial). */
  hasErrors: boolean;
}

/** A search hit over code entities. Lines are 1-based and inclusive; paths relative to the workspace. */
export interface EntityHit {
  id: number;
  file: string;
  startLine: number;
  endLine: number;
  name: string;
  qualifiedName: string;
  kind: EntityKind;
  signature: string;
  language: LanguageId;
  /** Higher is better (negated bm25). */
  score: number;
}
