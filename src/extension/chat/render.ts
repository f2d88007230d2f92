import * as vscode from 'vscode';
import { sameError } from '../../core/capture/fixes';
import { MEMORY_KINDS } from '../../core/memories/model';
import { recordedError } from '../../core/memories/views';
import type { Found, FoundMemory } from './retrieve';
import { memoryLocation } from './retrieve';
import { foundMemoryUri } from '../memoryDocuments';

/** A non-code memory is shown by its first words; the whole text is one click away in the answer. */
const PREVIEW_CHARS = 160;

/** How the memories were ranked and what it cost, in one line. */
export function rankingLine(found: Found, scoringModel: string | undefined): string {
  const by = found.source === 'model' ? `scored by ${scoringModel ?? 'the scoring model'}` : 'ranked by matching words and the call graph';
  const calls = found.source === 'model' ? ` · ${found.modelCalls} model calls, ${found.cacheHits} cached scores` : '';
  return `${found.memories.length} memories from ${found.candidates} candidates, ${by}${calls}`;
}

/** The ranked memories as a Markdown list with links. */
export function renderMemories(stream: vscode.ChatResponseStream, found: Found, scoringModel: string | undefined): void {
  if (!found.memories.length) {
    stream.markdown(`${nothingFound(found)} Try other words, or \`/remember\` what you know.\n`);
    return;
  }
  stream.markdown(`${rankingLine(found, scoringModel)}:\n\n`);
  found.memories.forEach((item, i) => {
    const { label, location, where, rest } = describeMemory(item);
    stream.markdown(`${i + 1}. ${label}`);
    // An anchor, not a Markdown link: VS Code maps its URI for a remote window, a link's text it cannot.
    if (location && where) {
      stream.markdown(' · ');
      stream.anchor(location, where);
    }
    stream.markdown(`${rest}\n`);
  });
}

/**
 * A reference for every memory the answer used: code and memories about a file at their place, other notes as a
 * document of their own. Returns them as `path:start-end` or the memory id (the result's metadata).
 */
export function citeAll(stream: vscode.ChatResponseStream, memories: FoundMemory[]): string[] {
  const cited: string[] = [];
  for (const item of memories) {
    const location = memoryLocation(item);
    stream.reference(location ?? foundMemoryUri(item));
    const { file, startLine, endLine, memoryId } = item.memory;
    cited.push(!location ? memoryId : startLine ? `${file}:${startLine}-${endLine}` : file!);
  }
  return cited;
}

/** "Nothing relevant found", with the words no code or memory contains. */
export function nothingFound(found: Found): string {
  const missing = found.missingWords.length
    ? ` No code or memory mentions ${found.missingWords.map((w) => `\`${w}\``).join(', ')}.` : '';
  return `Nothing relevant found in this workspace.${missing}`;
}

export function renderWarnings(stream: vscode.ChatResponseStream, found: Found): void {
  for (const folder of found.unavailable) stream.markdown(`> **Not searched:** ${escapeMarkdown(folder)}\n\n`);
  for (const warning of found.warnings) stream.markdown(`> **Scoring model not used:** ${escapeMarkdown(warning)}\n\n`);
}

function describeMemory(item: FoundMemory) {
  const { memory } = item;
  const where = memory.file ? `${memory.file}${memory.startLine ? `:${memory.startLine}-${memory.endLine}` : ''}` : '';
  const score = ` · **${memory.relevanceScore.toFixed(2)}**`;
  const location = memoryLocation(item);
  if (memory.kind === 'code') {
    return { label: escapeMarkdown(String(memory.metadata.description ?? 'code')), location, where, rest: `${score} — ${escapeMarkdown(memory.reasoning)}` };
  }
  const stale = staleReason(item) ? ` · ⚠ stale: ${escapeMarkdown(staleReason(item)!)}` : '';
  return { label: `${MEMORY_KINDS[memory.kind].label} \`${memory.memoryId}\``, location, where, rest: `${score}${stale} — ${escapeMarkdown(preview(memory.text, PREVIEW_CHARS))}` };
}

function staleReason({ memory }: FoundMemory): string | undefined {
  return typeof memory.metadata.stale === 'string' ? memory.metadata.stale : undefined;
}

/**
 * A debugging session about the error in the question or in the current file: said first ("you fixed this
 * before", with the fix), and put first among the memories the model reads. Returns its id.
 */
export function renderFixedBefore(stream: vscode.ChatResponseStream, found: Found, errors: readonly (string | undefined)[]): string | undefined {
  const seen = errors.filter((e): e is string => Boolean(e?.trim())).flatMap((e) => [e, ...e.split('\n')]);
  const index = found.memories.findIndex(({ memory }) => {
    if (memory.kind !== 'debugging') return false;
    const recorded = recordedError(memory.text, memory.metadata);
    return recorded !== undefined && seen.some((error) => sameError(recorded, error));
  });
  if (index < 0) return undefined;
  const [item] = found.memories.splice(index, 1);
  found.memories.unshift(item);
  const solution = typeof item.memory.metadata.solution === 'string' ? item.memory.metadata.solution : /^Solution: (.+)$/m.exec(item.memory.text)?.[1];
  stream.markdown(`> **You fixed this before** (\`${item.memory.memoryId}\`)${solution ? `: ${escapeMarkdown(preview(solution, 200))}` : ''}\n\n`);
  return item.memory.memoryId;
}

/** After an answer: which memories it used cite code that has changed since, with a way to review them. Returns their ids. */
export function renderStale(stream: vscode.ChatResponseStream, memories: FoundMemory[]): string[] {
  const stale = memories.filter((item) => staleReason(item));
  if (!stale.length) return [];
  stream.markdown('\n\n');
  for (const item of stale) {
    stream.markdown(`> ⚠ \`${item.memory.memoryId}\` is stale: ${escapeMarkdown(staleReason(item)!)}. The answer may rest on code that is no longer there.\n>\n`);
  }
  stream.button({ command: 'codeMemory.reviewStaleMemories', title: 'Review Stale Memories' });
  return stale.map((item) => item.memory.memoryId);
}

/** Memory text is data: Markdown in it must not become links, images or HTML in the chat. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|]/g, '\\$&');
}

/** The start of a memory's text, on one line: enough to tell which memory a message is about. */
export function preview(text: string, chars = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > chars ? `${line.slice(0, chars)}…` : line;
}
