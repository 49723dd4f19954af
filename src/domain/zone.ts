/**
 * Local time in an IANA zone. Storage is UTC; reports and messages turn instants into local days,
 * hours and clock times here. Pure: the tz database is the runtime's (Intl), read by @date-fns/tz.
 *
 * From an instant to its local date, clock time or offset is date-fns in the zone's context
 * (`{ in: tz(zone) }`). From a local wall-clock time to its instant is the one helper `occurrences`
 * below, because TZDate cannot be trusted with it (see there).
 */
import { tz, tzOffset } from '@date-fns/tz';
import { format, getHours, getMinutes } from 'date-fns';
import { DAY_MS, MINUTE_MS, utcDate } from './time.js';

/** A wall-clock time: what a clock on the wall in the zone shows. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** True when the runtime knows `zone` as a time zone. */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone !== '';
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
  // An empty or unusable TZ leaves Intl with `Etc/Unknown`, which no formatter takes.
  const resolved = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return resolved && resolved !== 'Etc/Unknown' && isTimeZone(resolved) ? resolved : 'UTC';
}

const inZone = (zone: string) => ({ in: tz(zone) });

/** `YYYY-MM-DD`: the local date of `instant`. */
export function formatLocalDate(instant: Date | number, zone: string): string {
  const iso = formatLocalIso(instant, zone);
  // A year of other than four digits (date-fns' way in formatLocalIso) cannot be cut at fixed places.
  return iso[10] === 'T' ? iso.slice(0, 10) : format(instant, 'yyyy-MM-dd', inZone(zone));
}

/** `HH:MM` local. */
export function formatLocalClock(instant: Date | number, zone: string): string {
  const iso = formatLocalIso(instant, zone);
  return iso[10] === 'T' ? iso.slice(11, 16) : format(instant, 'HH:mm', inZone(zone));
}

