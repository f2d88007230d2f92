import { splitIdentifier } from '../text/identifiers';
import { isSearchable } from '../text/stopwords';
import { askedKinds, type PathKind } from './pathKind';

/** A word the search looks for, and how much it says about where the answer is. */
export interface QueryTerm {
  /** Lowercased, as the index stores it (FTS5 stems it the same way on both sides). */
  word: string;
  /** 1 for an ordinary word; less for words that describe a change rather than a place. */
  weight: number;
}

export interface AnalyzedQuery {
  terms: QueryTerm[];
  /** Path and scope hints: a conventional-commit scope (`fix(router):`), a `pkg:` prefix, a path written out. */
  pathHints: string[];
  /** Kinds of file the question asks about: product code always; tests, examples… when it names them. */
  kinds: ReadonlySet<PathKind>;
}

const TOKEN = /[\p{L}\p{N}_$]+/gu;
/** At most this many terms are searched: the rarest are kept (a pasted paragraph must not become 100 lookups). */
export const MAX_TERMS = 16;
/** Words of a question looked up at all, in its order. */
const MAX_QUESTION_WORDS = 48;

/**
 * Words of commit messages and bug reports that describe the change or the reporter's situation, not where
 * the code is ("Fix crash when …", "Add support for …"). Kept, at a low weight: `add`, `use` or `update` can
 * also be the name of the very function asked about.
 */
const CHANGE_WORDS = new Set(`
fix fixes fixed fixing bug bugs issue issues problem problems closes close closed resolve resolves resolved
add adds added adding remove removes removed removing update updates updated updating change changes changed
changing improve improves improved improvement refactor refactored refactoring cleanup clean tweak tweaks
support supports supported allow allows allowed make makes made ensure ensures use uses used using
correct correctly incorrect incorrectly properly proper wrong broken break breaks work works working
handle handles handled better new old minor small simple simplify unnecessary unused missing
feat feature features perf chore revert introduce introduced implement implemented implementation
should want need needs needed possible instead case cases way ways thing things like
`.split(/\s+/).filter(Boolean));
export const QUERY = {
  changeWeight: 0.3,
  /** An identifier written out whole (`getUserById`, `max_age`) is the strongest clue there is. */
  identifierWeight: 1,
};

/** `fix(router):`, `feat(helper/cookie)!:` */
const CONVENTIONAL_SCOPE = /^\s*\w+\(([^)]+)\)!?:/;
/** `compiler-sfc: …`, `globset: …` — a package or module named before a colon at the start (not `Error: …`). */
const PREFIX_SCOPE = /^\s*([a-z][\w./-]*):\s/;
/** `src/utils/url.ts`, `helper/cookie` — anything written as a path. */
const PATH_LIKE = /[\w.-]+(?:\/[\w.-]+)+/g;

/**
 * The words of a question, weighted: function words dropped, words that describe a change kept lightly,
 * identifiers both whole (`getUserById`) and in words (get user by id), and hints about where to look.
 */
export function analyzeQuery(question: string): AnalyzedQuery {
  // "doesn't", "it's": the contraction is English, not a word to search.
  const text = question.replace(/(\w)['’](t|s|re|ve|ll|d|m)\b/gi, '$1');
  const pathHints = new Set<string>();
  const scope = CONVENTIONAL_SCOPE.exec(text)?.[1] ?? PREFIX_SCOPE.exec(text)?.[1];
  for (const hint of [...(scope ? scope.split(/[,\s]+/) : []), ...(text.match(PATH_LIKE) ?? [])]) {
    for (const part of hint.toLowerCase().split(/[/.-]+/)) if (part.length > 1) pathHints.add(part);
  }
  const weights = new Map<string, number>();
  const add = (word: string, weight: number) => {
    if (!isSearchable(word)) return;
    weights.set(word, Math.max(weights.get(word) ?? 0, CHANGE_WORDS.has(word) ? Math.min(weight, QUERY.changeWeight) : weight));
  };
  for (const token of text.match(TOKEN) ?? []) {
    const parts = splitIdentifier(token);
    const whole = token.toLowerCase().replace(/^[_$]+|[_$]+$/g, '');
    // An identifier written out is the strongest clue there is: its whole form is searched too.
    if (parts.length > 1) add(whole, QUERY.identifierWeight);
    for (const part of parts) add(part, 1);
  }
  // A pasted page is not a question: its first words say what it is about, and each word costs a lookup.
  const terms = [...weights].slice(0, MAX_QUESTION_WORDS).map(([word, weight]) => ({ word, weight }));
  return { terms, pathHints: [...pathHints], kinds: askedKinds(text) };
}
