/**
 * A period as one state per minute (`MinuteStates`), and what a report derives from it: totals,
 * counts per local day or hour, outages (runs of OFF minutes, joined across short gaps), gaps (runs
 * of minutes without a reading) and the current status. Pure: the loader builds the minute states,
 * renderers format the results.
 */
import { TZDate } from '@date-fns/tz';
import { zeroPad } from './format.js';
import { MINUTE_MS } from './time.js';
import { addLocalDays, formatLocalDate, startOfLocalDay } from './zone.js';

/**
 * Minute states. `unresolved`: from an hours item with both ON and OFF minutes (or readings and
 * missing minutes), order unknown. `notMonitored`: before the series' first reading — the monitor did
 * not exist yet, so these minutes are neither a failure (unknown) nor counted anywhere.
 */
export const MINUTE = { unknown: 0, on: 1, off: 2, pending: 3, unresolved: 4, notMonitored: 5 } as const;
export type MinuteState = (typeof MINUTE)[keyof typeof MINUTE];
export const STATE_NAMES = ['unknown', 'on', 'off', 'pending', 'unresolved', 'notMonitored'] as const;

/** Outages separated by at most this many minutes without a reading are one outage. */
export const DEFAULT_MERGE_GAP = 5;
/** No reading for more than this many minutes before the current one: the state now is unknown. */
export const STALE_MINUTES = 5;

/** A block of `unresolved` minutes (always inside one local hour) with the counts the hours item gave. */
export interface UnresolvedBlock {
  /** Minute index in `MinuteStates.states`. */
  index: number;
  length: number;
  on: number;
  off: number;
  unknown: number;
}

/** A period minute by minute: what the report knows about each minute. */
export interface MinuteStates {
  /** Minute-aligned start (UTC). */
  from: Date;
  /** One state per minute from `from`. */
  states: Uint8Array;
  unresolved: UnresolvedBlock[];
}

/** Minutes of a period or bucket by state (unresolved minutes counted by their hours item). */
export interface StateCounts {
  on: number;
  off: number;
  unknown: number;
  pending: number;
  /** Before the series' first reading. */
  notMonitored: number;
}

export interface Run {
  state: MinuteState;
  index: number;
  length: number;
}

export interface Outage {
  start: Date;
  /** Exclusive: the first minute with power back (or the end of what is known). */
  end: Date;
  /** end − start, the missing minutes inside included: exact when both edges are certain. */
  minutes: number;
  /**
   * The minute before is unknown, unresolved, not monitored or outside the period: it may have
   * started earlier.
   */
  startUncertain: boolean;
  /** The minute after is unknown, unresolved, pending or outside the period: it may have lasted longer. */
  endUncertain: boolean;
  /** Minutes without a reading inside it (short gaps between OFF minutes that joined it into one). */
  missingMinutes: number;
}

/** A run of minutes without a reading, for reports (the power events carry theirs as `EventGap`). */
export interface ReadingGap {
  start: Date;
  end: Date;
  minutes: number;
}

/** A slice of the minute states: a local day or hour, clipped to the period. */
export interface Bucket {
  /** `YYYY-MM-DD` for a day, the local start `HH:MM` for an hour. */
  label: string;
  start: Date;
  end: Date;
  /** Minute indexes [first, last) in the minute states. */
  first: number;
  last: number;
}

const instantOf = (minuteStates: MinuteStates, index: number): Date =>
  new Date(minuteStates.from.getTime() + index * MINUTE_MS);

export const indexOf = (minuteStates: MinuteStates, instant: Date): number =>
  Math.round((instant.getTime() - minuteStates.from.getTime()) / MINUTE_MS);

/** A run of one state joined across short gaps: [index, index + length), `missing` unknown minutes inside. */
export interface Span {
  state: MinuteState;
  index: number;
  length: number;
  missing: number;
}

/** Maximal runs of equal state over [first, last). */
export function runs(minuteStates: MinuteStates, first = 0, last = minuteStates.states.length): Run[] {
  const out: Run[] = [];
  const { states } = minuteStates;
  let i = first;
  while (i < last) {
    const state = states[i] as MinuteState;
    let j = i + 1;
    while (j < last && states[j] === state) j++;
    out.push({ state, index: i, length: j - i });
    i = j;
  }
  return out;
}

