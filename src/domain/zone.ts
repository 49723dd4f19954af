/**
 * Local time in an IANA zone, on top of Intl only. Storage is UTC; reports turn instants into local
 * days and hours here. Pure (Intl's tz database is part of the runtime, not I/O).
 */
import { MINUTE_MS } from './time.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

/** True when the runtime knows `tz` as a time zone. */
export function isTimeZone(tz: string): boolean {
  if (tz.trim() === '') return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone the process runs in. `TZ` (passed in) is taken as written when valid, because Intl
 * reports some zones by their old alias (Europe/Kyiv comes back as Europe/Kiev).
 */
export function systemTimeZone(tzVariable: string | undefined): string {
  const named = tzVariable?.replace(/^:/, '');
  if (named && isTimeZone(named)) return named;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Wall-clock time of `instant` in `tz` (seconds dropped). */
export function localTime(instant: Date | number, tz: string): LocalTime {
  const parts = formatterFor(tz).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** Minutes to add to UTC to get local time at `instant` (e.g. 180 for Kyiv in summer). */
export function offsetMinutes(instant: Date | number, tz: string): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const floored = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const t = localTime(floored, tz);
  return Math.round((Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - floored) / MINUTE_MS);
}

export function localDateLabel(t: Pick<LocalTime, 'year' | 'month' | 'day'>): string {
  return `${t.year}-${pad2(t.month)}-${pad2(t.day)}`;
}

/**
 * The instant of a local wall-clock time. A time in a DST gap (that does not exist) is moved forward by
 * the gap (03:30 → 04:30, so a skipped midnight becomes the moment the clocks jumped); a time in an
 * overlap (that exists twice) is the earlier one.
 */
export function zonedInstant(wall: LocalTime, tz: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // Offsets a day either side cover every real transition (none is longer than a few hours).
  const before = offsetMinutes(asUtc - 86_400_000, tz);
  const after = offsetMinutes(asUtc + 86_400_000, tz);
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset * MINUTE_MS)
    .filter((t) => {
      const back = localTime(t, tz);
      return Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute) === asUtc;
    });
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(asUtc - before * MINUTE_MS);
}

/** Local midnight at the start of the local date `YYYY-MM-DD` (or the first instant of that day). */
export function startOfLocalDay(date: string, tz: string): Date {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return zonedInstant({ year, month, day, hour: 0, minute: 0 }, tz);
}

/** The local date `YYYY-MM-DD` `days` after `date` (calendar arithmetic, no zone involved). */
export function addLocalDays(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `+03:00` style offset. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** ISO-8601 local time with its offset, to the minute: `2025-10-26T03:00:00+02:00`. */
export function formatLocalIso(instant: Date | number, tz: string): string {
  const t = localTime(instant, tz);
  return `${localDateLabel(t)}T${pad2(t.hour)}:${pad2(t.minute)}:00${formatOffset(offsetMinutes(instant, tz))}`;
}

/** `HH:MM` local. */
export function formatLocalClock(instant: Date | number, tz: string): string {
  const t = localTime(instant, tz);
  return `${pad2(t.hour)}:${pad2(t.minute)}`;
}
