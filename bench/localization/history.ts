import { execFileSync } from 'node:child_process';
import { LANGUAGES, languageForPath } from '../../src/core/indexing/languages';

/**
 * Localization questions from a repository's real history: a commit's message is the question, the lines
 * it changed (old side, in the parent tree) are what a search should point at.
 */
export interface Question {
  repo: string;
  commit: string;
  parent: string;
  /** Committer time, seconds: questions are asked in this order, so each tree follows the previous one. */
  time: number;
  text: string;
  /** Changed ranges in the parent's files, 1-based inclusive. */
  gold: { file: string; start: number; end: number }[];
}

/** What makes a commit a localization task (the rules). */
const MAX_SOURCE_FILES = 3;
const MAX_CHANGED_LINES = 60;
/** A question is the subject plus, at most, this much of the first body paragraph. */
const MAX_BODY_CHARS = 300;
/** "misc", "Solve", "optimize code": a message this short asks nothing a search could answer. */
const MIN_QUESTION_WORDS = 3;

/**
 * Test code, by the conventions of our benchmark languages. The bench's own rule, independent of how the
 * product ranks tests: gold must not move when ranking heuristics change.
 */
const TEST_PATH = new RegExp([
  '(^|/)(tests?|testing|__tests__|spec|specs|testdata|fixtures?)/',
  '(^|/)test_[^/]*\\.py$', '_test\\.(py|go)$', '\\.(test|spec)\\.[cm]?[jt]sx?$',
  '(^|/)src/test/', '(Test|Tests|IT)\\.java$', '(^|/)benches/',
].join('|'));

/** Housekeeping: nothing a user would ask about. Conventional-commit types and tell-tale words. */
const HOUSEKEEPING = new RegExp([
  '^(chore|docs?|ci|style|test|tests|build|release|deps|bump|revert)(\\(.*?\\))?!?:',
  '^(merge|revert|release|bump|prepare)\\b',
  '\\b(typos?|spelling|docs?|documentation|comments?|changelog|lint(s|er|ing)?|clippy|rustfmt|gofmt|prettier|eslint|whitespace|copyright|dependabot|docstrings?|readme)\\b',
  '\\b(reformat|formatting|format code|update dependencies|upgrade dependencies|version \\d)',
].join('|'), 'i');

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

export function isTestPath(file: string): boolean {
  return TEST_PATH.test(file);
}

interface Candidate {
  commit: string;
  parent: string;
  time: number;
  text: string;
  files: string[];
}

/**
 * Eligible commits, oldest first: one parent, 1–3 non-test source files, all modified (an added file has no
 * old side to point at), ≤ 60 lines changed in them. One `git log` limited to source paths: it never reads
 * other blobs (a snapshot may lack big binaries).
 */
function eligibleCommits(gitDir: string): Candidate[] {
  const RECORD = '\x1e';
  const sources = [...new Set(LANGUAGES.flatMap((l) => l.extensions))].map((ext) => `*${ext}`);
  const out = git(gitDir, ['log', '--no-merges', '--no-renames', '--raw', '--numstat',
    `--format=${RECORD}%H %P%x00%ct%x00%s%x00%b%x00`, 'HEAD', '--', ...sources]);
  const candidates: Candidate[] = [];
  for (const record of out.split(RECORD).slice(1)) {
    const [head, time, subject, body, stats = ''] = record.split('\0');
    const [commit, ...parents] = head.trim().split(' ');
    if (parents.length !== 1 || HOUSEKEEPING.test(subject)) continue;
    let changed = 0;
    let modifiedOnly = true;
    const files: string[] = [];
    for (const row of stats.trim().split('\n')) {
      const fields = row.split('\t');
      const file = fields[fields.length - 1];
      if (!file || !languageForPath(file) || isTestPath(file)) continue;
      if (row.startsWith(':')) {
        modifiedOnly &&= fields[0].endsWith(' M');
        files.push(file);
      } else {
        changed += fields[0] === '-' ? Infinity : Number(fields[0]) + Number(fields[1]); // '-': binary
      }
    }
    if (!modifiedOnly || files.length === 0 || files.length > MAX_SOURCE_FILES || changed > MAX_CHANGED_LINES) continue;
    const text = questionText(subject, body);
    if (text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length < MIN_QUESTION_WORDS) continue;
    candidates.push({ commit, parent: parents[0], time: Number(time), text, files });
  }
  return candidates.reverse();
}

/** The question a user would have asked: subject, then a short first paragraph; references and trailers go. */
function questionText(subject: string, body: string): string {
  const paragraph = body.split(/\n\s*\n/).map((p) => p.trim())
    .find((p) => p && !/^(signed-off-by|co-authored-by|fixes|closes|resolves|refs?|see)\b/i.test(p) && !/^[-*]\s/.test(p)) ?? '';
  const clean = (text: string) => text.replace(/\(#\d+\)|#\d+|https?:\/\/\S+/g, ' ').replace(/\s+/g, ' ').trim();
  const extra = clean(paragraph);
  return [clean(subject), extra.length > MAX_BODY_CHARS ? `${extra.slice(0, MAX_BODY_CHARS).replace(/\s\S*$/, '')}…` : extra]
    .filter(Boolean).join('. ');
}

/** Old-side ranges of a file's change; a pure insertion after line n counts as lines n and n + 1. */
function changedRanges(gitDir: string, parent: string, commit: string, file: string): { start: number; end: number }[] {
  const diff = git(gitDir, ['diff', '-U0', '--no-renames', parent, commit, '--', file]);
  const ranges: { start: number; end: number }[] = [];
  for (const match of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/gm)) {
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    ranges.push(count > 0 ? { start, end: start + count - 1 } : { start: Math.max(1, start), end: start + 1 });
  }
  return ranges;
}

/**
 * `count` questions spread evenly over the repository's eligible history, oldest first. `offset` (0–1) shifts
 * where in each stretch of history the commit is taken: 0.5 is the sample ranking was tuned on, any other value
 * a held-out sample.
 */
export function selectQuestions(repo: string, gitDir: string, count: number, offset = 0.5): { questions: Question[]; eligible: number } {
  const eligible = eligibleCommits(gitDir);
  const step = eligible.length / Math.min(count, eligible.length);
  const picked = Array.from({ length: Math.min(count, eligible.length) }, (_, i) => eligible[Math.floor((i + offset) * step)]);
  const questions = picked.map((c): Question => ({
    repo, commit: c.commit, parent: c.parent, time: c.time, text: c.text,
    gold: c.files.flatMap((file) => changedRanges(gitDir, c.parent, c.commit, file).map((r) => ({ file, ...r }))),
  }));
  return { questions: questions.filter((q) => q.gold.length), eligible: eligible.length };
}
