/**
 * The one storage contract. `read-pin`, `aggregate`, reports, copy and the doctor talk only to this;
 * the SQLite and DynamoDB adapters implement it with the same logical layout (three tables per mode,
 * the Python version's pk/sk/pk_status/ts strings and fields).
 */
import { itemStartMs, keyText, type Series, type Status, type Table } from '../domain/keys.js';
import type { AggregateRecord, AggregateTable, MinuteRecord, RecordOf } from '../domain/records.js';

export type StoreKind = 'sqlite' | 'dynamodb';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'dynamodb'];

/**
 * What a store is opened for. A writer creates what is missing (SQLite file, DynamoDB tables) and
 * brings the schema up to date; a reader (report, copy's source, doctor) never creates, migrates or
 * writes anything, and finds nothing where nothing was stored yet.
 */
export type StoreAccess = 'read' | 'write';

export interface StoreCallOptions {
  /**
   * Cancels the call: requests in flight are aborted and no new one starts. The call rejects with the
   * signal's reason (an `AbortError` or `TimeoutError`, which the store errors count as transient).
   */
  signal?: AbortSignal;
}

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

export interface ReplaceMinutesResult {
  /** The minute was free: written now. */
  stored: MinuteRecord[];
  /** Already in the store with the same ts and reading: nothing written. */
  duplicates: MinuteRecord[];
  /** The minute held a different reading: overwritten; `existing` is the reading it held. */
  replaced: MinuteConflict[];
}

/** One finding of a store's own check, in the doctor's words: status, what was found, what to do. */
export interface StoreFinding {
  status: 'ok' | 'warn' | 'fail';
  message: string;
  /** What to do about it (for warn and fail). */
  fix?: string;
}

/** One device/pin series a store holds readings of. */
export interface SeriesSummary {
  device: string;
  pin: number;
  /** `ts` of its earliest and latest stored minute, in canonical form (`2025-06-21T19:00:03.241969+00:00`). */
  firstReading: string;
  lastReading: string;
  /** Stored minute readings. */
  readings: number;
}

export interface ListSeriesOptions extends StoreCallOptions {
  /**
   * Only this series: `[]` when the store holds no reading of it. Looked up directly, so it is found
   * even where the list does not show it yet (DynamoDB tables of the Python version before the
   * registry knows the series).
   */
  series?: Series;
}

export interface StoreCheck {
  /** Reachable and usable by the jobs: SQLite file or folder writable; DynamoDB region, credentials, endpoint. */
  reachable: StoreFinding;
  /** Tables and schema as this version expects them; absent when the store could not be reached. */
  schema?: StoreFinding;
}

export interface StoreCheckOptions {
  /** HOME of the user the jobs run as, named when no AWS credentials are found (read by the CLI, not here). */
  home?: string;
  /** Name of that user, for the same message (the store runs in a browser too: it asks no OS). */
  username?: string;
}

