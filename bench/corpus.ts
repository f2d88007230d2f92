import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * The benchmark corpus: real code that every machine of ours has offline, copied into one workspace-like
 * tree (bench/.cache/corpus) so the indexer sees ordinary folders. Built once, then reused.
 */
interface Source {
  name: string;
  root: string;
  include: RegExp;
  /** Path fragments to leave out (relative, '/' separators). */
  skip: RegExp;
  /** Stop after this many bytes (files taken in path order). */
  maxBytes: number;
}

const MAX_FILE_BYTES = 1024 * 1024;

function sources(repoRoot: string): Source[] {
  const stdlib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  const modules = path.join(repoRoot, 'node_modules');
  return [
    { name: 'python-stdlib', root: stdlib, include: /\.py$/, skip: /(^|\/)(site-packages|__pycache__)(\/|$)/, maxBytes: Infinity },
    // Third-party Python from the machine image's site-packages: pushes the index past 100k entities.
    ...['pip', 'setuptools', '_pytest', 'IPython', 'numpy'].map((pkg) => ({
      name: `python-packages/${pkg}`, root: path.join(stdlib, 'site-packages', pkg), include: /\.py$/,
      skip: /(^|\/)__pycache__(\/|$)/, maxBytes: Infinity,
    })),
    { name: 'typescript-dts', root: modules, include: /\.d\.ts$/, skip: /(^|\/)\.bin(\/|$)/, maxBytes: Infinity },
    { name: 'javascript', root: modules, include: /\.(js|cjs|mjs)$/, skip: /(^|\/)(\.bin|esbuild|typescript)(\/|$)|\.min\.js$/, maxBytes: Infinity },
    { name: 'c-headers', root: '/usr/include', include: /\.h$/, skip: /^c\+\+\//, maxBytes: 6 * 1024 * 1024 },
    { name: 'cpp', root: path.join(modules, 'better-sqlite3'), include: /\.(cpp|hpp|cc)$/, skip: /(^|\/)build(\/|$)/, maxBytes: Infinity },
  ];
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) stack.push(child);
      else if (e.isFile()) out.push(child);
    }
  }
  return out.sort();
}

/** Builds the corpus if missing; returns its root. */
export function ensureCorpus(repoRoot: string): string {
  const corpus = path.join(repoRoot, 'bench', '.cache', 'corpus');
  const done = path.join(corpus, '.complete');
  const list = sources(repoRoot);
  // The marker names the sources it was built from: changing the list rebuilds the corpus.
  const signature = JSON.stringify(list.map((s) => [s.name, s.root, String(s.include), String(s.skip), s.maxBytes]));
  if (fs.existsSync(done) && fs.readFileSync(done, 'utf8') === signature) return corpus;
  fs.rmSync(corpus, { recursive: true, force: true });
  for (const source of list) {
    let bytes = 0;
    for (const rel of listFiles(source.root)) {
      if (!source.include.test(rel) || source.skip.test(rel)) continue;
      const from = path.join(source.root, rel);
      const size = fs.statSync(from).size;
      if (size > MAX_FILE_BYTES) continue;
      if (bytes + size > source.maxBytes) break;
      bytes += size;
      // Folder names the walker excludes by default (node_modules, dist, build, lib/out...) are flattened.
      const target = path.join(corpus, source.name, rel.replace(/(^|\/)(node_modules|dist|build|out|target|vendor)(?=\/)/g, '$1_$2'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(from, target);
    }
  }
  fs.writeFileSync(done, signature);
  return corpus;
}
