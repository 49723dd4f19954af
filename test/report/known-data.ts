/**
 * Three local days in Europe/Kyiv around the 2025 DST change (2025-10-26 has 25 hours: 04:00 EEST
 * → 03:00 EET at 01:00 UTC) with known outages and gaps, and the answers a report must give.
 */
import type { Reading } from '../../src/domain/records.js';
import { generateMinutes, SERIES } from '../support/data.js';

export const TZ = 'Europe/Kyiv';
/** Local 2025-10-25 00:00 (+03:00) to local 2025-10-28 00:00 (+02:00): 24 + 25 + 24 hours. */
export const FROM = new Date('2025-10-24T21:00:00Z');
export const TO = new Date('2025-10-27T22:00:00Z');
export const MINUTES = (TO.getTime() - FROM.getTime()) / 60_000;

const at = (iso: string): number => new Date(iso).getTime();
const OFF_RUNS: [number, number][] = [
  [at('2025-10-25T20:40:00Z'), at('2025-10-25T21:25:00Z')], // A: across local midnight (23:40 → 00:25 +03)
  [at('2025-10-26T00:30:00Z'), at('2025-10-26T01:20:00Z')], // B: across the DST change (03:30 +03 → 03:20 +02)
  [at('2025-10-26T10:13:00Z'), at('2025-10-26T11:00:00Z')], // C: starts right after a gap
  [at('2025-10-27T06:05:00Z'), at('2025-10-27T06:20:00Z')], // D: inside one hour
];
const UNKNOWN_RUNS: [number, number][] = [
  [at('2025-10-26T10:00:00Z'), at('2025-10-26T10:13:00Z')], // 13 min without a reading before C
  [at('2025-10-27T13:00:00Z'), at('2025-10-27T15:30:00Z')], // 150 min: the monitor was down
];

const inside = (runs: [number, number][], t: number): boolean => runs.some(([a, b]) => t >= a && t < b);

export function knownMinutes(series = SERIES) {
  return generateMinutes(series, FROM, MINUTES, (_i, when): Reading | null => {
    const minute = Math.floor(when.getTime() / 60_000) * 60_000;
    if (inside(UNKNOWN_RUNS, minute)) return null;
    return inside(OFF_RUNS, minute) ? 0 : 1;
  });
}

export const EXPECTED_TOTALS = { on: 4060, off: 157, unknown: 163, pending: 0, notMonitored: 0 };

export const EXPECTED_DAYS = [
  {
    date: '2025-10-25',
    start: '2025-10-25T00:00:00+03:00',
    end: '2025-10-26T00:00:00+03:00',
    minutes: 1440,
    on: 1420,
    off: 20,
    unknown: 0,
    pending: 0,
    notMonitored: 0,
  },
  {
    date: '2025-10-26',
    start: '2025-10-26T00:00:00+03:00',
    end: '2025-10-27T00:00:00+02:00',
    minutes: 1500,
    on: 1365,
    off: 122,
    unknown: 13,
    pending: 0,
    notMonitored: 0,
  },
  {
    date: '2025-10-27',
    start: '2025-10-27T00:00:00+02:00',
    end: '2025-10-28T00:00:00+02:00',
    minutes: 1440,
    on: 1275,
    off: 15,
    unknown: 150,
    pending: 0,
    notMonitored: 0,
  },
];

export const EXPECTED_OUTAGES = [
  {
    start: '2025-10-25T23:40:00+03:00',
    end: '2025-10-26T00:25:00+03:00',
    minutes: 45,
    startUncertain: false,
    endUncertain: false,
    missingMinutes: 0,
  },
  {
    start: '2025-10-26T03:30:00+03:00',
    end: '2025-10-26T03:20:00+02:00',
    minutes: 50,
    startUncertain: false,
    endUncertain: false,
    missingMinutes: 0,
  },
  {
    start: '2025-10-26T12:13:00+02:00',
    end: '2025-10-26T13:00:00+02:00',
    minutes: 47,
    startUncertain: true,
    endUncertain: false,
    missingMinutes: 0,
  },
  {
    start: '2025-10-27T08:05:00+02:00',
    end: '2025-10-27T08:20:00+02:00',
    minutes: 15,
    startUncertain: false,
    endUncertain: false,
    missingMinutes: 0,
  },
];

export const EXPECTED_GAPS = [
  { start: '2025-10-26T12:00:00+02:00', end: '2025-10-26T12:13:00+02:00', minutes: 13 },
  { start: '2025-10-27T15:00:00+02:00', end: '2025-10-27T17:30:00+02:00', minutes: 150 },
];
