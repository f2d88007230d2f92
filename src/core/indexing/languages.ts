import * as path from 'node:path';
import type { LanguageId } from '../types';

/**
 * What the extractor needs to know about a language beyond its query file.
 * Node type names come from the tree-sitter grammars shipped in tree-sitter-wasms 0.1.13.
 */
export interface LanguageSpec {
  id: LanguageId;
  extensions: readonly string[];
  /** File name inside tree-sitter-wasms/out. */
  grammar: string;
  /** Files inside src/core/indexing/queries, concatenated: TSX is TypeScript's query plus the JSX one. */
  queries: readonly string[];
  /** Joins a parent's name to a child's in qualified names. */
  separator: '.' | '::';
  /** Python keeps documentation in a string at the top of the body; others in comments before the definition. */
  docStyle: 'python' | 'comment';
  /** Node types that wrap a definition without being a scope (export, decorators, declarations). */
  wrappers: ReadonlySet<string>;
  /** Sibling node types placed before a definition that belong to it (decorators, attributes). */
  attachments: ReadonlySet<string>;
  comments: ReadonlySet<string>;
}

const C_COMMENTS = new Set(['comment']);

const SPECS: readonly LanguageSpec[] = [
  {
    id: 'python', extensions: ['.py', '.pyi'], grammar: 'tree-sitter-python.wasm', queries: ['python.scm'],
    separator: '.', docStyle: 'python',
    wrappers: new Set(['decorated_definition']), attachments: new Set(), comments: C_COMMENTS,
  },
  {
    id: 'javascript', extensions: ['.js', '.jsx', '.mjs', '.cjs'], grammar: 'tree-sitter-javascript.wasm',
    queries: ['javascript.scm', 'ecmascript.scm', 'jsx.scm'], separator: '.', docStyle: 'comment',
    wrappers: new Set(['export_statement', 'lexical_declaration', 'variable_declaration', 'expression_statement']),
    attachments: new Set(['decorator']), comments: C_COMMENTS,
  },
  {
    id: 'typescript', extensions: ['.ts', '.mts', '.cts'], grammar: 'tree-sitter-typescript.wasm',
    queries: ['typescript.scm', 'ecmascript.scm'], separator: '.', docStyle: 'comment',
    wrappers: new Set([
      'export_statement', 'lexical_declaration', 'variable_declaration', 'ambient_declaration', 'expression_statement',
    ]),
    attachments: new Set(['decorator', 'method_signature']), comments: C_COMMENTS,
  },
  {
    id: 'tsx', extensions: ['.tsx'], grammar: 'tree-sitter-tsx.wasm', queries: ['typescript.scm', 'ecmascript.scm', 'jsx.scm'],
    separator: '.', docStyle: 'comment',
    wrappers: new Set([
      'export_statement', 'lexical_declaration', 'variable_declaration', 'ambient_declaration', 'expression_statement',
    ]),
    attachments: new Set(['decorator', 'method_signature']), comments: C_COMMENTS,
  },
  {
    id: 'java', extensions: ['.java'], grammar: 'tree-sitter-java.wasm', queries: ['java.scm'],
    separator: '.', docStyle: 'comment',
    wrappers: new Set(), attachments: new Set(), comments: new Set(['block_comment', 'line_comment']),
  },
  {
    id: 'c', extensions: ['.c', '.h'], grammar: 'tree-sitter-c.wasm', queries: ['c.scm'],
    separator: '::', docStyle: 'comment',
    wrappers: new Set(['declaration', 'field_declaration', 'type_definition']), attachments: new Set(),
    comments: C_COMMENTS,
  },
  {
    id: 'cpp', extensions: ['.cc', '.cpp', '.cxx', '.c++', '.hh', '.hpp', '.hxx', '.h++', '.ipp'],
    grammar: 'tree-sitter-cpp.wasm', queries: ['cpp.scm'], separator: '::', docStyle: 'comment',
    wrappers: new Set(['template_declaration', 'declaration', 'field_declaration', 'type_definition']),
    attachments: new Set(), comments: C_COMMENTS,
  },
  {
    id: 'go', extensions: ['.go'], grammar: 'tree-sitter-go.wasm', queries: ['go.scm'],
    separator: '.', docStyle: 'comment',
    // No wrappers: go.scm captures a lone type_spec's whole type_declaration, and a grouped one alone.
    wrappers: new Set(), attachments: new Set(), comments: C_COMMENTS,
  },
  {
    id: 'rust', extensions: ['.rs'], grammar: 'tree-sitter-rust.wasm', queries: ['rust.scm'],
    separator: '::', docStyle: 'comment',
    wrappers: new Set(), attachments: new Set(['attribute_item']),
    comments: new Set(['line_comment', 'block_comment']),
  },
  {
    id: 'ruby', extensions: ['.rb', '.rake'], grammar: 'tree-sitter-ruby.wasm', queries: ['ruby.scm'],
    separator: '::', docStyle: 'comment',
    wrappers: new Set(), attachments: new Set(), comments: C_COMMENTS,
  },
  {
    id: 'php', extensions: ['.php'], grammar: 'tree-sitter-php.wasm', queries: ['php.scm'],
    separator: '::', docStyle: 'comment',
    wrappers: new Set(), attachments: new Set(['attribute_list']), comments: C_COMMENTS,
  },
  {
    id: 'csharp', extensions: ['.cs'], grammar: 'tree-sitter-c_sharp.wasm', queries: ['c_sharp.scm'],
    separator: '.', docStyle: 'comment',
    wrappers: new Set(), attachments: new Set(), comments: C_COMMENTS,
  },
];

const BY_EXTENSION = new Map<string, LanguageSpec>();
for (const spec of SPECS) for (const ext of spec.extensions) BY_EXTENSION.set(ext, spec);
const BY_ID = new Map<LanguageId, LanguageSpec>(SPECS.map((s) => [s.id, s]));

export const LANGUAGES: readonly LanguageSpec[] = SPECS;

/** The language of a file, judged by its extension; undefined for files we do not index. */
export function languageForPath(filePath: string): LanguageSpec | undefined {
  return BY_EXTENSION.get(path.extname(filePath).toLowerCase());
}

export function languageById(id: LanguageId): LanguageSpec {
  const spec = BY_ID.get(id);
  if (!spec) throw new Error(`unknown language: ${id}`);
  return spec;
}
