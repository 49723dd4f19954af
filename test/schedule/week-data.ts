/**
 * A week in Europe/Kyiv (2025-10-22 to 2025-10-28, with the 25-hour 2025-10-26) against the plan in
 * test/fixtures/schedule/week-2.1.ics: evenings 18:00-21:00 daily but 2025-10-24 (EXDATE), and
 * 09:00-12:00 on 2025-10-26. The outages match, start late, overrun, fall short, miss a window, and
 * one is not planned at all; the monitor was down through one window. The answers follow.
 */
import { join } from 'node:path';
import type { Reading } from '../../src/domain/records.js';
import { generateMinutes, SERIES } from '../support/data.js';

export const TZ = 'Europe/Kyiv';
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'schedule');
export const WEEK_ICS = join(FIXTURES, 'week-2.1.ics');
/** Local 2025-10-22 00:00 (+03:00) to 2025-10-29 00:00 (+02:00): 7 days, 169 hours. */
export const FROM = new Date('2025-10-21T21:00:00Z');
export const TO = new Date('2025-10-28T22:00:00Z');
export const MINUTES = (TO.getTime() - FROM.getTime()) / 60_000;

const at = (iso: string): number => new Date(iso).getTime();
export const OFF_RUNS: [number, number][] = [
  [at('2025-10-22T18:00:00+03:00'), at('2025-10-22T21:00:00+03:00')], // as planned
  [at('2025-10-23T18:20:00+03:00'), at('2025-10-23T21:00:00+03:00')], // 20 min late
  [at('2025-10-24T14:02:00+03:00'), at('2025-10-24T14:42:00+03:00')], // not planned (the evening is EXDATEd)
  [at('2025-10-25T18:10:00+03:00'), at('2025-10-25T22:30:00+03:00')], // 10 min late, 90 min over
  [at('2025-10-27T18:00:00+02:00'), at('2025-10-27T19:00:00+02:00')], // one hour of three
  [at('2025-10-28T18:05:00+02:00'), at('2025-10-28T20:55:00+02:00')], // 5 min late, 5 min short
];
/** The monitor was down through the evening window of the DST day. */
export const UNKNOWN_RUNS: [number, number][] = [[at('2025-10-26T17:30:00+02:00'), at('2025-10-26T21:30:00+02:00')]];

const inside = (runs: [number, number][], t: number): boolean => runs.some(([a, b]) => t >= a && t < b);

export function weekMinutes(series = SERIES) {
  return generateMinutes(series, FROM, MINUTES, (_i, when): Reading | null => {
    const minute = Math.floor(when.getTime() / 60_000) * 60_000;
    if (inside(UNKNOWN_RUNS, minute)) return null;
    return inside(OFF_RUNS, minute) ? 0 : 1;
  });
}

const day = (date: string, t: Record<string, number | null>) => ({
  date,
  plannedMinutes: 0,
  plannedOffMinutes: 0,
  plannedUnknownMinutes: 0,
  offMinutes: 0,
  unplannedOffMinutes: 0,
  noPlanOffMinutes: 0,
  planShare: null,
  averageStartDelayMinutes: null,
  ...t,
});

/** As the JSON shows them (shares to 4 decimals). */
export const EXPECTED_PLAN_DAYS = [
  day('2025-10-22', {
    plannedMinutes: 180,
    plannedOffMinutes: 180,
    offMinutes: 180,
    planShare: 1,
    averageStartDelayMinutes: 0,
  }),
  day('2025-10-23', {
    plannedMinutes: 180,
    plannedOffMinutes: 160,
    offMinutes: 160,
    planShare: 0.8889,
    averageStartDelayMinutes: 20,
  }),
  day('2025-10-24', { offMinutes: 40, unplannedOffMinutes: 40 }),
  day('2025-10-25', {
    plannedMinutes: 180,
    plannedOffMinutes: 170,
    offMinutes: 260,
    planShare: 0.9444,
    averageStartDelayMinutes: 10,
  }),
  // Both windows of the 25-hour day: the morning one with power on, the evening one without a reading.
  day('2025-10-26', { plannedMinutes: 360, plannedUnknownMinutes: 180, planShare: 0 }),
  day('2025-10-27', {
    plannedMinutes: 180,
    plannedOffMinutes: 60,
    offMinutes: 60,
    planShare: 0.3333,
    averageStartDelayMinutes: 0,
  }),
  day('2025-10-28', {
    plannedMinutes: 180,
    plannedOffMinutes: 170,
    offMinutes: 170,
    planShare: 0.9444,
    averageStartDelayMinutes: 5,
  }),
];

export const EXPECTED_PLAN_TOTALS = {
  plannedMinutes: 1260,
  plannedOffMinutes: 740,
  plannedUnknownMinutes: 180,
  offMinutes: 870,
  unplannedOffMinutes: 40,
  noPlanOffMinutes: 0,
  // 740 / (1260 - 180)
  planShare: 0.6852,
  // (0 + 20 + 10 + 0 + 5) / 5
  averageStartDelayMinutes: 7,
};

const w = (
  start: string,
  end: string,
  status: string,
  off: number,
  on: number,
  unknown: number,
  delay: number | null,
  endDifference: number | null,
) => ({
  start,
  end,
  minutes: 180,
  possible: false,
  status,
  offMinutes: off,
  onMinutes: on,
  unknownMinutes: unknown,
  startDelayMinutes: delay,
  endDifferenceMinutes: endDifference,
});

export const EXPECTED_WINDOWS = [
  w('2025-10-22T18:00:00+03:00', '2025-10-22T21:00:00+03:00', 'happened', 180, 0, 0, 0, 0),
  w('2025-10-23T18:00:00+03:00', '2025-10-23T21:00:00+03:00', 'happened', 160, 20, 0, 20, 0),
  w('2025-10-25T18:00:00+03:00', '2025-10-25T21:00:00+03:00', 'happened', 170, 10, 0, 10, 90),
  w('2025-10-26T09:00:00+02:00', '2025-10-26T12:00:00+02:00', 'notAtAll', 0, 180, 0, null, null),
  w('2025-10-26T18:00:00+02:00', '2025-10-26T21:00:00+02:00', 'unknown', 0, 0, 180, null, null),
  w('2025-10-27T18:00:00+02:00', '2025-10-27T21:00:00+02:00', 'partly', 60, 120, 0, 0, -120),
  w('2025-10-28T18:00:00+02:00', '2025-10-28T21:00:00+02:00', 'happened', 170, 10, 0, 5, -5),
];

export const EXPECTED_MATCHES = [
  { start: '2025-10-22T18:00:00+03:00', match: 'planned', window: 0, startDelayMinutes: 0, endDifferenceMinutes: 0 },
  { start: '2025-10-23T18:20:00+03:00', match: 'planned', window: 1, startDelayMinutes: 20, endDifferenceMinutes: 0 },
  {
    start: '2025-10-24T14:02:00+03:00',
    match: 'unplanned',
    window: null,
    startDelayMinutes: null,
    endDifferenceMinutes: null,
  },
  { start: '2025-10-25T18:10:00+03:00', match: 'planned', window: 2, startDelayMinutes: 10, endDifferenceMinutes: 90 },
  { start: '2025-10-27T18:00:00+02:00', match: 'planned', window: 5, startDelayMinutes: 0, endDifferenceMinutes: -120 },
  { start: '2025-10-28T18:05:00+02:00', match: 'planned', window: 6, startDelayMinutes: 5, endDifferenceMinutes: -5 },
];
