import * as fs from 'node:fs';
import { hash } from 'node:crypto';
import { Language, Parser, Query } from 'web-tree-sitter';
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { EntityKind, ExtractedEntity, FileExtraction } from '../types';
import { ENTITY_KINDS } from '../types';
import { grammarPath, queryPath, runtimeWasmPath } from './assets';
import { cleanComment, cleanDocstring } from './docs';
import type { LanguageSpec } from './languages';
import { LANGUAGES } from './languages';
import { DEFAULT_MAX_UNIT_LINES, splitUnits, type UnitSource } from './units';

/**
 * Bump when what the extractor or the search text produces changes (parser.ts, units.ts, docs.ts, searchText.ts,
 * text/identifiers.ts, text/stopwords.ts): stored files are then parsed again, and every full-text row written
 * again, even though their content did not change. Query files count by themselves.
 */
const EXTRACTOR_FORMAT = 6;

/** A parse that runs longer than this is abandoned (pathological input must not hang indexing). */
const PARSE_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MICROS = 10_000_000;
const MAX_SIGNATURE_CHARS = 300;
/** What one file may record: definitions nested deeper, or past this count, belong to their enclosing entity. */
const MAX_ENTITY_DEPTH = 16;
const MAX_ENTITIES_PER_FILE = 10_000;
const MAX_NAME_CHARS = 200;
const MAX_QUALIFIED_CHARS = 400;
/** Kinds whose function children are methods. */
const TYPE_KINDS = new Set<EntityKind>(['class', 'struct', 'interface', 'trait', 'impl', 'enum']);
const KIND_SET = new Set<string>(ENTITY_KINDS);

export class ParseTimeoutError extends Error {}

let runtimeReady: Promise<void> | undefined;
/** Emscripten adopts the options object as its Module and keeps HEAP8 on it current as memory grows. */
const runtimeModule: { locateFile: () => string; HEAP8?: Int8Array } = { locateFile: () => runtimeWasmPath() };
let loadQueue: Promise<unknown> = Promise.resolve();

/** `Parser.init` honours its options only on the first call in a process, so it happens once here. */
function initRuntime(): Promise<void> {
  runtimeReady ??= Parser.init(runtimeModule as object);
  return runtimeReady;
}

let cachedVersion: string | undefined;

/** Identifies what the extractor would produce: its format and every query file. */
export function extractorVersion(): string {
  if (!cachedVersion) {
    // Query files do not change while the process runs: read them once.
    const queries = [...new Set(LANGUAGES.flatMap((spec) => spec.queries))].sort();
    cachedVersion = hash('sha1', [EXTRACTOR_FORMAT, ...queries.map((q) => fs.readFileSync(queryPath(q), 'utf8'))].join('\0'));
  }
  return cachedVersion;
}

/** Size of this thread's WASM heap. It never shrinks: the largest file parsed sets the high-water mark. */
export function wasmHeapBytes(): number {
  return runtimeModule.HEAP8?.byteLength ?? 0;
}

interface LoadedLanguage {
  language: Language;
  query: Query;
}

interface Definition {
  node: Node;
  kind: EntityKind;
  name: string;
  /** Explicit scope written in the definition itself (Go receivers, C++ `Foo::bar`). */
  scope: string | undefined;
  start: number;
  end: number;
}

interface CallSite {
  start: number;
  name: string;
}

/**
 * Parses source files with web-tree-sitter and extracts entities through one query per language.
 * Grammars load on first use, so a workspace pays only for the languages it has.
 */
export class SourceParser {
  private readonly parser: Parser;
  private readonly loaded = new Map<string, Promise<LoadedLanguage>>();

  private constructor(parser: Parser) {
    this.parser = parser;
  }

  static async create(): Promise<SourceParser> {
    await initRuntime();
    return new SourceParser(new Parser());
  }

  /** Loads the grammar and compiles the query of a language (idempotent). */
  load(spec: LanguageSpec): Promise<LoadedLanguage> {
    let entry = this.loaded.get(spec.id);
    if (!entry) {
      // One load at a time: two grammars linking at once corrupt each other's symbol lookup
      // ("bad export type for 'tree_sitter_…_external_scanner_create'").
      entry = loadQueue.then(async () => {
        const language = await Language.load(grammarPath(spec.grammar));
        const source = spec.queries.map((file) => fs.readFileSync(queryPath(file), 'utf8')).join('\n');
        const query = new Query(language, source);
        return { language, query };
      });
      loadQueue = entry.catch(() => undefined);
      this.loaded.set(spec.id, entry);
      // A failed load is not remembered: the next file of that language tries again.
      entry.catch(() => this.loaded.delete(spec.id));
    }
    return entry;
  }

