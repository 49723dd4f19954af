/**
 * The sentences a report leads with, shared by the table, the HTML page and the calendar: the status
 * now, since when monitoring runs, an outage's span. Times are local clock times, with the day in
 * words when it is not the day of the report (`Sat 23 Nov 21:40`).
 */
import { formatDuration } from '../domain/format.js';
import type { Outage } from '../domain/outages.js';
import { describePeriod } from '../domain/period.js';
import { MINUTE_MS } from '../domain/time.js';
import { formatClock, formatLocalDate, formatLocalDay } from '../domain/zone.js';
import type { Report } from './model.js';

/** `14:02` on the day of the report, `Sat 23 Nov 14:02` on another. */
export function when(instant: Date, report: Report): string {
  const { tz } = report;
  const clock = formatClock(instant, tz);
  return formatLocalDate(instant, tz) === formatLocalDate(report.generatedAt, tz)
    ? clock
    : `${formatLocalDay(instant, tz)} ${clock}`;
}

/** `09:00–12:00`, `Sat 23 Nov 21:40 – Sun 24 Nov 01:10` across midnight. */
export function outageSpan(outage: Pick<Outage, 'start' | 'end'>, report: Report): string {
  const { tz } = report;
  const sameDay = formatLocalDate(outage.start, tz) === formatLocalDate(new Date(outage.end.getTime() - 1), tz);
  return sameDay
    ? `${when(outage.start, report)}–${formatClock(outage.end, tz)}`
    : `${when(outage.start, report)} – ${when(outage.end, report)}`;
}

/** `3 h 00 min`, `≥ 47 min` when an edge is uncertain. */
export function outageLength(outage: Pick<Outage, 'minutes' | 'startUncertain' | 'endUncertain'>): string {
  return formatDuration(outage.minutes, { atLeast: outage.startUncertain || outage.endUncertain });
}

export interface StatusWords {
  /** `Power ON`, `Power OFF`, `Power UNKNOWN`. */
  head: string;
  /** `since 14:02 (3 h 12 min)`, `no reading since 14:07 (2 h 05 min)`. */
  detail: string;
  /** `last outage 09:00–12:00, 3 h 00 min`, or `no outage in this period`. */
  lastOutage: string;
}

/** The status in words, or null when the report has none (the period does not include now). */
export function statusWords(report: Report): StatusWords | null {
  const status = report.status;
  if (!status) return null;
  const now = report.generatedAt;
  const minutesFrom = (instant: Date): number =>
    Math.max(0, Math.floor((now.getTime() - instant.getTime()) / MINUTE_MS));
  let detail: string;
  if (status.state !== 'unknown' && status.since) {
    const length = formatDuration(status.minutes ?? 0, { atLeast: status.sinceUncertain });
    detail = `since ${when(status.since, report)}${status.sinceUncertain ? ' or earlier' : ''} (${length})`;
  } else if (status.lastReadingAt) {
    detail = `no reading since ${when(status.lastReadingAt, report)} (${formatDuration(minutesFrom(status.lastReadingAt))})`;
  } else if (status.since) {
    detail = `no reading since ${when(status.since, report)} or earlier (${formatDuration(status.minutes ?? 0, { atLeast: true })})`;
  } else {
    detail = 'not monitored (no reading yet)';
  }
  const last = status.lastOutage;
  return {
    head: `Power ${status.state.toUpperCase()}`,
    detail,
    lastOutage: last ? `last outage ${outageSpan(last, report)}, ${outageLength(last)}` : 'no outage in this period',
  };
}

/** `Power ON since 14:02 (3 h 12 min) · last outage 09:00–12:00, 3 h 00 min`. */
export function statusLine(report: Report): string | null {
  const words = statusWords(report);
  if (!words) return null;
  const separator = report.status?.state === 'unknown' ? ': ' : ' ';
  return `${words.head}${separator}${words.detail} · ${words.lastOutage}`;
}

/** `Monitoring since Fri 28 Nov 10:17 · not monitored before: 93 h 32 min, not counted`, or null. */
export function monitoringLine(report: Report): string | null {
  const notMonitored = report.json.totals.notMonitored;
  if (notMonitored === 0) return null;
  const length = formatDuration(notMonitored);
  if (!report.monitoringSince) return `Not monitored: no reading in this period or before it (${length}, not counted).`;
  const since = `${formatLocalDay(report.monitoringSince, report.tz)} ${formatClock(report.monitoringSince, report.tz)}`;
  return `Monitoring since ${since} · not monitored before: ${length}, not counted`;
}

/** `Mon 24 Nov – Sun 30 Nov 2025 · 7 days · Europe/Kyiv`. */
export function periodWords(report: Report): string {
  return describePeriod(report.period, report.tz);
}