/** Minute counts over [first, last); unresolved blocks count by their hours item. */
export function countMinutes(minuteStates: MinuteStates, first = 0, last = minuteStates.states.length): StateCounts {
  const counts: StateCounts = { on: 0, off: 0, unknown: 0, pending: 0, notMonitored: 0 };
  const { states } = minuteStates;
  for (let i = first; i < last; i++) {
    const s = states[i];
    if (s === MINUTE.on) counts.on++;
    else if (s === MINUTE.off) counts.off++;
    else if (s === MINUTE.unknown) counts.unknown++;
    else if (s === MINUTE.pending) counts.pending++;
    else if (s === MINUTE.notMonitored) counts.notMonitored++;
  }
  for (const block of minuteStates.unresolved) {
    if (block.index >= first && block.index < last) {
      counts.on += block.on;
      counts.off += block.off;
      counts.unknown += block.unknown;
    }
  }
  return counts;
}

/** Share of ON among known minutes, or null when none is known. */
export function onShare(counts: Omit<StateCounts, 'notMonitored'>): number | null {
  const known = counts.on + counts.off;
  return known === 0 ? null : counts.on / known;
}

const UNCERTAIN_NEIGHBOURS: ReadonlySet<number> = new Set([
  MINUTE.unknown,
  MINUTE.unresolved,
  MINUTE.pending,
  MINUTE.notMonitored,
]);

const uncertainAt = (minuteStates: MinuteStates, index: number): boolean =>
  index < 0 || index >= minuteStates.states.length || UNCERTAIN_NEIGHBOURS.has(minuteStates.states[index] ?? 0);

/**
 * Runs of `state`, a run joined to the next one across at most `mergeGap` unknown minutes (a gap with
 * `state` on both sides: the monitor missed a few readings, nothing says the state changed).
 * `mergeGap` 0 gives the plain maximal runs.
 */
export function stateSpans(minuteStates: MinuteStates, state: MinuteState, mergeGap = 0): Span[] {
  const all = runs(minuteStates);
  const out: Span[] = [];
  all.forEach((run, i) => {
    if (run.state !== state) return;
    const previous = out[out.length - 1];
    const gap = all[i - 1];
    const joins =
      previous !== undefined &&
      gap !== undefined &&
      gap.state === MINUTE.unknown &&
      gap.length <= mergeGap &&
      previous.index + previous.length === gap.index;
    if (joins && gap) {
      previous.length += gap.length + run.length;
      previous.missing += gap.length;
    } else {
      out.push({ state, index: run.index, length: run.length, missing: 0 });
    }
  });
  return out;
}

/** An OFF span as an outage, its edges uncertain where the neighbour is not known. */
function outageOf(minuteStates: MinuteStates, span: Span): Outage {
  const after = span.index + span.length;
  return {
    start: instantOf(minuteStates, span.index),
    end: instantOf(minuteStates, after),
    minutes: span.length,
    startUncertain: uncertainAt(minuteStates, span.index - 1),
    endUncertain: uncertainAt(minuteStates, after),
    missingMinutes: span.missing,
  };
}

/**
 * Every outage: a run of OFF minutes, joined across gaps of at most `mergeGap` minutes without a
 * reading (OFF, a missed reading, OFF again is one outage, as the notifier sees it: no reading said
 * the power came back). Edges next to a minute that is not known are uncertain.
 */
export function findOutages(minuteStates: MinuteStates, options: { mergeGap?: number } = {}): Outage[] {
  return stateSpans(minuteStates, MINUTE.off, options.mergeGap ?? 0).map((span) => outageOf(minuteStates, span));
}

/** Runs of minutes with no reading (the monitor, its network or its UPS was down). */
export function findGaps(minuteStates: MinuteStates): ReadingGap[] {
  return runs(minuteStates)
    .filter((r) => r.state === MINUTE.unknown)
    .map((r) => ({
      start: instantOf(minuteStates, r.index),
      end: instantOf(minuteStates, r.index + r.length),
      minutes: r.length,
    }));
}

export type PowerNow = 'on' | 'off' | 'unknown';

/** Is the power on now, since when, and the last outage before that: what a report says first. */
export interface CurrentStatus {
  /** `unknown` when no reading came in the last `staleMinutes` minutes (or none at all). */
  state: PowerNow;
  /**
   * First minute of the current run of `state` (for `unknown`: the first minute without a reading);
   * null when the series has no reading at all.
   */
  since: Date | null;
  /** The minute before `since` is not known (a gap, hourly data, not monitored, the period's start): it may have begun earlier. */
  sinceUncertain: boolean;
  /** Whole minutes from `since` to now. */
  minutes: number | null;
  /** Start of the minute of the last reading, if the period has one. */
  lastReadingAt: Date | null;
  /** The latest outage that is not the current state (an ongoing outage is `since`). */
  lastOutage: Outage | null;
}

/**
 * The status at `now`, or null when `now` is outside the minute states. The run of the current
 * state joins across short gaps the way outages do, so an ongoing outage begins where the outage
 * list says it does.
 */