/** The local date in words, English: `Mon 25 Nov`, or `Mon 25 Nov 2026` with the year. */
export function formatLocalDay(instant: Date | number, zone: string, options: { year?: boolean } = {}): string {
  return format(instant, options.year ? 'EEE d MMM yyyy' : 'EEE d MMM', inZone(zone));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** ISO-8601 local time with its offset, to the minute: `2025-10-26T03:00:00+02:00`. */
export function formatLocalIso(instant: Date | number, zone: string): string {
  const t = +instant;
  const offset = tzOffset(zone, new Date(t));
  const local = new Date((Math.floor(t / MINUTE_MS) + offset) * MINUTE_MS);
  const year = local.getUTCFullYear();
  // A report writes this for every day, outage and gap: one read of the zone's offset and arithmetic,
  // not date-fns' several. Offsets with seconds (local mean time before 1900) and years date-fns
  // would not write in four digits go the long way.
  if (!Number.isInteger(offset) || year < 1000 || year > 9999) {
    return format(instant, "yyyy-MM-dd'T'HH:mm':00'xxx", inZone(zone));
  }
  const size = Math.abs(offset);
  return `${year}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}T${pad2(local.getUTCHours())}:${pad2(
    local.getUTCMinutes(),
  )}:00${offset < 0 ? '-' : '+'}${pad2(Math.floor(size / 60))}:${pad2(size % 60)}`;
}

/** Minutes past the local hour at `instant` (not past the UTC hour: India is 30 minutes off it). */
export function localMinuteOfHour(instant: Date | number, zone: string): number {
  return getMinutes(instant, inZone(zone));
}

/** Minutes since local midnight by the clock at `instant`: 210 at 03:30, in both 03:30s of a repeated hour. */
export function localMinuteOfDay(instant: Date | number, zone: string): number {
  return getHours(instant, inZone(zone)) * 60 + getMinutes(instant, inZone(zone));
}

/** True when the UTC offset of `zone` is the same at `a` and `b` (no DST change between them). */
export function sameOffset(a: Date | number, b: Date | number, zone: string): boolean {
  return tzOffset(zone, new Date(a)) === tzOffset(zone, new Date(b));
}

/**
 * The instants at which a wall-clock time happens in `zone`, earliest first: one, none in a DST gap,
 * two in an overlap; and the offset in force before the change. `wallAsUtc` is the wall time read as
 * if it were UTC.
 *
 * This is the one case date-fns cannot say: TZDate builds a wall time through the host's own `Date`,
 * so near a DST change the answer depends on the machine's zone. On a UTC host the repeated 03:30 in
 * Kyiv becomes the later instant, on a Kyiv host the earlier; on a Kyiv host 02:00 on 2015-03-29 in
 * Europe/London (which exists) becomes 03:00. Offsets a day either side cover every real change (none
 * lasts more than a few hours); each candidate is kept when the zone really has that offset then.
 */
function occurrences(wallAsUtc: number, zone: string): { instants: number[]; offsetBefore: number } {
  const offsetBefore = tzOffset(zone, new Date(wallAsUtc - DAY_MS));
  const offsetAfter = tzOffset(zone, new Date(wallAsUtc + DAY_MS));
  const instants = [...new Set([offsetBefore, offsetAfter])]
    .filter((offset) => tzOffset(zone, new Date(wallAsUtc - offset * MINUTE_MS)) === offset)
    .map((offset) => wallAsUtc - offset * MINUTE_MS)
    .sort((a, b) => a - b);
  return { instants, offsetBefore };
}

/**
 * The instant of a local wall-clock time. A time in a DST gap (that does not exist) is moved forward by
 * the gap (03:30 → 04:30, so a skipped midnight becomes the moment the clocks jumped); a time in an
 * overlap (that exists twice) is the earlier one.
 */
export function zonedInstant(wall: LocalTime, zone: string): Date {
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const { instants, offsetBefore } = occurrences(wallAsUtc, zone);
  // Read with the offset before the gap, the time lands as far after the jump as it was into the gap.
  return new Date(instants[0] ?? wallAsUtc - offsetBefore * MINUTE_MS);
}

/**
 * True when the local clock time of `instant` occurs twice in `zone` (the hour repeated when DST ends,
 * or half an hour on Lord Howe Island).
 */
export function isAmbiguousLocalTime(instant: Date | number, zone: string): boolean {
  const t = +instant;
  return occurrences(t + tzOffset(zone, new Date(t)) * MINUTE_MS, zone).instants.length > 1;
}

function dateParts(date: string): { year: number; month: number; day: number } {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return { year, month, day };
}

/** Local midnight at the start of the local date `YYYY-MM-DD` (or the first instant of that day). */
export function startOfLocalDay(date: string, zone: string): Date {
  return zonedInstant({ ...dateParts(date), hour: 0, minute: 0 }, zone);
}

/**
 * The local date `YYYY-MM-DD` `days` after `date`: calendar arithmetic, no zone involved. Not date-fns
 * `addDays`, which steps the wall clock through the host's `Date` (on a host in Samoa, which skipped
 * 2011-12-30, even a UTC TZDate goes from 2011-12-29 to 2011-12-31).
 */
export function addLocalDays(date: string, days: number): string {
  const { year, month, day } = dateParts(date);
  return utcDate(new Date(Date.UTC(year, month - 1, day + days)));
}

/** Local `HH:MM`, and the UTC offset (`+03:00`) only when that clock time is ambiguous. */
export function clockParts(instant: Date | number, zone: string): { clock: string; offset?: string } {
  const clock = formatLocalClock(instant, zone);
  return isAmbiguousLocalTime(instant, zone) ? { clock, offset: format(instant, 'xxx', inZone(zone)) } : { clock };
}

/** Local `HH:MM`, with the UTC offset when that clock time is ambiguous: `03:30 (+03:00)`. */
export function formatClock(instant: Date | number, zone: string): string {
  const { clock, offset } = clockParts(instant, zone);
  return offset ? `${clock} (${offset})` : clock;
}
