/**
 * The one storage contract. `read-pin`, `aggregate`, reports and copy talk only to this; the
 * SQLite and DynamoDB adapters implement it with the same logical layout (three tables per mode,
 * the seed's pk/sk/pk_status/ts strings and fields).
 */
import type { Series, Table } from '../domain/keys.js';
import type { AggregateRecord, AggregateTable, MinuteRecord, RecordOf } from '../domain/records.js';

export type StoreKind = 'sqlite' | 'dynamodb';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'dynamodb'];

export interface MinuteConflict {
  incoming: MinuteRecord;
  existing: MinuteRecord;
}

export interface PutMinutesResult {
  /** Written now. */
  stored: MinuteRecord[];
  /** Already in the store with the same ts and reading: nothing written. */
  duplicates: MinuteRecord[];
  /** The minute holds a different reading (e.g. a clock that jumped back): never overwritten. */
  conflicts: MinuteConflict[];
}

export interface Store {
  readonly kind: StoreKind;
  /** Human-readable location for logs: a file path or a table prefix and endpoint. */
  readonly location: string;
  /**
   * Puts minute readings idempotently: a free minute is written, a minute already holding the same
   * reading is left alone, a minute holding a different reading is reported as a conflict.
   */
  putMinutes(records: readonly MinuteRecord[]): Promise<PutMinutesResult>;
  /** Partition keys of `table` that hold items with status `new` for the series, sorted. */
  pendingPartitions(table: Table, series: Series): Promise<string[]>;
  /** All items of each partition (missing partitions map to empty arrays). */
  readPartitions<T extends Table>(table: T, pks: readonly string[]): Promise<Map<string, RecordOf<T>[]>>;
  /** Writes (replaces) hours or days items. */
  putAggregates(table: AggregateTable, records: readonly AggregateRecord[]): Promise<void>;
  /**
   * Marks the given items `done`, but only where they are still exactly as read (same ts), so an
   * item rewritten since is left pending.
   */
  markDone<T extends Table>(table: T, records: readonly RecordOf<T>[]): Promise<void>;
  close(): Promise<void>;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
