/**
 * Report periods: exact [from, to) instants in UTC for local days, months and the last N days or
 * hours in a time zone. Pure: `now` is passed in; reading them from option text is `cli/period.ts`.
 */
import { addHours } from 'date-fns';
import { formatDuration } from './format.js';
import { DAY_MS, floorToMinute, HOUR_MS, MINUTE_MS } from './time.js';
import { addLocalDays, formatClock, formatLocalDate, formatLocalDay, startOfLocalDay } from './zone.js';

/** Longest period a report covers (a minute series of it is kept in memory). */
export const MAX_PERIOD_DAYS = 400;

/** [from, to) in UTC. */
export interface TimeRange {
  from: Date;
  to: Date;
}

export type PeriodKind = 'day' | 'month' | 'range' | 'last';

export interface Period extends TimeRange {
  kind: PeriodKind;
  tz: string;
}

/** The local day `date` (`YYYY-MM-DD`) in `tz`: 24 hours, or 23 or 25 on a DST change. */
export function localDay(date: string, tz: string): TimeRange {
  return { from: startOfLocalDay(date, tz), to: startOfLocalDay(addLocalDays(date, 1), tz) };
}

/** The local days `first` through `last` (`YYYY-MM-DD`, both included) in `tz`. */
export function localDaySpan(first: string, last: string, tz: string): TimeRange {
  return { from: localDay(first, tz).from, to: localDay(last, tz).to };
}

/** The local month `YYYY-MM` in `tz`. */
export function localMonth(month: string, tz: string): TimeRange {
  const [year = 0, monthOfYear = 1] = month.split('-').map(Number);
  const next = new Date(Date.UTC(year, monthOfYear, 1)).toISOString().slice(0, 7);
  return { from: startOfLocalDay(`${month}-01`, tz), to: startOfLocalDay(`${next}-01`, tz) };
}

/** `YYYY-MM-DD`: the local date at `now` in `tz`. */
export function localToday(now: Date, tz: string): string {
  return formatLocalDate(now, tz);
}

/** The last `count` whole local days, today (still going on) included. */
export function lastLocalDays(count: number, tz: string, now: Date): TimeRange {
  const today = localToday(now, tz);
  return localDaySpan(addLocalDays(today, 1 - count), today, tz);
}

/** The last `count` hours, exactly, up to and including the current minute. */
export function lastHours(count: number, now: Date): TimeRange {
  const to = new Date(floorToMinute(now).getTime() + MINUTE_MS);
  return { from: addHours(to, -count), to };
}

/** `range` widened to whole minutes (a series has one state per minute). */
export function wholeMinutes(range: TimeRange): TimeRange {
  return {
    from: floorToMinute(range.from),
    to: new Date(Math.ceil(range.to.getTime() / MINUTE_MS) * MINUTE_MS),
  };
}

/** True when `range` is longer than a report may be: `MAX_PERIOD_DAYS` local days, DST changes allowed for. */
export function exceedsMaxPeriod(range: TimeRange): boolean {
  return range.to.getTime() - range.from.getTime() > MAX_PERIOD_DAYS * DAY_MS + 2 * HOUR_MS;
}

const isLocalMidnight = (instant: Date, tz: string): boolean =>
  startOfLocalDay(formatLocalDate(instant, tz), tz).getTime() === instant.getTime();

/**
 * A period as people say it, with its length and zone: `Mon 24 Nov – Sun 30 Nov 2025 · 7 days ·
 * Europe/Kyiv` for whole local days (the last day named is included), `Sun 30 Nov 2025 14:05 – Mon
 * 1 Dec 14:05 · 24 h 00 min · Europe/Kyiv` for any other span (the end is the moment it stops).
 */
export function describePeriod(range: TimeRange, tz: string): string {
  const { from, to } = range;
  const sameYear = (a: Date, b: Date): boolean =>
    formatLocalDate(a, tz).slice(0, 4) === formatLocalDate(b, tz).slice(0, 4);
  if (isLocalMidnight(from, tz) && isLocalMidnight(to, tz)) {
    const lastDay = new Date(to.getTime() - MINUTE_MS);
    const first = formatLocalDate(from, tz);
    const last = formatLocalDate(lastDay, tz);
    const count = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS) + 1;
    const days =
      first === last
        ? formatLocalDay(from, tz, { year: true })
        : `${formatLocalDay(from, tz, { year: !sameYear(from, lastDay) })} – ${formatLocalDay(lastDay, tz, { year: true })}`;
    return `${days} · ${count} ${count === 1 ? 'day' : 'days'} · ${tz}`;
  }
  const sameDay = formatLocalDate(from, tz) === formatLocalDate(to, tz);
  const start = `${formatLocalDay(from, tz, { year: true })} ${formatClock(from, tz)}`;
  const end = sameDay
    ? formatClock(to, tz)
    : `${formatLocalDay(to, tz, { year: !sameYear(from, to) })} ${formatClock(to, tz)}`;
  const length = formatDuration(Math.round((to.getTime() - from.getTime()) / MINUTE_MS));
  return `${start} – ${end} · ${length} · ${tz}`;
}