  /** Entities, imports and units (at most `maxUnitLines` long) of one file. */
  async extract(source: string, spec: LanguageSpec, maxUnitLines = DEFAULT_MAX_UNIT_LINES): Promise<FileExtraction> {
    return this.extractLoaded(source, spec, await this.load(spec), maxUnitLines);
  }

  /** Only the bare parse: the baseline the benchmark compares indexing against. */
  async parseOnly(source: string, spec: LanguageSpec): Promise<void> {
    const { language } = await this.load(spec);
    this.parser.setLanguage(language);
    this.parser.parse(source)?.delete();
  }

  private extractLoaded(source: string, spec: LanguageSpec, lang: LoadedLanguage, maxUnitLines: number): FileExtraction {
    this.parser.setLanguage(lang.language);
    const deadline = Date.now() + PARSE_TIMEOUT_MS;
    const tree = this.parser.parse(source, null, {
      progressCallback: (() => Date.now() > deadline) as unknown as () => void,
    });
    if (!tree) throw new ParseTimeoutError(`parsing took longer than ${PARSE_TIMEOUT_MS} ms`);
    // 0.25.x has no finalizer: without delete() the WASM heap grows with every file.
    try {
      const matches = lang.query.matches(tree.rootNode, { timeoutMicros: QUERY_TIMEOUT_MICROS });
      const { definitions, calls, imports } = collect(matches);
      const sources = buildEntities(source, spec, definitions, calls);
      return {
        entities: sources.map((s) => s.entity),
        units: splitUnits(tree.rootNode, sourceLines(source), sources, maxUnitLines),
        imports,
        hasErrors: tree.rootNode.hasError,
      };
    } finally {
      tree.delete();
    }
  }

  dispose(): void {
    this.parser.delete();
  }
}

