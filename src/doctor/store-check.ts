/**
 * The `store` and `tables` lines: the store's own check (Store.check) in the doctor's words. The
 * store is opened for reading, so nothing is created, migrated or written.
 */
import type { Store, StoreCheckOptions } from '../stores/store.js';
import { type CheckResult, warn } from './check.js';

export interface StoreLines {
  store: CheckResult;
  tables: CheckResult;
  /** Readings can be looked for: the store answered and its tables are usable. */
  readable: boolean;
}

export const tablesNotChecked = (): CheckResult =>
  warn('tables', 'not checked: the store is not reachable', 'fix the store first');

export async function checkStore(open: () => Promise<Store>, options: StoreCheckOptions = {}): Promise<StoreLines> {
  const store = await open();
  try {
    const { reachable, schema } = await store.check(options);
    return {
      store: { name: 'store', ...reachable },
      tables: schema ? { name: 'tables', ...schema } : tablesNotChecked(),
      readable: reachable.status !== 'fail' && schema !== undefined && schema.status !== 'fail',
    };
  } finally {
    await store.close().catch(() => undefined);
  }
}
