/**
 * A period as one state per minute (`MinuteStates`), and what a report derives from it: totals,
 * counts per local day or hour, outages (maximal runs of OFF minutes) and gaps (runs of minutes
 * without a reading). Pure: the loader builds the minute states, renderers format the results.
 */
import { TZDate } from '@date-fns/tz';
import { zeroPad } from './format.js';
import { MINUTE_MS } from './time.js';
import { addLocalDays, formatLocalDate, startOfLocalDay } from './zone.js';

/** Minute states. `unresolved`: from an hours item with both ON and OFF minutes, order unknown. */
export const MINUTE = { unknown: 0, on: 1, off: 2, pending: 3, unresolved: 4 } as const;
export type MinuteState = (typeof MINUTE)[keyof typeof MINUTE];
export const STATE_NAMES = ['unknown', 'on', 'off', 'pending', 'unresolved'] as const;

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
  minutes: number;
  /** The minute before is unknown, unresolved or outside the period: it may have started earlier. */
  startUncertain: boolean;
  /** The minute after is unknown, unresolved, pending or outside the period: it may have lasted longer. */
  endUncertain: boolean;
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
  const counts: StateCounts = { on: 0, off: 0, unknown: 0, pending: 0 };
  const { states } = minuteStates;
  for (let i = first; i < last; i++) {
    const s = states[i];
    if (s === MINUTE.on) counts.on++;
    else if (s === MINUTE.off) counts.off++;
    else if (s === MINUTE.unknown) counts.unknown++;
    else if (s === MINUTE.pending) counts.pending++;
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
export function onShare(counts: StateCounts): number | null {
  const known = counts.on + counts.off;
  return known === 0 ? null : counts.on / known;
}

const UNCERTAIN_NEIGHBOURS: ReadonlySet<number> = new Set([MINUTE.unknown, MINUTE.unresolved, MINUTE.pending]);

/** Every maximal run of OFF minutes, with its edges marked uncertain where the neighbour is not known. */
export function findOutages(minuteStates: MinuteStates): Outage[] {
  const { states } = minuteStates;
  return runs(minuteStates)
    .filter((r) => r.state === MINUTE.off)
    .map((r) => {
      const before = r.index - 1;
      const after = r.index + r.length;
      return {
        start: instantOf(minuteStates, r.index),
        end: instantOf(minuteStates, after),
        minutes: r.length,
        startUncertain: before < 0 || UNCERTAIN_NEIGHBOURS.has(states[before] ?? MINUTE.unknown),
        endUncertain: after >= states.length || UNCERTAIN_NEIGHBOURS.has(states[after] ?? MINUTE.unknown),
      };
    });
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
