import * as vscode from 'vscode';
import type { Found, FoundMemory } from './retrieve';
import { memoryLocation } from './retrieve';

const KIND_LABELS = { documentation: 'Documentation', debugging: 'Debugging session', note: 'Note' } as const;
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
    stream.markdown(`${i + 1}. ${describeMemory(item)}\n`);
  });
}

/** A reference for every memory that has a place; returns them as `path:start-end` (the result's metadata). */
export function citeAll(stream: vscode.ChatResponseStream, memories: FoundMemory[]): string[] {
  const cited: string[] = [];
  for (const item of memories) {
    const location = memoryLocation(item);
    if (!location) continue;
    stream.reference(location);
    const { file, startLine, endLine } = item.memory;
    cited.push(startLine ? `${file}:${startLine}-${endLine}` : file!);
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
  for (const warning of found.warnings) stream.markdown(`> **Scoring model not used:** ${escape(warning)}\n\n`);
}

function describeMemory(item: FoundMemory): string {
  const { memory } = item;
  const location = memoryLocation(item);
  const target = location instanceof vscode.Location
    ? location.uri.with({ fragment: `L${location.range.start.line + 1}` })
    : location;
  const where = memory.file ? `${memory.file}${memory.startLine ? `:${memory.startLine}-${memory.endLine}` : ''}` : '';
  const link = where && target ? `[${escape(where)}](${target.toString()})` : '';
  const score = `**${memory.relevanceScore.toFixed(2)}**`;
  if (memory.kind === 'code') {
    return `${escape(String(memory.metadata.description ?? 'code'))} · ${link} · ${score} — ${escape(memory.reasoning)}`;
  }
  const text = memory.text.replace(/\s+/g, ' ').trim();
  const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return `${KIND_LABELS[memory.kind]} \`${memory.memoryId}\`${link ? ` · ${link}` : ''} · ${score} — ${escape(preview)}`;
}

/** Memory text is data: Markdown in it must not become links, images or HTML in the chat. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|]/g, '\\$&');
}
