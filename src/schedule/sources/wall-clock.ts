/** Local wall-clock minutes of a date, as the Ukrainian utilities publish them, to instants. */
import { MINUTE_MS } from '../../domain/time.js';
import { addLocalDays, localMinuteOfDay, startOfLocalDay, zonedInstant } from '../../domain/zone.js';

/** Where the utilities' local times are. */
export const KYIV = 'Europe/Kyiv';

/**
 * Minute `minuteOfDay` (0-1440) of local `date` by the wall clock: 240 is 04:00 even on a day the
 * clocks changed, 1440 the next midnight. Every time the clocks skipped is the instant they jumped,
 * so a window inside the skipped hour is empty; on the day the clocks go back the repeated hour is
 * counted twice (03:00-04:00 then lasts 120 minutes).
 */
export function wallClockInstant(date: string, minuteOfDay: number, zone: string): Date {
  if (minuteOfDay >= 1440) return startOfLocalDay(addLocalDays(date, 1), zone);
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const instant = zonedInstant(
    { year, month, day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 },
    zone,
  );
  // zonedInstant moves a skipped time forward by the gap (03:30 → 04:30); back to the jump itself,
  // or the first and second half of a skipped hour would become half an hour after it.
  let t = instant.getTime();
  while (localMinuteOfDay(t, zone) !== minuteOfDay && localMinuteOfDay(t - MINUTE_MS, zone) >= minuteOfDay) {
    t -= MINUTE_MS;
  }
  return new Date(t);
}

/** The whole local day [00:00, next 00:00). */
export function localDaySpan(date: string, zone: string): { start: Date; end: Date } {
  return { start: startOfLocalDay(date, zone), end: startOfLocalDay(addLocalDays(date, 1), zone) };
}
