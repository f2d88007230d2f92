import type { MemoryKind } from '../memories/model';

/** Which memories a listing returns; every field narrows it. Times are ms since epoch, on the last change. */
export interface MemoryFilter {
  ids?: readonly number[];
  kinds?: readonly MemoryKind[];
  /** Memories carrying every one of these tags. */
  tags?: readonly string[];
  /** Memories about this workspace-relative file (related or cited). */
  file?: string;
  /** Memories citing this entity (qualified name). */
  entity?: string;
  since?: number;
  until?: number;
  /** `mcp` matches every MCP client. */
  source?: string;
  /** Only memories whose cited code changed since they were written. */
  stale?: boolean;
}

/** The WHERE clause (with its parameters) of a filter over the memories table; empty when it admits all. */
export function filterClause(filter: MemoryFilter): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.ids) {
    where.push('id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.ids));
  }
  if (filter.kinds?.length) {
    where.push('kind IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.kinds));
  }
  for (const tag of filter.tags ?? []) {
    where.push('EXISTS (SELECT 1 FROM json_each(memories.tags) WHERE value = ?)');
    params.push(tag);
  }
  if (filter.file !== undefined) {
    where.push(`(file_path = ? OR EXISTS (SELECT 1 FROM json_each(memories.citations) WHERE json_extract(value, '$.file') = ?))`);
    params.push(filter.file, filter.file);
  }
  if (filter.entity !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM json_each(memories.citations) WHERE json_extract(value, '$.entity') = ?)`);
    params.push(filter.entity);
  }
  if (filter.since !== undefined) {
    where.push('updated_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    where.push('updated_at <= ?');
    params.push(filter.until);
  }
  if (filter.source !== undefined) {
    where.push(filter.source === 'mcp' ? `source LIKE 'mcp:%'` : 'source = ?');
    if (filter.source !== 'mcp') params.push(filter.source);
  }
  if (filter.stale) where.push('stale_reason IS NOT NULL');
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