export interface Store {
  readonly kind: StoreKind;
  readonly access: StoreAccess;
  /** Human-readable location for logs: a file path or a table prefix and endpoint. */
  readonly location: string;
  /**
   * Looks, changing nothing: is the store reachable, are its tables as expected, and the fix when not.
   * Failures are findings, not exceptions.
   */
  check(options?: StoreCheckOptions): Promise<StoreCheck>;
  /**
   * Puts minute readings idempotently: a free minute is written, a minute already holding the same
   * reading is left alone, a minute holding a different reading is reported as a conflict.
   */
  putMinutes(records: readonly MinuteRecord[], options?: StoreCallOptions): Promise<PutMinutesResult>;
  /**
   * The one way a stored reading changes (`blackout-import --replace`): as putMinutes, but a minute
   * holding a different reading is overwritten, and what it held is returned. Every item written has
   * status `new` (whatever the record says), so the next aggregate recomputes its hour and day.
   * At most one record per minute (another is thrown before anything is written). Callers hold the
   * mode's flush and aggregate locks: a flush or an aggregate run assumes stored minutes never change.
   */
  replaceMinutes(records: readonly MinuteRecord[], options?: StoreCallOptions): Promise<ReplaceMinutesResult>;
  /** Partition keys of `table` that hold items with status `new` for the series, sorted. */
  pendingPartitions(table: Table, series: Series, options?: StoreCallOptions): Promise<string[]>;
  /** All items of each partition (missing partitions map to empty arrays). */
  readPartitions<T extends Table>(
    table: T,
    pks: readonly string[],
    options?: StoreCallOptions,
  ): Promise<Map<string, RecordOf<T>[]>>;
  /**
   * The series' minutes with `status` whose minute lies in [from, to), sorted by ts: a range of the
   * status index (pk_status, ts), so a month takes a few requests instead of one per hour. Stored ts
   * are UTC (`…+00:00`, as this version and the Python version write them). On DynamoDB the index is
   * eventually consistent: a minute stored or marked in the last second or so may be missing, so use
   * it only where that is checked or cannot matter (hours aggregated a while ago).
   */
  readMinutesBetween(
    series: Series,
    status: Status,
    from: Date,
    to: Date,
    options?: StoreCallOptions,
  ): Promise<MinuteRecord[]>;
  /** Writes (replaces) hours or days items. */
  putAggregates(table: AggregateTable, records: readonly AggregateRecord[], options?: StoreCallOptions): Promise<void>;
  /**
   * Marks the given items `done`, but only where they are still exactly as read (same ts), so an
   * item rewritten since is left pending.
   */
  markDone<T extends Table>(table: T, records: readonly RecordOf<T>[], options?: StoreCallOptions): Promise<void>;
  /**
   * The series the store holds readings of, sorted by device and pin; series without a reading are not
   * listed. A reader too: nothing is created or written.
   */
  listSeries(options?: ListSeriesOptions): Promise<SeriesSummary[]>;
  /**
   * True when the store holds a reading of `series`: what `listSeries({ series })` finds, without
   * counting them (on SQLite a count walks every minute of the series).
   */
  hasReadings(series: Series, options?: StoreCallOptions): Promise<boolean>;
  close(): Promise<void>;
}

/** Sorts summaries by device, then pin (numerically). */
export const bySeries = (a: Series, b: Series): number =>
  a.device < b.device ? -1 : a.device > b.device ? 1 : a.pin - b.pin;

/** A write asked of a store opened for reading: a programming error, never transient. */
export class ReadOnlyStoreError extends Error {
  override name = 'ReadOnlyStoreError';
  constructor(location: string, operation: string) {
    super(`${location} is open for reading: ${operation} needs it opened for writing`);
  }
}

/** The signal a call runs under: the store's own (cancels everything) and the call's, whichever aborts first. */
export function callSignal(storeSignal: AbortSignal | undefined, options?: StoreCallOptions): AbortSignal | undefined {
  const call = options?.signal;
  if (!storeSignal || !call) return storeSignal ?? call;
  return AbortSignal.any([storeSignal, call]);
}

/** replaceMinutes' precondition: one record per minute (which of two would win is not defined). */
export function assertOnePerMinute(records: readonly MinuteRecord[]): void {
  const seen = new Set<string>();
  for (const r of records) {
    const key = keyText(r);
    if (seen.has(key)) throw new Error(`replaceMinutes: two records for the minute ${key}`);
    seen.add(key);
  }
}

/**
 * The bounds of readMinutesBetween on the index's ts strings: `YYYY-MM-DDTHH:MM` of `from` and of
 * `to`. Every UTC ts of a minute in [from, to) sorts at or after the first and before the second,
 * whatever its fraction digits (the Python version leaves out a zero fraction).
 */
export function tsBounds(from: Date, to: Date): { low: string; high: string } {
  return { low: from.toISOString().slice(0, 16), high: to.toISOString().slice(0, 16) };
}

/** The records whose minute (by key, which a ts must agree with) lies in [from, to). */
export function minutesWithin(records: readonly MinuteRecord[], from: Date, to: Date): MinuteRecord[] {
  const low = from.getTime();
  const high = to.getTime();
  return records.filter((r) => {
    const start = itemStartMs('minutes', r);
    return start !== undefined && start >= low && start < high;
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. Stops starting new ones once aborted. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