function collect(matches: QueryMatch[]): { definitions: Definition[]; calls: CallSite[]; imports: string[] } {
  const definitions: Definition[] = [];
  const calls: CallSite[] = [];
  const imports: string[] = [];
  const seen = new Set<number>();
  for (const match of matches) {
    let defNode: Node | undefined;
    let kind: EntityKind | undefined;
    let name: string | undefined;
    let scope: string | undefined;
    for (const capture of match.captures) {
      const captureName = capture.name;
      if (captureName.startsWith('definition.')) {
        const k = captureName.slice('definition.'.length);
        if (KIND_SET.has(k)) {
          defNode = capture.node;
          kind = k as EntityKind;
        }
      } else if (captureName === 'name') {
        name = capture.node.text;
      } else if (captureName === 'scope') {
        // Several scopes in one match (`Outer::Inner::bar`) are joined with the language's separator later.
        scope = scope === undefined ? capture.node.text : `${scope}\u0000${capture.node.text}`;
      } else if (captureName === 'call.name') {
        calls.push({ start: capture.node.startIndex, name: capture.node.text });
      } else if (captureName === 'import.module') {
        const module = capture.node.text.replace(/^["'<`]|["'>`]$/g, '').trim();
        if (module) imports.push(module);
      }
    }
    if (defNode && kind && name) {
      // Several patterns may describe one node (e.g. exported and plain declarations): keep the first.
      if (seen.has(defNode.id)) continue;
      seen.add(defNode.id);
      definitions.push({ node: defNode, kind, name, scope, start: defNode.startIndex, end: defNode.endIndex });
    }
  }
  definitions.sort((a, b) => a.start - b.start || b.end - a.end);
  calls.sort((a, b) => a.start - b.start);
  return { definitions, calls, imports: [...new Set(imports)] };
}

/** The file's lines; a final newline does not start another line. */
export function sourceLines(source: string): string[] {
  const lines = source.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Nests definitions by range (a stack sweep), attributes each call to its innermost definition. Each entity
 * comes with what the unit splitter needs: its node and where its doc comment starts.
 */
function buildEntities(source: string, spec: LanguageSpec, defs: Definition[], calls: CallSite[]): UnitSource[] {
  const entities: ExtractedEntity[] = [];
  const sources: UnitSource[] = [];
  const callSets: Set<string>[] = [];
  /** Entity indices of the open definitions, innermost last, with where each ends. */
  const stack: number[] = [];
  const ends: number[] = [];
  const closeBefore = (position: number) => {
    while (stack.length && ends[stack[stack.length - 1]] <= position) stack.pop();
  };
  let c = 0;
  const flushCallsBefore = (position: number) => {
    for (; c < calls.length && calls[c].start < position; c++) {
      closeBefore(calls[c].start);
      if (stack.length) callSets[stack[stack.length - 1]].add(calls[c].name);
    }
  };
  for (const def of defs) {
    flushCallsBefore(def.start);
    closeBefore(def.start);
    // Past these bounds a definition is part of its enclosing entity: a generated file cannot cost more than
    // its size (each entity hashes its text and names its ancestors).
    if (stack.length >= MAX_ENTITY_DEPTH || entities.length >= MAX_ENTITIES_PER_FILE) continue;
    const parent = stack.length ? stack[stack.length - 1] : -1;
    const parentEntity = parent >= 0 ? entities[parent] : undefined;
    let kind = def.kind;
    if (kind === 'function' && parentEntity && TYPE_KINDS.has(parentEntity.kind)) kind = 'method';
    // An explicit scope nests inside the enclosing entity: `namespace geo { … Box<T>::area … }` → geo::Box::area.
    const scope = def.scope?.split('\u0000').join(spec.separator);
    const name = def.name.slice(0, MAX_NAME_CHARS);
    const prefix = [parentEntity?.qualifiedName, scope].filter(Boolean).join(spec.separator);
    const { startRow, docRow, doc } = leadingParts(def.node, spec);
    const entity: ExtractedEntity = {
      kind,
      name,
      qualifiedName: boundedName(prefix ? `${prefix}${spec.separator}${name}` : name),
      signature: signatureOf(source, def.node),
      doc: spec.docStyle === 'python' ? pythonDocstring(def.node) || doc : doc,
      startLine: startRow + 1,
      endLine: def.node.endPosition.row + 1,
      parent,
      calls: [],
      contentHash: hash('sha1', source.slice(def.start, def.end)).slice(0, 16),
    };
    stack.push(entities.length);
    ends.push(def.end);
    entities.push(entity);
    sources.push({ entity, startLine: docRow + 1, node: def.node });
    callSets.push(new Set());
  }
  flushCallsBefore(Infinity);
  for (let i = 0; i < entities.length; i++) entities[i].calls = [...callSets[i]];
  return sources;
}

/** A qualified name keeps its innermost part: `…b.c.d` (the outer names are the parent's). */
function boundedName(qualified: string): string {
  return qualified.length > MAX_QUALIFIED_CHARS ? `…${qualified.slice(-(MAX_QUALIFIED_CHARS - 1))}` : qualified;
}

/**
 * The entity's first line includes decorators and attributes written before it; its documentation is the
 * block of comments directly above those.
 */
function leadingParts(node: Node, spec: LanguageSpec): { startRow: number; docRow: number; doc: string } {
  let outer = node;
  while (outer.parent && spec.wrappers.has(outer.parent.type)) outer = outer.parent;
  let first = outer;
  let sibling = outer.previousNamedSibling;
  while (sibling && spec.attachments.has(sibling.type)) {
    first = sibling;
    sibling = sibling.previousNamedSibling;
  }
  const comments: Node[] = [];
  let row = first.startPosition.row;
  while (sibling && spec.comments.has(sibling.type) && sibling.endPosition.row >= row - 1) {
    comments.push(sibling);
    row = sibling.startPosition.row;
    sibling = sibling.previousNamedSibling;
  }
  // A comment that ends a line of code (`x = 1  # note`) documents that line, not the next definition.
  if (comments.length && sibling && sibling.endPosition.row === row) comments.pop();
  const startRow = first.startPosition.row;
  if (!comments.length) return { startRow, docRow: startRow, doc: '' };
  const top = comments[comments.length - 1];
  return { startRow, docRow: top.startPosition.row, doc: cleanComment(comments.reverse().map((c) => c.text).join('\n')) };
}

function pythonDocstring(node: Node): string {
  const first = node.childForFieldName('body')?.firstNamedChild;
  if (first?.type !== 'expression_statement') return '';
  const literal = first.firstNamedChild;
  return literal?.type === 'string' ? cleanDocstring(literal.text) : '';
}

/** The declaration up to its body, whitespace collapsed: `def get(self, key: str) -> int:`. */
function signatureOf(source: string, node: Node): string {
  const body = node.childForFieldName('body') ??
    (node.childForFieldName('value') ?? node.childForFieldName('right'))?.childForFieldName('body');
  // `const f = () => …`: the declarator starts at `f`, the signature at `const`.
  let start = node.type === 'variable_declarator' && node.parent ? node.parent.startIndex : node.startIndex;
  // Decorators inside the node (`@dec class X`) are not part of the signature.
  for (let child = node.firstNamedChild; child?.type === 'decorator'; child = child.nextNamedSibling) {
    start = child.nextNamedSibling?.startIndex ?? start;
  }
  let end = body && body.startIndex > start ? body.startIndex : node.endIndex;
  const newline = source.indexOf('\n', start);
  if (!body && newline !== -1 && newline < end) end = newline;
  const text = source.slice(start, Math.min(end, start + MAX_SIGNATURE_CHARS * 4));
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_SIGNATURE_CHARS);
}
