/**
 * The hourly job: minutes → hours → days. Pending partitions come from the status index; each is
 * recomputed whole from its items, written, and only then are the consumed items marked done, so a
 * crash in between only repeats work. A backfill range recomputes everything in it regardless of
 * status.
 */
import { aggregateRecord, countDay, countHour } from '../domain/aggregate.js';
import { type ItemKey, partitionKeysBetween, rollupKey, type Series, statusOf, type Table } from '../domain/keys.js';
import type { AggregateRecord, RecordOf } from '../domain/records.js';
import { nowTimestamp } from '../domain/time.js';
import { chunk, type Store } from '../stores/store.js';
import type { Logger } from '../utils/log.js';

export interface AggregateOptions {
  /** Recompute [from, to) regardless of status instead of only pending partitions. */
  range?: { from: Date; to: Date };
  /** Partitions read per round, bounding memory on a long backlog. */
  partitionsPerRound?: number;
}

export interface AggregateSummary {
  hours: number;
  days: number;
  minutesConsumed: number;
}

interface LevelResult {
  written: AggregateRecord[];
  consumed: number;
}

/**
 * Rolls partitions of `source` up one level. `keepEmpty` lists roll-up keys to write even when their
 * partition is empty (a backfill correcting an item whose readings are gone).
 */
async function rollUp(
  store: Store,
  source: 'minutes' | 'hours',
  series: Series,
  pks: readonly string[],
  options: { perRound: number; keepEmpty?: ReadonlySet<string> },
): Promise<LevelResult> {
  const target = source === 'minutes' ? 'hours' : 'days';
  const result: LevelResult = { written: [], consumed: 0 };
  for (const round of chunk(pks, options.perRound)) {
    const partitions = await store.readPartitions(source, round);
    const aggregates: AggregateRecord[] = [];
    const consumed: RecordOf<typeof source>[] = [];
    const ts = nowTimestamp();
    for (const [pk, items] of partitions) {
      const key = rollupKey(source, pk) as ItemKey;
      if (items.length === 0 && !options.keepEmpty?.has(`${key.pk} ${key.sk}`)) continue;
      const counts =
        source === 'minutes' ? countHour(items as RecordOf<'minutes'>[]) : countDay(items as RecordOf<'hours'>[]);
      aggregates.push(aggregateRecord(key, series, counts, ts));
      consumed.push(...items.filter((i) => statusOf(i.pk_status) === 'new'));
    }
    await store.putAggregates(target, aggregates);
    await store.markDone(source, consumed);
    result.written.push(...aggregates);
    result.consumed += consumed.length;
  }
  return result;
}

/** Pending partition keys this code can roll up; an item another tool wrote with a malformed key is skipped. */
function wellFormed(pks: readonly string[], table: 'minutes' | 'hours', log: Logger): string[] {
  return pks.filter((pk) => {
    if (rollupKey(table, pk)) return true;
    log.warn({ table, pk }, 'skipped a pending partition whose key is not in the seed format');
    return false;
  });
}

/** Keys (`pk sk`) of existing items of `table` in the given partitions. */
async function existingKeys(store: Store, table: Table, pks: readonly string[]): Promise<Set<string>> {
  const partitions = await store.readPartitions(table, pks);
  return new Set([...partitions.values()].flat().map((i) => `${i.pk} ${i.sk}`));
}

export async function aggregate(
  store: Store,
  series: Series,
  log: Logger,
  options: AggregateOptions = {},
): Promise<AggregateSummary> {
  const perRound = options.partitionsPerRound ?? 200;
  let minutePks: string[];
  let dayPks: string[];
  let keepHours: Set<string> | undefined;
  let keepDays: Set<string> | undefined;

  if (options.range) {
    const { from, to } = options.range;
    minutePks = partitionKeysBetween('minutes', series, from, to);
    // Hours items in the range that already exist are rewritten even if their minutes are gone.
    keepHours = await existingKeys(store, 'hours', partitionKeysBetween('hours', series, from, to));
    const monthPks = partitionKeysBetween('days', series, from, to);
    keepDays = await existingKeys(store, 'days', monthPks);
  } else {
    minutePks = wellFormed(await store.pendingPartitions('minutes', series), 'minutes', log);
  }

  const hours = await rollUp(store, 'minutes', series, minutePks, {
    perRound,
    ...(keepHours ? { keepEmpty: keepHours } : {}),
  });
  log.info(
    { partitions: minutePks.length, hours: hours.written.length, minutes: hours.consumed },
    'minutes aggregated into hours',
  );

  // The day of every hour just written is pending even if the status index has not caught up yet
  // (DynamoDB's GSIs are eventually consistent).
  // An hours item's pk is the day partition that the days roll-up reads.
  const touchedDays = hours.written.map((h) => h.pk);
  if (options.range) {
    dayPks = partitionKeysBetween('hours', series, options.range.from, options.range.to);
  } else {
    dayPks = wellFormed(await store.pendingPartitions('hours', series), 'hours', log);
  }
  dayPks = [...new Set([...dayPks, ...touchedDays])].sort();
  const days = await rollUp(store, 'hours', series, dayPks, { perRound, ...(keepDays ? { keepEmpty: keepDays } : {}) });
  log.info(
    { partitions: dayPks.length, days: days.written.length, hours: days.consumed },
    'hours aggregated into days',
  );

  return { hours: hours.written.length, days: days.written.length, minutesConsumed: hours.consumed };
}
