import { SECRET_NAME, SECRET_RULES } from './secretRules';

/**
 * Removes credentials from text before it is stored or sent to a model: errors and notes pasted by a user
 * often carry tokens. Known formats go first (secretRules.ts), then values assigned to a credential's name
 * (`password = "…"`), then any assignment of a random-looking value (the high-entropy fallback). What is
 * replaced keeps a hint of its kind so the text still reads naturally.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const { pattern, label, keep } of SECRET_RULES) {
    out = out.replace(pattern, (...match: unknown[]) => `${kept(match, keep ?? 0)}[redacted ${label}]`);
  }
  out = out.replace(NAMED_VALUE, (whole, lead: string, name: string, quote?: string, quoted?: string, bare?: string) => {
    if (NOT_A_SECRET_NAME.test(name)) return whole;
    if (quote !== undefined) return quoted && !sameWord(quoted, name) ? `${lead}${quote}[redacted]${quote}` : whole;
    return bare && !looksLikeCode(bare) ? `${lead}[redacted]` : whole;
  });
  return out.replace(ASSIGNMENT, (whole, lead: string, name: string, quote: string, value: string, after: string) =>
    isRandom(value, name, quote !== '', after) ? `${lead}${quote}[redacted]` : whole);
}

/**
 * A copy of a JSON-like value with every string redacted and every value stored under a credential's name
 * (`{"db_password": "hunter2"}`) replaced: done before serialising, so escaping cannot hide a secret.
 */
export function redactValues<T>(value: T): T {
  return redactValue(value, false) as T;
}

function redactValue(value: unknown, secretName: boolean): unknown {
  if (typeof value === 'string') return secretName && value ? '[redacted]' : redactSecrets(value);
  if (typeof value === 'number' || typeof value === 'bigint') return secretName ? '[redacted]' : value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secretName));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, SECRET_NAME.test(key))]));
  }
  return value;
}

function kept(match: unknown[], groups: number): string {
  let text = '';
  for (let i = 1; i <= groups; i++) text += (match[i] as string | undefined) ?? '';
  return text;
}

/**
 * `db_password: "…"`, `API_KEY=…`, `"clientSecret": "…"`, `password := …`: a quoted value up to its closing
 * quote, or a bare one up to white space or an escaped line break (`\n` inside JSON text must not carry the next
 * label into the redaction). Comparisons (`password == …`) are not assignments.
 */
const NAMED_VALUE = new RegExp(
  String.raw`((${SECRET_NAME.source}[\w-]{0,12})\\?["']?[?!]?\s*(?<![=!<>])(?::=|=>|[:=](?!=))\s*)` +
    String.raw`(?:(\\?["'])((?:(?!\3)[^\n])*)(?:\3|(?=\n|$))|(?!\[redacted)(?=[\w$])((?:[^\s"'\\]|\\(?![nrt"']))+))`,
  'gi',
);

/** `NAME=value`, `name: "value"`, `"name": "value"`: the candidates of the high-entropy fallback. */
const ASSIGNMENT = /((?:^|[\s{,;(])\\?["']?([A-Za-z_][\w.-]{1,60})\\?["']?\s*(?:=>|=|:(?!\/\/))\s*)(\\?["']?)([A-Za-z0-9+/=_.~-]{16,200})(?=\3($|[\s,;})\\]))/gm;

/** Type names, literals and keywords: what follows `password:` in code that declares, not holds, a secret. */
const CODE_WORDS = new Set(['string', 'str', 'number', 'int', 'bool', 'boolean', 'bytes', 'object', 'any', 'unknown',
  'char', 'null', 'none', 'nil', 'undefined', 'true', 'false', 'secretstr', 'void', 'new', 'await', 'async',
  'function', 'lambda', 'typeof', 'yield']);

/** `credentialName`, `passwordField`, `tokenType`: names of something about a secret, not of the secret. */
const NOT_A_SECRET_NAME = /(?:name|type|field|label|header|id|prompt|length|policy|pattern|regex|env|var|path|file|url|provider|source|kind|mode|format|hint|placeholder|message|error|count|size)s?$/i;

/** `PASSWORD: "password"`: an enum's member or a label, named after itself. */
function sameWord(value: string, name: string): boolean {
  const plain = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  return plain(value) === plain(name);
}

/**
 * A bare value that is code reading a secret, not one: a statement or member (`= defaultToken;`,
 * `token: refreshToken,`), a dotted name, call or generic type (`req.body.password`, `getpass()`, `Optional[str]`).
 */
function looksLikeCode(value: string): boolean {
  if (/[;,]$/.test(value)) return true;
  const word = value.replace(/[):{]+$/, '');
  if (CODE_WORDS.has(word.toLowerCase())) return true;
  return /^[A-Za-z_$][\w$.]*(?:[([<].*)?$/.test(word) && /[.([<]/.test(word);
}

/** Average length of a value's identifier words (`getOwnPropertyNames`: 4.8; a random key: about 2). */
function wordLength(value: string): number {
  const words = value.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  return words.reduce((sum, word) => sum + word.length, 0) / Math.max(1, words.length);
}

/** Bits per character above which a value is taken for a generated secret, by what its name says. */
const ENTROPY_NAMED_BITS = 3.0;
const ENTROPY_ENV_BITS = 3.5;
const ENTROPY_ANY_BITS = 4.2;
/** Values made of words this long on average are names and prose (a random key averages about 2). */
const WORDLIKE_LENGTH = 4;
/** Without a secret's name, shorter values are mostly versions, algorithm names and ids. */
const UNNAMED_MIN_CHARS = 20;
const SECRETISH_NAME = /key|secret|token|pass|pwd|auth|cred|private|salt|signature|session|cookie|dsn/i;

function isRandom(value: string, name: string, quoted: boolean, after: string): boolean {
  // Unquoted and followed by `,` or `;`: a statement or a member in code, not a setting.
  if (!quoted && (/[,;]/.test(after) || looksLikeCode(value))) return false;
  if (wordLength(value) >= WORDLIKE_LENGTH || /^\/[\w.-]*\/[\w./-]*$/.test(value)) return false;
  const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/\d/.test(value));
  if (classes < 2 || /^\d+(?:\.\d+)*$/.test(value)) return false;
  const named = SECRETISH_NAME.test(name);
  // Hex strings are mostly hashes and commit ids: a secret only under a secret's name.
  if (!named && (/^[0-9a-f]+$/i.test(value) || value.length < UNNAMED_MIN_CHARS)) return false;
  const bits = named ? ENTROPY_NAMED_BITS : /^[A-Z][A-Z0-9_]*$/.test(name) ? ENTROPY_ENV_BITS : ENTROPY_ANY_BITS;
  return shannonEntropy(value) >= bits;
}

/** Shannon entropy of the characters of `text`, in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
