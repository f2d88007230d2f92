// Bundles the extension, the CLI and the parse worker into dist/ (CommonJS, Node target) and copies the
// runtime assets they load: web-tree-sitter's own wasm, the grammars and the query files.
// `node esbuild.js --assets-only DIR` copies just the query files into DIR/queries (for compiled tests).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const QUERIES_DIR = path.join(__dirname, 'src', 'core', 'indexing', 'queries');

function copyQueries(targetDir) {
  fs.mkdirSync(path.join(targetDir, 'queries'), { recursive: true });
  for (const file of fs.readdirSync(QUERIES_DIR)) {
    fs.copyFileSync(path.join(QUERIES_DIR, file), path.join(targetDir, 'queries', file));
  }
}

/** Only the grammars named in languages.ts are shipped: the package holds 36. */
function usedGrammars() {
  const source = fs.readFileSync(path.join(__dirname, 'src', 'core', 'indexing', 'languages.ts'), 'utf8');
  return [...new Set([...source.matchAll(/grammar: '([^']+\.wasm)'/g)].map((m) => m[1]))];
}

function copyRuntimeAssets(dist) {
  const grammarsFrom = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
  fs.mkdirSync(path.join(dist, 'grammars'), { recursive: true });
  for (const file of usedGrammars()) fs.copyFileSync(path.join(grammarsFrom, file), path.join(dist, 'grammars', file));
  fs.copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(dist, 'tree-sitter.wasm'));
  copyQueries(dist);
}

/**
 * Bundles web-tree-sitter's CommonJS build: the ESM one relies on import.meta.url, which a CommonJS bundle
 * empties (Parser.init then throws at run time). Exact match only: subpaths resolve as usual.
 */
const webTreeSitterCommonJs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

/**
 * jsonc-parser's `main` is a UMD build whose require calls esbuild cannot follow ("Cannot find module
 * './impl/format'" at run time); its ESM build bundles cleanly.
 */
const jsoncParserEsm = {
  name: 'jsonc-parser-esm',
  setup(build) {
    build.onResolve({ filter: /^jsonc-parser$/ }, () => ({ path: path.join(path.dirname(require.resolve('jsonc-parser/package.json')), 'lib', 'esm', 'main.js') }));
  },
};

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--assets-only') {
    copyQueries(args[1]);
    return;
  }
  const dist = path.join(__dirname, 'dist');
  const common = {
    outdir: dist,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    plugins: [webTreeSitterCommonJs, jsoncParserEsm],
    logLevel: 'warning',
  };
  // The two asset lookups are the unbundled fallbacks of assets.ts: the bundle finds its copies in dist/ first.
  const assetFallbacks = ['tree-sitter-wasms/package.json', 'web-tree-sitter/tree-sitter.wasm'];
  await esbuild.build({
    ...common,
    entryPoints: { cli: 'src/cli/main.ts', parseWorker: 'src/core/indexing/parseWorker.ts' },
    // The CLI runs on the Node that built node_modules: better-sqlite3 finds its addon there, which it
    // cannot do from inside a bundle.
    external: ['better-sqlite3', ...assetFallbacks],
  });
  // The package uses node:sqlite (built into VS Code's runtime) and carries no better-sqlite3: a development
  // folder, whose node_modules has it, can still choose it (codeMemory.sqliteDriver, see sqliteDriver.ts).
  await esbuild.build({
    ...common,
    entryPoints: { extension: 'src/extension.ts', pageCheckWorker: 'src/core/store/pageCheckWorker.ts' },
    external: ['vscode', 'better-sqlite3', ...assetFallbacks],
  });
  // The dashboard's webview script: for the browser, Chart.js and the VS Code elements bundled in.
  await esbuild.build({
    entryPoints: { dashboard: 'media/dashboard/dashboard.js' },
    outdir: dist,
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(__dirname, 'media', 'dashboard', 'dashboard.css'), path.join(dist, 'dashboard.css'));
  copyRuntimeAssets(dist);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
