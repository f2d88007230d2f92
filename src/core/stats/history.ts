import type { Database } from '../store/driver';

/** What a workspace held on one day (the last count of that day). */
export interface DayCounts {
  day: string;
  files: number;
  entities: number;
  units: number;
  memories: number;
}

/** `YYYY-MM-DD` of a time, in the machine's time zone (a person's day). */
export function dayOf(time: number): string {
  const date = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/**
 * Today's counts, replacing any taken earlier today. Best effort and never waiting: a busy database skips it (the
 * next index run or dashboard takes it again).
 */
export function recordDay(db: Database, counts: Omit<DayCounts, 'day'>, now = Date.now()): void {
  db.prepare(`INSERT INTO daily_stats (day, files, entities, units, memories) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (day) DO UPDATE SET files = excluded.files, entities = excluded.entities, units = excluded.units,
              memories = excluded.memories`).run(dayOf(now), counts.files, counts.entities, counts.units, counts.memories);
}

/** The days from `since` (a day) on, oldest first. */
export function daysSince(db: Database, since: string): DayCounts[] {
  return db.prepare('SELECT day, files, entities, units, memories FROM daily_stats WHERE day >= ? ORDER BY day').all(since) as DayCounts[];
}
