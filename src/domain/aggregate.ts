/**
 * Aggregation math: minutes → one hour item, hours → one day item. Pure; the pipeline feeds it
 * whole partitions read from a store.
 */
import { type Series, statusKey } from './keys.js';
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

/**
 * Counts one hour from its minute items. A minute is counted once even if it appears twice
 * (first item wins); items whose sk is not a minute of the hour are ignored.
 */
export function countHour(minutes: readonly Pick<MinuteRecord, 'sk' | 'reading'>[]): AggregateCounts {
  const seen = new Set<string>();
  let on = 0;
  let off = 0;
  for (const m of minutes) {
    if (!/^time#[0-5]\d$/.test(m.sk) || seen.has(m.sk)) continue;
    seen.add(m.sk);
    if (m.reading === 1) on++;
    else off++;
  }
  return { on, off, unknown: MINUTES_PER_HOUR - on - off, expected: MINUTES_PER_HOUR, count: on + off };
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
