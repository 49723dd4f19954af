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
 *               readings), mixed ones too where the item spells its minutes (`by_minute`, written by
 *               this version's aggregate); other mixed complete hours and everything else are read
 *               from the minutes, so the numbers are exact and equal raw's for complete hours.
 * Hours that have not begun are never read: their minutes are pending. When the period includes now,
 * the current and the previous UTC hour are read from their minutes by every source (the hours item of
 * the last hour is not written yet), so the status says what the last readings say.
 *
 * Not monitored: minutes before the series' first reading. When the period does not begin with a
 * reading, `readingsBefore` asks the store whether the series has any reading before the period
 * (the status index of new minutes, and the hours and days items up to MAX_PERIOD_DAYS back); if
 * not, the minutes before the period's first reading are `notMonitored` instead of unknown.
 */
import { statesByMinute } from '../domain/aggregate.js';
import {
  itemStartMs,
  parseItemKey,
  parsePartitionKey,
  partitionKey,
  partitionKeysBetween,
  type Series,
} from '../domain/keys.js';
import { MINUTE, type MinuteStates, type UnresolvedBlock } from '../domain/outages.js';
import { MAX_PERIOD_DAYS } from '../domain/period.js';
import type { AggregateRecord, MinuteRecord } from '../domain/records.js';
import { DAY_MS, floorToDay, floorToHour, HOUR_MS, MINUTE_MS, parseTimestamp } from '../domain/time.js';
import { localMinuteOfHour, sameOffset } from '../domain/zone.js';
import { mapLimit, type Store, type StoreCallOptions } from '../stores/store.js';

export type Source = 'raw' | 'aggregated' | 'auto';
export const SOURCES: readonly Source[] = ['raw', 'aggregated', 'auto'];

/**
 * Minute states of complete UTC hours kept between loads by a reader that runs on (`blackout-serve`):
 * a key names the hour's minutes partition and the `ts` of its hours item, and the value is its 60
 * states (MINUTE.unknown, on or off). Only `auto` uses it, for the complete mixed hours it would
 * read minute by minute: such an hour's minutes change only through a write that marks them `new`
 * (flush, import, import --replace), which makes the hour incomplete until the next aggregate
 * rewrites its hours item with a later `ts` — a new key. So an entry never needs invalidating; it
 * only stops being asked for.
 */
export interface HourStatesCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, states: Uint8Array): void;
}

export interface LoadRequest {
  series: Series;
  from: Date;
  to: Date;
  tz: string;
  source: Source;
  now: Date;
  /** Cancels the store's requests (a dashboard leaving the page, a refresh overtaken by the next). */
  signal?: AbortSignal;
  /** Complete hours' minute states from earlier loads (source auto only). */
  hourCache?: HourStatesCache;
}

export interface LoadStats {
  minutePartitionsRead: number;
  hourPartitionsRead: number;
  hoursFromAggregates: number;
  hoursFromMinutes: number;
  hoursUnresolved: number;
  /** Partitions (and status index queries) read to tell whether the series has readings before the period. */
  lookbackReads: number;
  /** Ranges of done minutes read from the status index (readMinutesBetween), and the hours drawn from them. */
  minuteRangesRead: number;
  hoursFromIndex: number;
}

/**
 * Complete mixed hours are read from the status index (one range for many hours) once they were
 * aggregated at least this long ago: the index is eventually consistent, its lag is about a second.
 */
const INDEX_SETTLED_MS = 10 * MINUTE_MS;
/** A range of the index bridges gaps of up to this many hours (reading them costs less than a query each). */
const INDEX_MAX_GAP_HOURS = 2;
/** Hours per range: 48 hours of minutes fit one 1 MB page of the index. */
const INDEX_RANGE_HOURS = 48;
/** Ranges read at once. */
const INDEX_CONCURRENCY = 16;

/** Consecutive hour starts (sorted) grouped into ranges [from, to), bridging short gaps. */
function hourRanges(hours: readonly number[]): { from: number; to: number; hours: number[] }[] {
  const ranges: { from: number; to: number; hours: number[] }[] = [];
  for (const h of hours) {
    const last = ranges[ranges.length - 1];
    if (
      last &&
      h - last.to <= INDEX_MAX_GAP_HOURS * HOUR_MS &&
      h + HOUR_MS - last.from <= INDEX_RANGE_HOURS * HOUR_MS
    ) {
      last.to = h + HOUR_MS;
      last.hours.push(h);
    } else {
      ranges.push({ from: h, to: h + HOUR_MS, hours: [h] });
    }
  }
  return ranges;
}

