import type { Reading } from '../domain/records.js';
import { DAY_MS, MINUTE_MS } from '../domain/time.js';
import type { Sensor } from './sensor.js';

/** Small deterministic hash (Mulberry32 step) so the same minute always gives the same answer. */
function hash(n: number): number {
  let t = (n + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** The UTC minute and day numbers of `at`, and the minute within that day. */
function minuteOf(at: Date): { minute: number; day: number; minuteOfDay: number } {
  const minute = Math.floor(at.getTime() / MINUTE_MS);
  const day = Math.floor(at.getTime() / DAY_MS);
  return { minute, day, minuteOfDay: minute - day * 1440 };
}

/**
 * The simulated grid: scheduled rolling blackouts (two windows a day whose start moves with the
 * day, like published outage schedules) plus a few random short outages. A pure function of the
 * minute, so demos and tests are repeatable.
 */
function simulatedReading(at: Date): Reading {
  const { minute, day, minuteOfDay } = minuteOf(at);
  // Scheduled: a 3-hour and a 2-hour window, shifted by up to ~2 h depending on the day.
  const shift = Math.floor(hash(day) * 8) * 15;
  const windows: [number, number][] = [
    [8 * 60 + shift, 11 * 60 + shift],
    [18 * 60 + shift, 20 * 60 + shift],
  ];
  if (windows.some(([start, end]) => minuteOfDay >= start && minuteOfDay < end)) return 0;
  // Random: in about one hour out of twelve, a 5–40 minute outage.
  const hour = Math.floor(minute / 60);
  if (hash(hour * 7919) < 1 / 12) {
    const start = Math.floor(hash(hour * 104729) * 50);
    const length = 5 + Math.floor(hash(hour * 1299709) * 36);
    const inHour = minute - hour * 60;
    if (inHour >= start && inHour < start + length) return 0;
  }
  return 1;
}

/**
 * When the simulated monitor itself was down (no reading at all): on about half the days a 25-minute
 * stretch in the afternoon, and in about one hour out of twenty a single minute. A pure function of the
 * minute, like the grid, so every run that covers a day records the same readings for it.
 */
export function simulatedMonitorDown(at: Date): boolean {
  const { minute, day, minuteOfDay } = minuteOf(at);
  if (hash(day * 31) < 0.5 && minuteOfDay >= 14 * 60 + 10 && minuteOfDay < 14 * 60 + 35) return true;
  const hour = Math.floor(minute / 60);
  return hash(hour * 2654435) < 1 / 20 && minute - hour * 60 === 17;
}

export class SimulatedSensor implements Sensor {
  readonly description = 'simulated grid';

  async read(at: Date): Promise<Reading> {
    return simulatedReading(at);
  }
}
