/**
 * The hourly job: minutes → hours → days, a group of whole UTC days at a time. For each group the hours
 * are recomputed whole from their minutes and the days from those hours plus the ones already stored;
 * then the days are written, then the hours (already `done`: their days are written), and only then are
 * the consumed minutes marked done. A crash anywhere leaves those minutes pending, so the next run
 * repeats the work and no day is left stale. A backfill range recomputes everything in it regardless of
 * status.
 */
import { aggregateRecord, countDay, countHour } from '../domain/aggregate.js';
import {
  type ItemKey,
  keyText,
  parsePartitionKey,
  partitionKeysBetween,
  rollupKey,
  type Series,
  statusOf,
  type Table,
  withStatus,
} from '../domain/keys.js';
import type { AggregateRecord, RecordOf } from '../domain/records.js';
import { nowTimestamp, utcDate } from '../domain/time.js';
import { chunk, type Store } from '../stores/store.js';
import type { Logger } from '../utils/log.js';

export interface AggregateOptions {
  /** Recompute [from, to) regardless of status instead of only pending partitions. */
  range?: { from: Date; to: Date };
  /** Minute partitions (hours) read per round, bounding memory on a long backlog. */
  partitionsPerRound?: number;
  /** Told the UTC days (`YYYY-MM-DD`) of each round once their hours and days are written. */
  onDaysWritten?: (utcDays: readonly string[]) => void;
}

export interface AggregateSummary {
  hours: number;
  days: number;
  minutesConsumed: number;
}

/** Pending partition keys this code can roll up; an item another tool wrote with a malformed key is skipped. */
function wellFormed(pks: readonly string[], table: 'minutes' | 'hours', log: Logger): string[] {
  return pks.filter((pk) => {
    if (rollupKey(table, pk)) return true;
    log.warn({ table, pk }, "skipped a pending partition whose key is not in the Python version's format");
    return false;
  });
}

/** Keys (`pk sk`) of existing items of `table` in the given partitions. */
async function existingKeys(store: Store, table: Table, pks: readonly string[]): Promise<Set<string>> {
  const partitions = await store.readPartitions(table, pks);
  return new Set([...partitions.values()].flat().map(keyText));
}

/** What to recompute: minute partitions grouped by their day (the hours table's partition key). */
interface Plan {
  minutePksByDay: Map<string, string[]>;
  /** Roll-up keys to write even when their partition is empty (a backfill correcting items whose readings are gone). */
  keepHours?: ReadonlySet<string>;
  keepDays?: ReadonlySet<string>;
}

async function plan(store: Store, series: Series, log: Logger, range?: { from: Date; to: Date }): Promise<Plan> {
  let minutePks: string[];
  let dayPks: string[];
  const result: Plan = { minutePksByDay: new Map() };
  if (range) {
    minutePks = partitionKeysBetween('minutes', series, range.from, range.to);
    dayPks = partitionKeysBetween('hours', series, range.from, range.to);
    result.keepHours = await existingKeys(store, 'hours', dayPks);
    result.keepDays = await existingKeys(store, 'days', partitionKeysBetween('days', series, range.from, range.to));
  } else {
    // Both index queries at once: on a network each is a round trip (or more, paginated).
    const [pendingMinutes, pendingHours] = await Promise.all([
      store.pendingPartitions('minutes', series),
      store.pendingPartitions('hours', series),
    ]);
    minutePks = wellFormed(pendingMinutes, 'minutes', log);
    dayPks = wellFormed(pendingHours, 'hours', log);
  }
  for (const pk of minutePks) {
    const day = (rollupKey('minutes', pk) as ItemKey).pk;
    const list = result.minutePksByDay.get(day) ?? [];
    list.push(pk);
    result.minutePksByDay.set(day, list);
  }
  for (const pk of dayPks) if (!result.minutePksByDay.has(pk)) result.minutePksByDay.set(pk, []);
  return result;
}

export async function aggregate(
  store: Store,
  series: Series,
  log: Logger,
  options: AggregateOptions = {},
): Promise<AggregateSummary> {
  const { minutePksByDay, keepHours, keepDays } = await plan(store, series, log, options.range);
  const daysPerRound = Math.max(1, Math.floor((options.partitionsPerRound ?? 200) / 24));
  const summary: AggregateSummary = { hours: 0, days: 0, minutesConsumed: 0 };
  let hoursConsumed = 0;
  for (const round of chunk([...minutePksByDay.keys()].sort(), daysPerRound)) {
    const ts = nowTimestamp();
    // The minutes and the hours already stored at once: on a network each is a round trip or more.
    const [minutes, stored] = await Promise.all([
      store.readPartitions(
        'minutes',
        round.flatMap((day) => minutePksByDay.get(day) ?? []),
      ),
      store.readPartitions('hours', round),
    ]);
    // Hours recomputed in this round, by day.
    const newHours = new Map<string, AggregateRecord[]>();
    const recomputed = new Set<string>();
    const consumedMinutes: RecordOf<'minutes'>[] = [];
    for (const [pk, items] of minutes) {
      const key = rollupKey('minutes', pk) as ItemKey;
      if (items.length === 0 && !keepHours?.has(keyText(key))) continue;
      const hour = aggregateRecord(key, series, countHour(items), ts);
      newHours.set(key.pk, [...(newHours.get(key.pk) ?? []), hour]);
      recomputed.add(keyText(key));
      consumedMinutes.push(...items.filter((i) => statusOf(i.pk_status) === 'new'));
    }
    const days: AggregateRecord[] = [];
    const consumedHours: AggregateRecord[] = [];
    for (const [dayPk, storedHours] of stored) {
      const kept = storedHours.filter((h) => !recomputed.has(keyText(h)));
      const hours = [...kept, ...(newHours.get(dayPk) ?? [])];
      const key = rollupKey('hours', dayPk) as ItemKey;
      if (hours.length === 0 && !keepDays?.has(keyText(key))) continue;
      days.push(aggregateRecord(key, series, countDay(hours), ts));
      consumedHours.push(...kept.filter((h) => statusOf(h.pk_status) === 'new'));
    }
    const hours = [...newHours.values()].flat().map((h) => ({ ...h, pk_status: withStatus(h.pk_status, 'done') }));
    await store.putAggregates('days', days);
    await store.putAggregates('hours', hours);
    // Both after the hours are written, in either order: a pending hour or minute only makes the
    // next run recompute its day again.
    await Promise.all([store.markDone('hours', consumedHours), store.markDone('minutes', consumedMinutes)]);
    summary.hours += hours.length;
    summary.days += days.length;
    summary.minutesConsumed += consumedMinutes.length;
    hoursConsumed += consumedHours.length;
    options.onDaysWritten?.(
      round.flatMap((dayPk) => {
        const parsed = parsePartitionKey('hours', dayPk);
        return parsed ? [utcDate(parsed.start)] : [];
      }),
    );
  }
  log.info({ hours: summary.hours, minutes: summary.minutesConsumed }, 'minutes aggregated into hours');
  log.info({ days: summary.days, hours: summary.hours + hoursConsumed }, 'hours aggregated into days');
  return summary;
}
