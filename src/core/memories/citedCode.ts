import { hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from '../store/driver';
import type { CitedCode, EntitySpan } from './citations';

const SPAN = `f.path AS file, e.name, e.qualified_name AS qualifiedName, e.start_line AS startLine, e.end_line AS endLine
  FROM entities e JOIN files f ON f.id = e.file_id`;

/**
 * A workspace's code as citations see it: files read from disk (each once per instance: make one per check) and
 * entities from the index. A path outside the workspace reads as gone.
 */
export class WorkspaceCode implements CitedCode {
  private readonly files = new Map<string, { lines: string[]; hash: string } | undefined>();
  private readonly s;

  /** `scope`: the files that changed, when only they are checked (see CitedCode.scope). */
  constructor(db: Database, private readonly root: string, readonly scope?: ReadonlySet<string>) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      fileHash: p('SELECT hash FROM files WHERE path = ?').pluck(),
      byHash: p('SELECT path FROM files WHERE hash = ? ORDER BY path LIMIT 5').pluck(),
      // Rare (a cited entity's file changed): a scan of the entities, with no index to keep up while indexing.
      named: p(`SELECT ${SPAN} WHERE e.qualified_name = @name OR (e.name = @name AND NOT EXISTS (
                  SELECT 1 FROM entities q WHERE q.qualified_name = @name)) ORDER BY f.path, e.start_line`),
      inFile: p(`SELECT ${SPAN} WHERE f.path = ? ORDER BY e.start_line`),
    };
  }

  read(file: string): { lines: string[]; hash: string } | undefined {
    if (!this.files.has(file)) this.files.set(file, this.load(file));
    return this.files.get(file);
  }

  indexedHash(file: string): string | undefined {
    return (this.s.fileHash.get(file) as string | undefined) ?? undefined;
  }

  entitiesNamed(name: string): EntitySpan[] {
    // After a save only the saved files can have gained it: indexed lookups, not a scan of every entity.
    if (this.scope) return [...this.scope].flatMap((file) => this.entitiesIn(file).filter((e) => e.qualifiedName === name || e.name === name));
    return this.s.named.all({ name }) as EntitySpan[];
  }

  entitiesIn(file: string): EntitySpan[] {
    return this.s.inFile.all(file) as EntitySpan[];
  }

  filesWithHash(fileHash: string): string[] {
    return this.s.byHash.all(fileHash) as string[];
  }

  private load(file: string): { lines: string[]; hash: string } | undefined {
    const absolute = path.resolve(this.root, file);
    const inside = path.relative(this.root, absolute);
    if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
    try {
      const bytes = fs.readFileSync(absolute);
      return { lines: bytes.toString('utf8').split('\n'), hash: hash('sha1', bytes) };
    } catch {
      return undefined;
    }
  }
}