export function currentStatus(
  minuteStates: MinuteStates,
  now: Date,
  options: { mergeGap?: number; staleMinutes?: number } = {},
): CurrentStatus | null {
  const { mergeGap = 0, staleMinutes = STALE_MINUTES } = options;
  const { states } = minuteStates;
  const nowIndex = Math.floor((now.getTime() - minuteStates.from.getTime()) / MINUTE_MS);
  if (nowIndex < 0 || nowIndex >= states.length) return null;
  const minutesSince = (index: number): number =>
    Math.max(0, Math.floor((now.getTime() - instantOf(minuteStates, index).getTime()) / MINUTE_MS));
  // The last minute with a reading, or where what is known stops (hourly data, not monitored).
  let last = nowIndex;
  while (last >= 0 && (states[last] === MINUTE.unknown || states[last] === MINUTE.pending)) last--;
  const lastState = last >= 0 ? (states[last] as MinuteState) : undefined;
  const outages = findOutages(minuteStates, { mergeGap });
  const reading = lastState === MINUTE.on || lastState === MINUTE.off;
  if (reading && nowIndex - last <= staleMinutes) {
    const state = lastState === MINUTE.on ? 'on' : 'off';
    const span = stateSpans(minuteStates, lastState, mergeGap).find(
      (s) => s.index <= last && last < s.index + s.length,
    );
    const sinceIndex = span?.index ?? last;
    return {
      state,
      since: instantOf(minuteStates, sinceIndex),
      sinceUncertain: uncertainAt(minuteStates, sinceIndex - 1),
      minutes: minutesSince(sinceIndex),
      lastReadingAt: instantOf(minuteStates, last),
      lastOutage: outages.filter((o) => indexOf(minuteStates, o.start) < sinceIndex).at(-1) ?? null,
    };
  }
  const lastOutage = outages.filter((o) => indexOf(minuteStates, o.start) <= last).at(-1) ?? null;
  if (lastState === undefined || lastState === MINUTE.notMonitored) {
    // No reading before now in the period. Nothing before it either (not monitored): no since at all.
    const monitored = lastState === undefined;
    return {
      state: 'unknown',
      since: monitored ? minuteStates.from : null,
      sinceUncertain: monitored,
      minutes: monitored ? minutesSince(0) : null,
      lastReadingAt: null,
      lastOutage,
    };
  }
  // Stale: the readings stopped. After hourly data the last reading is somewhere in that hour.
  return {
    state: 'unknown',
    since: instantOf(minuteStates, last + 1),
    sinceUncertain: !reading,
    minutes: minutesSince(last + 1),
    lastReadingAt: reading ? instantOf(minuteStates, last) : null,
    lastOutage,
  };
}

function bucket(minuteStates: MinuteStates, label: string, start: Date, end: Date): Bucket {
  return { label, start, end, first: indexOf(minuteStates, start), last: indexOf(minuteStates, end) };
}

/** The local days the minute states cover, each clipped to them. A DST day is 23 or 25 hours long. */
export function localDays(minuteStates: MinuteStates, tz: string): Bucket[] {
  const from = minuteStates.from;
  const to = instantOf(minuteStates, minuteStates.states.length);
  const out: Bucket[] = [];
  for (let date = formatLocalDate(from, tz); ; date = addLocalDays(date, 1)) {
    const start = startOfLocalDay(date, tz);
    if (start >= to) break;
    const end = startOfLocalDay(addLocalDays(date, 1), tz);
    const clippedStart = new Date(Math.max(start.getTime(), from.getTime()));
    const clippedEnd = new Date(Math.min(end.getTime(), to.getTime()));
    out.push(bucket(minuteStates, date, clippedStart, clippedEnd));
  }
  return out;
}

/** The local hours of [start, end): a boundary wherever the local clock reads :00. */
export function localHours(minuteStates: MinuteStates, tz: string, start: Date, end: Date): Bucket[] {
  const out: Bucket[] = [];
  let t = start.getTime();
  while (t < end.getTime()) {
    // One read of the local clock per hour (this runs for every hour of a report). Counted in instants:
    // in Kathmandu (+05:45) a local hour starts at :15 UTC, and on Lord Howe Island one lasts 30 minutes.
    const clock = new TZDate(t, tz);
    const next = Math.min(t + (60 - clock.getMinutes()) * MINUTE_MS, end.getTime());
    out.push(
      bucket(minuteStates, `${zeroPad(clock.getHours())}:${zeroPad(clock.getMinutes())}`, new Date(t), new Date(next)),
    );
    t = next;
  }
  return out;
}
