import type { MemoryRecord } from '../store/memoryStore';
import { InputError } from '../workspaceIndex';
import type { Citation, MemoryKind, MemoryScope } from './model';
import type { SimilarReason } from './similar';

/** A memory as every front end shows it. Ids: `mem:<n>` in the workspace, `personal:<n>` in the user's own store. */
export interface MemoryView {
  id: string;
  scope: MemoryScope;
  kind: MemoryKind;
  title: string;
  content: string;
  tags: string[];
  citations: Citation[];
  source: string;
  /** ISO 8601 times. */
  created: string;
  updated: string;
  lastUsed?: string;
  useCount: number;
}

export interface SimilarView {
  memory: MemoryView;
  reason: SimilarReason;
  overlap: number;
}

/** `mem:12` → workspace 12; `personal:3` → personal 3; anything else is an InputError that shows the forms. */
export function parseId(id: string): { scope: MemoryScope; number: number } {
  const match = /^(mem|personal):(\d+)$/.exec(id.trim());
  if (match) return { scope: match[1] === 'mem' ? 'workspace' : 'personal', number: Number(match[2]) };
  if (/^code:\d+$/.test(id.trim())) throw new InputError(`${id} is code: it changes with its source file, not through memories`);
  throw new InputError(`not a memory id: ${id} (expected mem:<number> or personal:<number>)`);
}

export function view(record: MemoryRecord, scope: MemoryScope): MemoryView {
  return {
    id: `${scope === 'personal' ? 'personal' : 'mem'}:${record.id}`, scope, kind: record.kind, title: record.title, content: record.text,
    tags: record.tags, citations: record.citations, source: record.source, created: new Date(record.createdAt).toISOString(),
    updated: new Date(record.updatedAt).toISOString(), lastUsed: record.lastUsedAt ? new Date(record.lastUsedAt).toISOString() : undefined,
    useCount: record.useCount,
  };
}
