import { hash } from 'node:crypto';
import * as fs from 'node:fs';
import { BUSY_TIMEOUT_MS, createPrivateFile, keepPrivate, sqliteCode } from '../store/database';
import { connect, defaultDriver, type Database, type SqliteDriver } from '../store/driver';
import { profilePaths } from '../store/location';

/** Earlier versions kept for undo. */
export const MAX_PROFILE_HISTORY = 20;
/** A profile is a page about a person, not a diary: longer text is refused (what the model writes is cut). */
export const MAX_PROFILE_CHARS = 6000;
/** How long a change waits for another process's (each try waits out SQLite's busy timeout). */
const PROFILE_WRITE_PATIENCE_MS = 30_000;

export type ProfileChangeSource = 'learned' | 'edited' | 'loaded' | 'cleared' | 'undone';

export interface ProfileStatus {
  file: string;
  /** Whether conversations update it. */
  learning: boolean;
  /** Last change by learning, a load, a clear or an undo (ms since epoch), and what made it. */
  lastChange?: { at: number; source: ProfileChangeSource };
  /** Versions that Undo can go back to. */
  undoable: number;
  chars: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,              -- ms since epoch: when this version was replaced
    source TEXT NOT NULL,             -- what replaced it
    text TEXT NOT NULL                -- the profile before that change
  );
  CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * The user's profile: one markdown file outside any repository (user-only), read into every prompt, and a small
 * SQLite database beside it with the versions it replaced and whether learning is paused. Every change is a
 * compare-and-swap under that database's write lock, so windows, the CLI and the MCP server never lose one
 * another's changes (README "Profile").
 */
export class UserProfile {
  private db: Database | undefined;

  constructor(
    readonly file: string = profilePaths().file,
    private readonly historyFile: string = profilePaths().history,
    private readonly driver: SqliteDriver = defaultDriver(),
  ) {}

  /** The profile's text; empty when there is none. */
  read(): string {
    try {
      return fs.readFileSync(this.file, 'utf8');
    } catch {
      return '';
    }
  }

  status(): ProfileStatus {
    const text = this.read();
    const db = this.open(false);
    const last = db?.prepare('SELECT at, source FROM history ORDER BY id DESC LIMIT 1').get() as { at: number; source: ProfileChangeSource } | undefined;
    const undoable = db ? Number(db.prepare('SELECT count(*) FROM history').pluck().get()) : 0;
    return { file: this.file, learning: this.state(db, 'paused') !== 'true', lastChange: last, undoable, chars: text.length };
  }

  setLearning(learning: boolean): void {
    this.write(() => this.db!.prepare('INSERT OR REPLACE INTO state (key, value) VALUES (\'paused\', ?)').run(String(!learning)));
  }

  /**
   * Replaces the profile if it is still `seen` (what the caller read), keeping the old text for undo. Returns
   * false, changing nothing, when it changed in between (another window, the CLI, the user's editor).
   */
  replace(seen: string, next: string, source: ProfileChangeSource): boolean {
    if (next.length > MAX_PROFILE_CHARS) throw new RangeError(`a profile takes at most ${MAX_PROFILE_CHARS} characters`);
    return this.write(() => {
      const current = this.read();
      if (digest(current) !== digest(seen)) return false;
      if (current === next) return true;
      const db = this.db!;
      db.prepare('INSERT INTO history (at, source, text) VALUES (?, ?, ?)').run(Date.now(), source, current);
      db.prepare('DELETE FROM history WHERE id <= (SELECT max(id) FROM history) - ?').run(MAX_PROFILE_HISTORY);
      writeAtomically(this.file, next);
      return true;
    });
  }

  /** Back to the version before the last change; false when there is none. */
  undo(): boolean {
    return this.write(() => {
      const db = this.db!;
      const last = db.prepare('SELECT id, text FROM history ORDER BY id DESC LIMIT 1').get() as { id: number; text: string } | undefined;
      if (!last) return false;
      db.prepare('DELETE FROM history WHERE id = ?').run(last.id);
      writeAtomically(this.file, last.text);
      return true;
    });
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  /** Opened on first use; reading never creates it. */
  private open(create: boolean): Database | undefined {
    if (this.db) return this.db;
    if (!create && !fs.existsSync(this.historyFile)) return undefined;
    createPrivateFile(this.historyFile);
    const db = connect(this.driver, this.historyFile);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec(SCHEMA);
    keepPrivate(this.historyFile);
    this.db = db;
    return db;
  }

  private state(db: Database | undefined, key: string): string | undefined {
    return db?.prepare('SELECT value FROM state WHERE key = ?').pluck().get(key) as string | undefined;
  }

  /** One write transaction (the lock every process takes), tried again while another holds it. */
  private write<T>(work: () => T): T {
    const db = this.open(true)!;
    const deadline = Date.now() + PROFILE_WRITE_PATIENCE_MS;
    for (;;) {
      try {
        return db.transaction(work).immediate();
      } catch (error) {
        if (sqliteCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      }
    }
  }
}

const digest = (text: string) => hash('sha1', text);

/** User-only, and never half written: a reader sees the old profile or the new one. */
function writeAtomically(file: string, text: string): void {
  createPrivateFile(file);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  fs.renameSync(temporary, file);
  keepPrivate(file);
}
