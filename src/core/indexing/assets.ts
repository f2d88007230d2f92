import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where runtime assets live. The esbuild bundle copies them next to itself (dist/grammars, dist/queries,
 * dist/tree-sitter.wasm); compiled tests and `ts` builds find grammars in node_modules and queries copied
 * beside this module. One lookup order serves both so the CLI, the extension and the tests share it.
 */
export function grammarPath(file: string): string {
  const bundled = path.join(__dirname, 'grammars', file);
  if (fs.existsSync(bundled)) return bundled;
  return path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out', file);
}

export function queryPath(file: string): string {
  return path.join(__dirname, 'queries', file);
}

/** web-tree-sitter asks for `tree-sitter.wasm`; serve it from the bundle or from the package. */
export function runtimeWasmPath(): string {
  const bundled = path.join(__dirname, 'tree-sitter.wasm');
  if (fs.existsSync(bundled)) return bundled;
  return require.resolve('web-tree-sitter/tree-sitter.wasm');
}
