/**
 * A monitor installed on Sat 28 Nov 2026 at 10:17 (Europe/Kyiv, +02:00), reported on with the default
 * `--last 7d` on Tue 1 Dec at 14:00:30: the first three days and ten hours of the week are before the
 * monitor existed. On the 28th the power is off 19:45–21:45 with one reading missed at 21:17 (the
 * outage of the issue, once split in two); on the 1st it is off 09:00–12:00 and on since.
 */
import type { Reading } from '../../src/domain/records.js';
import { generateMinutes, SERIES } from '../support/data.js';

export const FRESH_TZ = 'Europe/Kyiv';
export const INSTALLED = new Date('2026-11-28T08:17:00Z'); // 10:17 local
/** 14:00:30 local: the reading of 14:00 is not in yet. */
export const FRESH_NOW = new Date('2026-12-01T12:00:30Z');

const at = (iso: string): number => new Date(iso).getTime();
const OFF: [number, number][] = [
  [at('2026-11-28T17:45:00Z'), at('2026-11-28T19:45:00Z')], // 19:45–21:45 local
  [at('2026-12-01T07:00:00Z'), at('2026-12-01T10:00:00Z')], // 09:00–12:00 local
];
const MISSED = at('2026-11-28T19:17:00Z'); // 21:17 local

/** Every minute from INSTALLED up to FRESH_NOW's minute, but the missed one and `extraGap`. */
export function freshMinutes(options: { series?: typeof SERIES; extraGap?: [string, string] } = {}) {
  const minutes = Math.floor((FRESH_NOW.getTime() - INSTALLED.getTime()) / 60_000);
  const gap = options.extraGap?.map(at);
  return generateMinutes(options.series ?? SERIES, INSTALLED, minutes, (_i, when): Reading | null => {
    const minute = Math.floor(when.getTime() / 60_000) * 60_000;
    if (minute === MISSED) return null;
    if (gap && minute >= (gap[0] ?? 0) && minute < (gap[1] ?? 0)) return null;
    return OFF.some(([a, b]) => minute >= a && minute < b) ? 0 : 1;
  });
}

export const FRESH_OUTAGES = [
  {
    start: '2026-11-28T19:45:00+02:00',
    end: '2026-11-28T21:45:00+02:00',
    minutes: 120,
    startUncertain: false,
    endUncertain: false,
    missingMinutes: 1,
  },
  {
    start: '2026-12-01T09:00:00+02:00',
    end: '2026-12-01T12:00:00+02:00',
    minutes: 180,
    startUncertain: false,
    endUncertain: false,
    missingMinutes: 0,
  },
];

// 7 × 1440 minutes: 4937 before 10:17 on the 28th, 4543 since (one missed), 600 still to come today.
export const FRESH_TOTALS = { on: 4243, off: 299, unknown: 1, pending: 600, notMonitored: 4937 };

const day = (date: string, counts: Partial<typeof FRESH_TOTALS>) => ({
  date,
  on: 0,
  off: 0,
  unknown: 0,
  pending: 0,
  notMonitored: 0,
  ...counts,
});

export const FRESH_DAYS = [
  day('2026-11-25', { notMonitored: 1440 }),
  day('2026-11-26', { notMonitored: 1440 }),
  day('2026-11-27', { notMonitored: 1440 }),
  day('2026-11-28', { notMonitored: 617, on: 703, off: 119, unknown: 1 }),
  day('2026-11-29', { on: 1440 }),
  day('2026-11-30', { on: 1440 }),
  day('2026-12-01', { on: 660, off: 180, pending: 600 }),
];

export const FRESH_STATUS = {
  state: 'on',
  since: '2026-12-01T12:00:00+02:00',
  sinceUncertain: false,
  minutes: 120,
  lastReadingAt: '2026-12-01T13:59:00+02:00',
  lastOutage: FRESH_OUTAGES[1],
};
