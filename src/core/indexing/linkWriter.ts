import type { CodeStore, WriteEffects } from '../store/codeStore';
import { applyLinks, planLinks, planSize } from './resolver';

/**
 * Links after a run without holding the write lock for long (the final linking of a 14,000-file workspace
 * takes 1.7 s): plans from one read snapshot, then writes the plan in transactions of at most `sliceMs`
 * through `write`, letting the event loop run in between (the extension host stays responsive). If anything
 * else was written meanwhile the plan may be stale, so the rest is planned again and written under one lock.
 */
export async function linkInSlices(store: CodeStore, effects: WriteEffects, full: boolean, sliceMs: number,
  write: (work: () => void) => void): Promise<void> {
  // Another connection's commit changes data_version; any write by this one (a reindexFile while we wait, even
  // one that only changes imports) changes its total of changed rows.
  const stamp = () => `${store.dataVersion()}:${store.totalChanges()}`;
  let expected = stamp();
  let plan = store.db.transaction(() => planLinks(store.db, effects, full)).deferred();
  let done = 0;
  while (done < planSize(plan)) {
    if (done > 0) await new Promise((resolve) => setImmediate(resolve));
    write(() => {
      if (stamp() === expected) {
        done = applyLinks(store.db, plan, done, sliceMs);
      } else {
        plan = planLinks(store.db, effects, full);
        done = applyLinks(store.db, plan, 0, Infinity);
      }
    });
    expected = stamp();
  }
}