export interface Loaded {
  minuteStates: MinuteStates;
  stats: LoadStats;
  /**
   * The series' first reading, when it falls inside the period (the minutes before it are
   * `notMonitored`); undefined when monitoring began before the period or has not begun.
   */
  monitoringSince?: Date;
}

/** Readings of the hours item `item` (starting at `start`) that lie before `before`, at least. */
function readingsOfHourBefore(item: AggregateRecord, start: number, before: number): boolean {
  const after = Math.max(0, Math.min(60, Math.round((start + HOUR_MS - before) / MINUTE_MS)));
  return item.on + item.off > after;
}

/**
 * True when the store holds a reading of `series` before `instant` (or up to MAX_PERIOD_DAYS before
 * it): a new minute not aggregated yet (status index), an hours item of the UTC day of `instant`, a
 * minute of its UTC hour, or a days item of an earlier UTC day. Reads what `seen` has not covered.
 */
export async function readingsBefore(
  store: Store,
  series: Series,
  instant: Date,
  seen: { hoursOfDay?: Map<number, AggregateRecord>; pendingMinutes?: readonly string[]; minutesOfHour?: boolean },
  stats: LoadStats,
  call: StoreCallOptions = {},
): Promise<boolean> {
  const t = instant.getTime();
  const day = floorToDay(instant).getTime();
  const hour = floorToHour(instant).getTime();
  let pending = seen.pendingMinutes;
  if (!pending) {
    stats.lookbackReads++;
    pending = await store.pendingPartitions('minutes', series, call);
  }
  for (const pk of pending) {
    const start = parsePartitionKey('minutes', pk)?.start.getTime();
    if (start === undefined || start >= t) continue;
    if (start + HOUR_MS <= t) return true;
  }
  let hoursOfDay = seen.hoursOfDay;
  if (!hoursOfDay && day < t) {
    hoursOfDay = new Map();
    stats.lookbackReads++;
    const [list = []] = (await store.readPartitions('hours', [partitionKey('hours', series, instant)], call)).values();
    for (const item of list) {
      const key = parseItemKey('hours', item);
      if (key) hoursOfDay.set(key.start.getTime(), item);
    }
  }
  for (const [start, item] of hoursOfDay ?? []) {
    if (start >= day && start < t && readingsOfHourBefore(item, start, t)) return true;
  }
  if (!seen.minutesOfHour && hour < t) {
    stats.lookbackReads++;
    const [list = []] = (
      await store.readPartitions('minutes', [partitionKey('minutes', series, instant)], call)
    ).values();
    if (list.some((record) => (itemStartMs('minutes', record) ?? t) < t)) return true;
  }
  const months = partitionKeysBetween('days', series, new Date(day - MAX_PERIOD_DAYS * DAY_MS), new Date(day));
  stats.lookbackReads += months.length;
  for (const list of (await store.readPartitions('days', months, call)).values()) {
    for (const item of list) {
      const start = itemStartMs('days', item);
      if (start !== undefined && start < day && item.on + item.off > 0) return true;
    }
  }
  return false;
}

/** True when the UTC hour starting at `start` is exactly one local hour in `tz`. */
function alignedWithLocalHour(start: number, tz: string): boolean {
  return localMinuteOfHour(start, tz) === 0 && sameOffset(start, start + HOUR_MS - 1, tz);
}

