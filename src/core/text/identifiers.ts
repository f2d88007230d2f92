/**
 * Identifier splitting shared by indexing and querying, so `user by id` meets `getUserById`,
 * `get_user_by_id` and `GetUserByID` on the same words.
 */

const TOKEN = /[\p{L}\p{N}_$]+/gu;
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

/**
 * Text for the full-text index: every token as written (lowercased) followed by its parts when it has
 * several, so both the whole identifier and its words are searchable.
 */
export function indexableText(text: string): string {
  const out: string[] = [];
  for (const token of text.match(TOKEN) ?? []) {
    const lower = token.toLowerCase();
    out.push(lower);
    const parts = splitIdentifier(token);
    if (parts.length > 1 || (parts.length === 1 && parts[0] !== lower)) out.push(...parts);
  }
  return out.join(' ');
}

/** Words of a path: `src/core/userStore.ts` → src core user store ts. */
export function pathWords(relativePath: string): string {
  return indexableText(relativePath.replace(/[\\/.\-]+/g, ' '));
}

/** Lowercased, split, deduplicated query words, in order. */
export function queryWords(query: string): string[] {
  const words: string[] = [];
  for (const token of query.match(TOKEN) ?? []) words.push(...splitIdentifier(token));
  return [...new Set(words)];
}
