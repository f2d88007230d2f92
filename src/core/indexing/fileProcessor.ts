import * as fs from 'node:fs';
import { hash } from 'node:crypto';
import type { FileExtraction } from '../types';
import { unitSearchTexts, type UnitSearchText } from '../search/searchText';
import type { LanguageSpec } from './languages';
import { type SourceParser, sourceLines } from './parser';
import type { FailReason, SkipReason } from './walker';

/** Git's test for binary content: a NUL byte in the first 8000 bytes. */
const BINARY_PROBE_BYTES = 8000;
/** Minified or bundled code: lines this long on average, or one line this long, are not hand-written. */
const MINIFIED_AVERAGE_LINE_CHARS = 300;
const MINIFIED_LONGEST_LINE_CHARS = 10_000;
const MINIFIED_MIN_BYTES = 4096;
/** Generator markers are looked for in the first lines only. */
const GENERATED_HEADER_LINES = 5;
// Conventions of generators (Go's `Code generated … DO NOT EDIT.`, Facebook's @generated, protoc, ...).
const GENERATED_MARKER = /@generated\b|\bdo not edit\b|\bauto-?generated\b|^\W*code generated\b/im;

/**
 * `skipped`: the file is not source we index (stored rows go). `failed`: it could not be processed this time
 * (stored rows stay, the next run tries again).
 */
export type FileOutcome =
  | { status: 'parsed'; hash: string; size: number; extraction: FileExtraction; searchTexts: UnitSearchText[] }
  | { status: 'unchanged'; hash: string; size: number }
  | { status: 'skipped'; reason: SkipReason; detail?: string }
  | { status: 'failed'; reason: FailReason; detail?: string };

/**
 * Reads, classifies, hashes and extracts one file into entities and units of at most `maxUnitLines`.
 * `knownHash` is the stored hash: equal content is not parsed again. Never throws: bad content becomes a skip, trouble reading or parsing a failure.
 */
export async function processFile(
  parser: SourceParser,
  absolutePath: string,
  spec: LanguageSpec,
  maxFileBytes: number,
  maxUnitLines: number,
  knownHash?: string,
): Promise<FileOutcome> {
  let bytes: Buffer;
  try {
    // Checked before reading: a file that grew to gigabytes since the walk must not be loaded.
    const { size } = fs.statSync(absolutePath);
    if (size > maxFileBytes) return { status: 'skipped', reason: 'too-large', detail: `${size} bytes` };
    bytes = fs.readFileSync(absolutePath);
  } catch (error) {
    return { status: 'failed', reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code };
  }
  if (bytes.length > maxFileBytes) return { status: 'skipped', reason: 'too-large', detail: `${bytes.length} bytes` };
  const contentHash = hash('sha1', bytes);
  if (contentHash === knownHash) return { status: 'unchanged', hash: contentHash, size: bytes.length };
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { status: 'skipped', reason: 'binary' };
  // Invalid UTF-8 becomes U+FFFD: the rest of the file still indexes.
  const source = bytes.toString('utf8');
  const shape = classifyText(source);
  if (shape) return { status: 'skipped', reason: shape };
  try {
    const extraction = await parser.extract(source, spec, maxUnitLines);
    const searchTexts = unitSearchTexts(extraction.units, extraction.entities, sourceLines(source));
    return { status: 'parsed', hash: contentHash, size: bytes.length, extraction, searchTexts };
  } catch (error) {
    return { status: 'failed', reason: 'parse-failed', detail: (error as Error).message };
  }
}

export function classifyText(source: string): 'minified' | 'generated' | undefined {
  let lines = 0;
  let longest = 0;
  let start = 0;
  let header = '';
  while (start <= source.length) {
    let end = source.indexOf('\n', start);
    if (end === -1) end = source.length;
    longest = Math.max(longest, end - start);
    if (lines < GENERATED_HEADER_LINES) header += source.slice(start, Math.min(end, start + 200)) + '\n';
    lines++;
    start = end + 1;
  }
  if (GENERATED_MARKER.test(header)) return 'generated';
  if (source.length >= MINIFIED_MIN_BYTES &&
      (longest > MINIFIED_LONGEST_LINE_CHARS || source.length / lines > MINIFIED_AVERAGE_LINE_CHARS)) {
    return 'minified';
  }
  return undefined;
}