export async function loadMinuteStates(store: Store, request: LoadRequest): Promise<Loaded> {
  const { series: line, tz, source, now } = request;
  const call: StoreCallOptions = request.signal ? { signal: request.signal } : {};
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
    lookbackReads: 0,
    minuteRangesRead: 0,
    hoursFromIndex: 0,
  };
  const nowMs = now.getTime();
  // The status needs the latest readings: the current and the previous UTC hour come from their minutes.
  const statusFrom = from <= nowMs && nowMs < to ? floorToHour(now).getTime() - HOUR_MS : Number.POSITIVE_INFINITY;
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
  let pendingMinutes: string[] | undefined;
  if (source !== 'raw' && hourStarts.length > 0) {
    const lastHour = hourStarts[hourStarts.length - 1] ?? from;
    const dayPks = partitionKeysBetween('hours', line, new Date(from), new Date(lastHour + HOUR_MS));
    stats.hourPartitionsRead = dayPks.length;
    // The hours and (auto) the pending minutes at once: on a network each is a round trip.
    const [hourPartitions, pending] = await Promise.all([
      store.readPartitions('hours', dayPks, call),
      source === 'auto' ? store.pendingPartitions('minutes', line, call) : undefined,
    ]);
    for (const list of hourPartitions.values()) {
      for (const item of list) {
        const key = parseItemKey('hours', item);
        if (key) items.set(key.start.getTime(), item);
      }
    }
    if (pending) {
      pendingMinutes = pending;
      newMinutePartitions = new Set(pendingMinutes);
    }
  }

  // Set when a reading before the period turns up in what is read anyway.
  let earlierSeen = false;
  // The 60 minute states of the hour starting at `h`, as its stored readings say them.
  const placeHour = (h: number, hourStates: Uint8Array): void => {
    const first = Math.round((h - from) / MINUTE_MS);
    for (let m = 0; m < 60; m++) {
      const state = hourStates[m] ?? MINUTE.unknown;
      if (state === MINUTE.unknown) continue;
      const index = first + m;
      if (index >= 0 && index < length) states[index] = state;
      else if (index < 0) earlierSeen = true;
    }
  };

  const needMinutes: number[] = [];
  // Complete mixed hours (auto): their hour-cache keys.
  const cacheKeys = new Map<number, string>();
  // Complete mixed hours aggregated a while ago (auto): their done minutes may come from the index.
  const settledMixed: number[] = [];
  for (const h of hourStarts) {
    const item = items.get(h);
    const hourEnd = h + HOUR_MS;
    const inside = h >= from && hourEnd <= to;
    if (source === 'raw' || h >= statusFrom) {
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
      const byMinute = complete && item && !uniform ? statesByMinute(item) : undefined;
      if (byMinute) {
        // A mixed hour this version aggregated: its hours item spells its minutes.
        placeHour(h, byMinute);
        stats.hoursFromAggregates++;
        continue;
      }
      if (!complete || !uniform) {
        const cacheKey =
          complete && item && request.hourCache
            ? `${partitionKey('minutes', line, new Date(h))} ${item.ts}`
            : undefined;
        if (cacheKey !== undefined) cacheKeys.set(h, cacheKey);
        const cached = cacheKey !== undefined && request.hourCache?.get(cacheKey) !== undefined;
        // A cached hour costs nothing; a settled one may come from the index; the rest from its partition.
        if (!cached && complete && stamped !== undefined && stamped + INDEX_SETTLED_MS <= nowMs) settledMixed.push(h);
        else needMinutes.push(h);
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

  const apply = (record: MinuteRecord): void => {
    const start = itemStartMs('minutes', record);
    if (start === undefined) return;
    const index = Math.round((start - from) / MINUTE_MS);
    if (index >= 0 && index < length) states[index] = record.reading === 1 ? MINUTE.on : MINUTE.off;
    else if (index < 0) earlierSeen = true;
  };
  const readMinutes = async (hours: readonly number[]): Promise<void> => {
    const cache = request.hourCache;
    const toRead: number[] = [];
    for (const h of hours) {
      const key = cacheKeys.get(h);
      const cached = key === undefined ? undefined : cache?.get(key);
      if (cached) placeHour(h, cached);
      else toRead.push(h);
    }
    stats.hoursFromMinutes += hours.length;
    if (toRead.length === 0) return;
    const pks = toRead.map((h) => partitionKey('minutes', line, new Date(h)));
    stats.minutePartitionsRead += pks.length;
    const partitions = await store.readPartitions('minutes', pks, call);
    toRead.forEach((h, i) => {
      const hourStates = new Uint8Array(60); // all MINUTE.unknown
      let ownItemsOnly = true;
      for (const record of partitions.get(pks[i] ?? '') ?? []) {
        const start = itemStartMs('minutes', record);
        if (start === undefined) continue;
        const state = record.reading === 1 ? MINUTE.on : MINUTE.off;
        const index = Math.round((start - from) / MINUTE_MS);
        if (index >= 0 && index < length) states[index] = state;
        else if (index < 0) earlierSeen = true;
        const minute = Math.round((start - h) / MINUTE_MS);
        if (minute >= 0 && minute < 60) hourStates[minute] = state;
        else ownItemsOnly = false;
      }
      const key = cacheKeys.get(h);
      if (cache && key !== undefined && ownItemsOnly) cache.set(key, hourStates);
    });
  };
  /**
   * Settled hours from ranges of the status index; returns the hours whose minutes there do not add
   * up to their hours item (the index behind, or the hour changed since): those are read from their
   * partitions instead.
   */
  const readFromIndex = async (hours: readonly number[]): Promise<number[]> => {
    const ranges = hourRanges(hours);
    stats.minuteRangesRead += ranges.length;
    const lists = await mapLimit(
      ranges,
      INDEX_CONCURRENCY,
      (range) => store.readMinutesBetween(line, 'done', new Date(range.from), new Date(range.to), call),
      request.signal,
    );
    const byHour = new Map<number, MinuteRecord[]>();
    for (const list of lists) {
      for (const record of list) {
        const start = itemStartMs('minutes', record);
        if (start === undefined) continue;
        const hour = floorToHour(new Date(start)).getTime();
        const list = byHour.get(hour);
        if (list) list.push(record);
        else byHour.set(hour, [record]);
      }
    }
    const unmatched: number[] = [];
    for (const h of hours) {
      const records = byHour.get(h) ?? [];
      const item = items.get(h);
      const on = records.filter((r) => r.reading === 1).length;
      if (!item || item.on !== on || item.off !== records.length - on) {
        unmatched.push(h);
        continue;
      }
      for (const record of records) apply(record);
      stats.hoursFromIndex++;
    }
    return unmatched;
  };
  // The index pays where it saves requests: many hours in few ranges (a month of mixed hours).
  const useIndex = settledMixed.length > 0 && hourRanges(settledMixed).length < settledMixed.length;
  if (!useIndex) needMinutes.push(...settledMixed);
  const [, unmatched = []] = await Promise.all([
    readMinutes(needMinutes),
    useIndex ? readFromIndex(settledMixed) : undefined,
  ]);
  await readMinutes(unmatched);
  const minutesRead = new Set([...needMinutes, ...settledMixed]);

  for (let i = firstPending; i < length; i++) {
    if (states[i] === MINUTE.unknown) states[i] = MINUTE.pending;
  }

  // Not monitored: the unknown minutes the period begins with, when the series has no reading before it.
  let lead = 0;
  while (lead < length && states[lead] === MINUTE.unknown) lead++;
  let monitoringSince: Date | undefined;
  if (lead > 0) {
    for (const [start, item] of items) {
      if (start < from && readingsOfHourBefore(item, start, from)) earlierSeen = true;
    }
    if (source === 'aggregated') {
      stats.lookbackReads++;
      pendingMinutes = await store.pendingPartitions('minutes', line, call);
    }
    const firstHour = floorToHour(request.from).getTime();
    const earlier =
      earlierSeen ||
      (await readingsBefore(
        store,
        line,
        request.from,
        {
          ...(source !== 'raw' ? { hoursOfDay: items } : {}),
          ...(pendingMinutes ? { pendingMinutes } : {}),
          minutesOfHour: minutesRead.has(firstHour),
        },
        stats,
        call,
      ));
    if (!earlier && source === 'aggregated') {
      // An hour not aggregated yet holds readings its (missing) hours item does not show: monitoring
      // had begun by then. Its minutes say when.
      const firstNew = (pendingMinutes ?? [])
        .map((pk) => parsePartitionKey('minutes', pk)?.start.getTime() ?? -1)
        .find((start) => start >= from && start < from + lead * MINUTE_MS);
      if (firstNew !== undefined) {
        await readMinutes([firstNew]);
        lead = 0;
        while (lead < length && states[lead] === MINUTE.unknown) lead++;
      }
    }
    if (!earlier) {
      // Hourly data alone cannot say at which minute of its first hour monitoring began: read them.
      const block = unresolved.find((b) => b.index === lead);
      if (block && block.unknown > 0) {
        states.fill(MINUTE.unknown, block.index, block.index + block.length);
        unresolved.splice(unresolved.indexOf(block), 1);
        stats.hoursUnresolved--;
        await readMinutes([from + block.index * MINUTE_MS]);
        while (lead < length && states[lead] === MINUTE.unknown) lead++;
      }
      states.fill(MINUTE.notMonitored, 0, lead);
      const first = states[lead];
      if (first === MINUTE.on || first === MINUTE.off || first === MINUTE.unresolved) {
        monitoringSince = new Date(from + lead * MINUTE_MS);
      }
    }
  }
  return {
    minuteStates: { from: new Date(from), states, unresolved },
    stats,
    ...(monitoringSince ? { monitoringSince } : {}),
  };
}
