import { isSearchable } from './stopwords';

/**
 * Identifier splitting shared by indexing and querying, so `user by id` meets `getUserById`,
 * `get_user_by_id` and `GetUserByID` on the same words.
 */

const TOKEN = /[\p{L}\p{N}_$]+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const PLAIN_WORD = /^[a-z]+$/;
// Boundaries: lower→Upper (getUser), ACRONYM→Word (HTTPResponse), letter↔digit (utf8Decode).
const CAMEL_BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/** `getUserById` → [get, user, by, id]; `HTTPResponse` → [http, response]; `__init__` → [init]. */
export function splitIdentifier(identifier: string): string[] {
  const words: string[] = [];
  for (const piece of identifier.split(/[_$]+/)) {
    if (!piece) continue;
    for (const word of piece.split(CAMEL_BOUNDARY)) if (word) words.push(word.toLowerCase());
  }
  return words;
}

/** Expansions of recent tokens: a file's identifiers repeat, and splitting is the costly part of indexing text. */
const expansions = new Map<string, string>();
const EXPANSION_CACHE_SIZE = 20_000;

/**
 * A token as indexed: lowercased, followed by its words when it has several (`getUser` → `getuser get user`);
 * words no query searches for (isSearchable) are left out.
 */
function expand(token: string): string {
  // Most tokens are one lowercase word already (`value`, `return`, comment words): nothing to split or cache.
  if (PLAIN_WORD.test(token)) return plainWord(token);
  let out = expansions.get(token);
  if (out === undefined) {
    const lower = token.toLowerCase();
    const parts = splitIdentifier(token);
    const words = parts.length > 1 || (parts.length === 1 && parts[0] !== lower) ? [lower, ...parts] : [lower];
    out = words.filter(isSearchable).join(' ');
    if (expansions.size >= EXPANSION_CACHE_SIZE) expansions.clear();
    expansions.set(token, out);
  }
  return out;
}

/**
 * Text for the full-text index: every token as written (lowercased) followed by its parts when it has
 * several, so both the whole identifier and its words are searchable.
 */
export function indexableText(text: string): string {
  return NON_ASCII.test(text) ? unicodeIndexableText(text) : asciiIndexableText(text);
}

function unicodeIndexableText(text: string): string {
  const tokens = text.match(TOKEN);
  if (!tokens) return '';
  let kept = 0;
  for (const token of tokens) {
    const words = expand(token);
    if (words) tokens[kept++] = words;
  }
  tokens.length = kept;
  return tokens.join(' ');
}

const isLower = (c: number) => c >= 97 && c <= 122;
const isTokenChar = (c: number) => isLower(c) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;

/**
 * The same for ASCII text (most code), a quarter faster: one pass over the characters that cuts tokens and
 * recognises a plain lowercase word on the way, which needs no splitting.
 */
function asciiIndexableText(text: string): string {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isTokenChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let plain = isLower(c);
    while (++i < n) {
      c = text.charCodeAt(i);
      if (!isTokenChar(c)) break;
      if (plain && !isLower(c)) plain = false;
    }
    const words = plain ? plainWord(text.slice(start, i)) : expand(text.slice(start, i));
    if (words) out.push(words);
  }
  return out.join(' ');
}

const plainWord = (word: string) => (isSearchable(word) ? word : '');

/** Words of a path: `src/core/userStore.ts` → src core user store ts. */
export function pathWords(relativePath: string): string {
  return indexableText(relativePath.replace(/[\\/.\-]+/g, ' '));
}
