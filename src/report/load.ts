/**
 * Loads a report period from a store into minute states, reading only the partitions of the period.
 *
 *   raw         every minute partition of the period.
 *   aggregated  the hours partitions (one per UTC day). An hour whose minutes are all ON, all OFF or
 *               all missing is exact; a mixed hour is kept as counts ("unresolved" minutes) — except
 *               where it cannot be attributed to one local hour (zones with :30 offsets) or is cut
 *               by the period, where its minutes are read.
 *   auto        hours items where complete (the hour is over, aggregated after it ended, no new
 *               minutes since; an hour that is over with no item and no new minutes had no
 *               readings); mixed complete hours and everything else are read from the minutes, so
 *               the numbers are exact and equal raw's for complete hours.
 * Hours that have not begun are never read: their minutes are pending.
 */
import { parseItemKey, partitionKey, partitionKeysBetween, type Series } from '../domain/keys.js';
import { MINUTE, type MinuteStates, type UnresolvedBlock } from '../domain/outages.js';
import type { AggregateRecord } from '../domain/records.js';
import { HOUR_MS, MINUTE_MS, parseTimestamp } from '../domain/time.js';
import { localMinuteOfHour, sameOffset } from '../domain/zone.js';
import type { Store } from '../stores/store.js';

export type Source = 'raw' | 'aggregated' | 'auto';
export const SOURCES: readonly Source[] = ['raw', 'aggregated', 'auto'];

export interface LoadRequest {
  series: Series;
  from: Date;
  to: Date;
  tz: string;
  source: Source;
  now: Date;
}

export interface LoadStats {
  minutePartitionsRead: number;
  hourPartitionsRead: number;
  hoursFromAggregates: number;
  hoursFromMinutes: number;
  hoursUnresolved: number;
}

export interface Loaded {
  minuteStates: MinuteStates;
  stats: LoadStats;
}

/** True when the UTC hour starting at `start` is exactly one local hour in `tz`. */
function alignedWithLocalHour(start: number, tz: string): boolean {
  return localMinuteOfHour(start, tz) === 0 && sameOffset(start, start + HOUR_MS - 1, tz);
}

export async function loadMinuteStates(store: Store, request: LoadRequest): Promise<Loaded> {
  const { series: line, tz, source, now } = request;
  const from = request.from.getTime();
  const to = request.to.getTime();
  const length = Math.round((to - from) / MINUTE_MS);
  const states = new Uint8Array(length); // all MINUTE.unknown
  const unresolved: UnresolvedBlock[] = [];
  const stats: LoadStats = {
    minutePartitionsRead: 0,
    hourPartitionsRead: 0,
    hoursFromAggregates: 0,
    hoursFromMinutes: 0,
    hoursUnresolved: 0,
  };
  const nowMs = now.getTime();
  // A minute without a reading is pending until it is over: the first minute not over yet and all after it.
  const firstPending = Math.max(0, Math.min(length, Math.floor((nowMs - from) / MINUTE_MS)));

  const fill = (startMs: number, endMs: number, state: number): void => {
    const a = Math.max(0, Math.round((startMs - from) / MINUTE_MS));
    const b = Math.min(length, Math.round((endMs - from) / MINUTE_MS));
    if (b > a) states.fill(state, a, b);
  };

  const hourStarts: number[] = [];
  for (let h = Math.floor(from / HOUR_MS) * HOUR_MS; h < to; h += HOUR_MS) {
    // Hours that have not begun hold no readings.
    if (h < nowMs) hourStarts.push(h);
  }

  const items = new Map<number, AggregateRecord>();
  let newMinutePartitions = new Set<string>();
  if (source !== 'raw' && hourStarts.length > 0) {
    const lastHour = hourStarts[hourStarts.length - 1] ?? from;
    const dayPks = partitionKeysBetween('hours', line, new Date(from), new Date(lastHour + HOUR_MS));
    stats.hourPartitionsRead = dayPks.length;
    for (const list of (await store.readPartitions('hours', dayPks)).values()) {
      for (const item of list) {
        const key = parseItemKey('hours', item);
        if (key) items.set(key.start.getTime(), item);
      }
    }
    if (source === 'auto') newMinutePartitions = new Set(await store.pendingPartitions('minutes', line));
  }

  const needMinutes: number[] = [];
  for (const h of hourStarts) {
    const item = items.get(h);
    const hourEnd = h + HOUR_MS;
    const inside = h >= from && hourEnd <= to;
    if (source === 'raw') {
      needMinutes.push(h);
      continue;
    }
    const over = hourEnd <= nowMs;
    if (source === 'auto') {
      const unaggregated = newMinutePartitions.has(partitionKey('minutes', line, new Date(h)));
      const stamped = item ? parseTimestamp(item.ts)?.getTime() : undefined;
      // An hour that is over, has no hours item and no new minutes has no readings at all.
      const complete = over && !unaggregated && (item === undefined || (stamped !== undefined && stamped >= hourEnd));
      const uniform = item === undefined || item.on === 60 || item.off === 60 || item.on + item.off === 0;
      if (!complete || !uniform) {
        needMinutes.push(h);
        continue;
      }
    }
    // From here on the hours item (or its absence) decides.
    if (!item || item.on + item.off === 0) {
      stats.hoursFromAggregates++;
      continue; // no readings: unknown (pending minutes are marked below)
    }
    if (item.on === 60 || item.off === 60) {
      fill(h, hourEnd, item.on === 60 ? MINUTE.on : MINUTE.off);
      stats.hoursFromAggregates++;
      continue;
    }
    if (!inside || !alignedWithLocalHour(h, tz)) {
      needMinutes.push(h);
      continue;
    }
    // A mixed hour: counts known, order not. An hour still running has its future minutes pending.
    const elapsed = over ? 60 : Math.max(0, Math.min(60, Math.floor((nowMs - h) / MINUTE_MS)));
    const index = Math.round((h - from) / MINUTE_MS);
    states.fill(MINUTE.unresolved, index, index + elapsed);
    unresolved.push({
      index,
      length: elapsed,
      on: item.on,
      off: item.off,
      unknown: Math.max(0, elapsed - item.on - item.off),
    });
    stats.hoursUnresolved++;
  }

  if (needMinutes.length > 0) {
    const pks = needMinutes.map((h) => partitionKey('minutes', line, new Date(h)));
    stats.minutePartitionsRead = pks.length;
    stats.hoursFromMinutes = pks.length;
    const partitions = await store.readPartitions('minutes', pks);
    for (const list of partitions.values()) {
      for (const record of list) {
        const key = parseItemKey('minutes', record);
        if (!key) continue;
        const index = Math.round((key.start.getTime() - from) / MINUTE_MS);
        if (index >= 0 && index < length) states[index] = record.reading === 1 ? MINUTE.on : MINUTE.off;
      }
    }
  }

  for (let i = firstPending; i < length; i++) {
    if (states[i] === MINUTE.unknown) states[i] = MINUTE.pending;
  }
  return { minuteStates: { from: new Date(from), states, unresolved }, stats };
}
