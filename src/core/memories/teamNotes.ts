import * as path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml, stringify as stringifyYaml, YAMLParseError } from 'yaml';
import type { NewMemoryRecord } from '../store/memoryStore';
import { redactSecrets } from '../text/redact';
import { describeSchemaError } from '../text/schemaErrors';
import { type Citation, describeCitation, MEMORY_KIND_NAMES, normalizeCitation, normalizeTags, parseCitationText } from './model';
import type { MemoryView } from './views';

/** The front matter of a team note: what the file may say about itself. */
export const TEAM_NOTE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Code Memory team note',
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200, description: 'What the note is about (default: its first heading).' },
    kind: { enum: MEMORY_KIND_NAMES, description: 'What sort of memory (default note).' },
    tags: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } },
    cites: {
      type: 'array', maxItems: 20, description: 'Code the note is about: "src/auth.py:10-24", "src/auth.py" or an entity such as "Parser.parse".',
      items: { type: 'string', minLength: 1 },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false }).compile(TEAM_NOTE_SCHEMA);
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** A team note as a memory, or the one-line reason it cannot be read. */
export function parseTeamNote(text: string, relative: string): { memory: NewMemoryRecord } | { problem: string } {
  const match = FRONT_MATTER.exec(text);
  let front: Record<string, unknown> = {};
  if (match) {
    try {
      front = (parseYaml(match[1]) ?? {}) as Record<string, unknown>;
    } catch (error) {
      // The parser counts lines of the front matter from 1; the file has the opening `---` above it.
      const line = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line + 1})` : '';
      return { problem: `${relative}: the front matter is not valid YAML${line}` };
    }
    if (!validate(front)) {
      return { problem: `${relative}: ${describeSchemaError(validate.errors, 'front matter', Object.keys(TEAM_NOTE_SCHEMA.properties))}` };
    }
  }
  const body = (match ? text.slice(match[0].length) : text).trim();
  const heading = /^#\s+(.+)$/m.exec(body)?.[1].trim();
  const title = (front.title as string | undefined) ?? heading ?? path.posix.basename(relative, '.md');
  if (!body && !front.title) return { problem: `${relative}: the note is empty` };
  let citations: Citation[];
  try {
    citations = ((front.cites as string[] | undefined) ?? []).map((c) => normalizeCitation(parseCitationText(c)));
  } catch (error) {
    return { problem: `${relative}: cites: ${(error as Error).message}` };
  }
  return { memory: {
    kind: (front.kind as NewMemoryRecord['kind'] | undefined) ?? 'note', title, text: body || title,
    tags: normalizeTags(front.tags as string[] | undefined), citations, source: 'team', metadata: { origin: relative },
  } };
}

/** The file "Share with team" writes for a memory: front matter and the text, secrets redacted. */
export function teamNoteText(memory: MemoryView): string {
  const front: Record<string, unknown> = { title: memory.title, kind: memory.kind };
  if (memory.tags.length) front.tags = memory.tags;
  if (memory.citations.length) front.cites = memory.citations.map(describeCitation);
  return redactSecrets(`---\n${stringifyYaml(front).trimEnd()}\n---\n\n${memory.content.trim()}\n`);
}

/** `invoice-rounding.md` from a title; `taken` names files that exist already. */
export function teamNoteFileName(title: string, taken: (name: string) => boolean): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_]+/g, '-').replace(/-+/g, '-').slice(0, 60) || 'note';
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${slug}.md` : `${slug}-${n}.md`;
    if (!taken(name)) return name;
  }
}
