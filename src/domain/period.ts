/**
 * Report periods: exact [from, to) instants in UTC for local days, months and the last N days or
 * hours in a time zone. Pure: `now` is passed in; reading them from option text is `cli/period.ts`.
 */
import { addHours } from 'date-fns';
import { DAY_MS, floorToMinute, HOUR_MS, MINUTE_MS } from './time.js';
import { addLocalDays, formatLocalDate, startOfLocalDay } from './zone.js';

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
