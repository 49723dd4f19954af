/**
 * What each page shows, as reports built in the browser with the same code as `blackout-report`:
 * the minute states of the last N local days from the source, then `buildReport`. Pure apart from
 * the source it is given.
 */
import { type DashboardSource, type MinuteDetail, STATUS_DAYS } from '../dashboard/contract.js';
import type { Series } from '../domain/keys.js';
import { lastLocalDays, type Period } from '../domain/period.js';
import { buildReport, type Report } from '../report/model.js';
import type { DaysRange, Page } from './route.js';

/** Days each page looks back: the status as `blackout-report --last 7d`, outages as the calendar. */
export const RANGE_DAYS: Record<DaysRange, number> = { week: 7, month: 30 };
export const OUTAGE_DAYS = 30;

export function pageDays(page: Page, range: DaysRange): number {
  if (page === 'days') return RANGE_DAYS[range];
  if (page === 'outages') return OUTAGE_DAYS;
  return STATUS_DAYS;
}

/** The 30-day view shows counts per day and hour; the others need every minute (status, outages, gaps). */
export const pageDetail = (page: Page, range: DaysRange): MinuteDetail =>
  page === 'days' && range === 'month' ? 'hours' : 'minutes';

export function lastDaysPeriod(days: number, tz: string, now: Date): Period {
  return { ...lastLocalDays(days, tz, now), kind: 'last', tz };
}

export async function loadReport(
  source: DashboardSource,
  request: { series: Series; mode: string; days: number; tz: string; now: Date; detail?: MinuteDetail },
  signal?: AbortSignal,
): Promise<Report> {
  const { series, mode, tz, now } = request;
  const period = lastDaysPeriod(request.days, tz, now);
  const { minuteStates, monitoringSince } = await source.minuteStates(
    series,
    { from: period.from, to: period.to, tz, now, ...(request.detail ? { detail: request.detail } : {}) },
    signal,
  );
  return buildReport({ line: series, mode, period, source: 'auto', minuteStates, now, monitoringSince });
}

export const sameSeries = (a: Series, b: Series): boolean => a.device === b.device && a.pin === b.pin;
export const seriesName = (s: Series): string => `${s.device} · pin ${s.pin}`;
