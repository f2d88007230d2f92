/**
 * What a file is for, judged by its path in the conventions of our languages: product code, or tests,
 * examples, benchmarks and fixtures — code that mentions everything the product does and answers few questions.
 */
export type PathKind = 'product' | 'test' | 'example' | 'bench' | 'fixture';

const RULES: readonly [Exclude<PathKind, 'product'>, RegExp][] = [
  ['fixture', /(^|\/)(fixtures?|testdata|test_data|__mocks__|mocks?|stubs?|__snapshots__)\//i],
  ['test', new RegExp([
    '(^|/)(tests?|__tests__|testing|specs?|e2e|integration[_-]tests?|src/test)/',
    '(^|/)(test_[^/]*|[^/]*_test|conftest)\\.py$', '_test\\.go$', '\\.(test|spec)\\.[cm]?[jt]sx?$', '_spec\\.rb$',
    '(Test|Tests|IT|TestCase)\\.(java|php|cs)$', '(^|/)Test[A-Z][^/]*\\.(java|php|cs)$',
  ].join('|'))],
  ['bench', /(^|\/)(bench|benches|benchmarks?)\/|_bench\.(go|rs)$|\.bench\.[cm]?[jt]sx?$/i],
  ['example', /(^|\/)(examples?|samples?|demos?|docs?)\//i],
];

export function pathKind(path: string): PathKind {
  for (const [kind, rule] of RULES) if (rule.test(path)) return kind;
  return 'product';
}

/** Words that ask for a kind of file: a question that says "test" wants tests. */
const INTENT: Readonly<Record<Exclude<PathKind, 'product'>, RegExp>> = {
  test: /\b(tests?|testing|tested|unit ?tests?|specs?|e2e|assert(ion)?s?|coverage)\b/i,
  fixture: /\b(fixtures?|mocks?|mocking|stubs?|testdata)\b/i,
  bench: /\b(bench|benches|benchmarks?|benchmarking)\b/i,
  example: /\b(examples?|samples?|demos?)\b/i,
};

/** The kinds of file a question asks about besides product code. */
export function askedKinds(question: string): Set<PathKind> {
  const kinds = new Set<PathKind>(['product']);
  for (const [kind, words] of Object.entries(INTENT)) if (words.test(question)) kinds.add(kind as PathKind);
  // Fixtures serve tests: a question about tests may well be answered by one.
  if (kinds.has('test')) kinds.add('fixture');
  return kinds;
}
