/**
 * Aggregation math: minutes → one hour item, hours → one day item. Pure; the pipeline feeds it
 * whole partitions read from a store.
 */
import { type Series, statusKey } from './keys.js';
import { MINUTE } from './outages.js';
import type { AggregateRecord, MinuteRecord } from './records.js';

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 1440;

/** The counts an hours or days item stores. */
export interface AggregateCounts {
  on: number;
  off: number;
  unknown: number;
  expected: number;
  count: number;
}

/** An hour's counts and its minutes in order (`by_minute`, see BY_MINUTE). */
export type HourCounts = AggregateCounts & { by_minute: string };

/**
 * An hours item's `by_minute`: one character per minute of the hour, in order — power, no power, no
 * reading. The Python version neither writes nor reads it (its items lack it); with it a report draws
 * a mixed hour from its hours item alone instead of reading the hour's 60 minutes.
 */
const BY_MINUTE = { on: '1', off: '0', none: '-' } as const;

/**
 * Counts one hour from its minute items. A minute is counted once even if it appears twice
 * (first item wins); items whose sk is not a minute of the hour are ignored.
 */
export function countHour(minutes: readonly Pick<MinuteRecord, 'sk' | 'reading'>[]): HourCounts {
  const chars: string[] = new Array(MINUTES_PER_HOUR).fill(BY_MINUTE.none);
  let on = 0;
  let off = 0;
  for (const m of minutes) {
    if (!/^time#[0-5]\d$/.test(m.sk)) continue;
    const minute = Number(m.sk.slice(5));
    if (chars[minute] !== BY_MINUTE.none) continue;
    chars[minute] = m.reading === 1 ? BY_MINUTE.on : BY_MINUTE.off;
    if (m.reading === 1) on++;
    else off++;
  }
  return {
    on,
    off,
    unknown: MINUTES_PER_HOUR - on - off,
    expected: MINUTES_PER_HOUR,
    count: on + off,
    by_minute: chars.join(''),
  };
}

/**
 * The 60 minute states (MINUTE.on, off or unknown) an hours item's `by_minute` spells, or undefined
 * when it has none or they disagree with its counts (written by another tool, or damaged): then
 * only the minutes themselves can say.
 */
export function statesByMinute(item: Pick<AggregateRecord, 'on' | 'off' | 'by_minute'>): Uint8Array | undefined {
  const text = item.by_minute;
  if (typeof text !== 'string' || text.length !== MINUTES_PER_HOUR) return undefined;
  const states = new Uint8Array(MINUTES_PER_HOUR);
  let on = 0;
  let off = 0;
  for (let m = 0; m < MINUTES_PER_HOUR; m++) {
    const c = text[m];
    if (c === BY_MINUTE.on) {
      states[m] = MINUTE.on;
      on++;
    } else if (c === BY_MINUTE.off) {
      states[m] = MINUTE.off;
      off++;
    } else if (c !== BY_MINUTE.none) return undefined;
  }
  return on === item.on && off === item.off ? states : undefined;
}

/**
 * Counts one UTC day from its hour items: on/off summed, count = number of minute readings
 * (the Python version's documented meaning), unknown = 1440 − on − off. Duplicate hours count once.
 */
export function countDay(hours: readonly Pick<AggregateRecord, 'sk' | 'on' | 'off'>[]): AggregateCounts {
  const seen = new Set<string>();
  let on = 0;
  let off = 0;
  for (const h of hours) {
    if (!/^time#([01]\d|2[0-3])$/.test(h.sk) || seen.has(h.sk)) continue;
    seen.add(h.sk);
    on += h.on;
    off += h.off;
  }
  return { on, off, unknown: MINUTES_PER_DAY - on - off, expected: MINUTES_PER_DAY, count: on + off };
}

/** Builds the aggregate item for `key` from counts, stamped `ts`, pending for the next level up. */
export function aggregateRecord(
  key: { pk: string; sk: string },
  series: Series,
  counts: AggregateCounts,
  ts: string,
): AggregateRecord {
  return { pk: key.pk, sk: key.sk, pk_status: statusKey(series, 'new'), ts, ...counts };
}
