/**
 * The report: the stable JSON shape (documented in the README) plus what the renderers draw from
 * (the minute states and the local day buckets). Built from loaded minute states, no I/O.
 */
import type { Series } from '../domain/keys.js';
import {
  type Bucket,
  countMinutes,
  findGaps,
  findOutages,
  localDays,
  localHours,
  type MinuteStates,
  onShare,
  type StateCounts,
} from '../domain/outages.js';
import type { Period } from '../domain/period.js';
import { DAY_MS, MINUTE_MS } from '../domain/time.js';
import { formatLocalClock, formatLocalIso, formatOffset, offsetMinutes } from '../domain/zone.js';
import type { Source } from './load.js';

export interface CountsJson {
  on: number;
  off: number;
  unknown: number;
  pending: number;
}

export interface TotalsJson extends CountsJson {
  /** ON / (ON + OFF), null when no minute is known. */
  onShare: number | null;
}

export interface DayJson extends CountsJson {
  date: string;
  start: string;
  end: string;
  /** Length of the (clipped) local day in minutes: 1440, or 1380/1500 on a DST change. */
  minutes: number;
}

export interface HourJson extends CountsJson {
  /** Local start, `HH:MM` (an hour repeated by a DST change appears twice, with different offsets in `start`). */
  hour: string;
  start: string;
  end: string;
}

export interface OutageJson {
  start: string;
  end: string;
  minutes: number;
  startUncertain: boolean;
  endUncertain: boolean;
}

export interface GapJson {
  start: string;
  end: string;
  minutes: number;
}

export interface ReportJson {
  device: string;
  pin: number;
  mode: string;
  tz: string;
  from: string;
  to: string;
  source: Source;
  totals: TotalsJson;
  days: DayJson[];
  hours: HourJson[];
  outages: OutageJson[];
  gaps: GapJson[];
}

export interface Report {
  json: ReportJson;
  minuteStates: MinuteStates;
  tz: string;
  /** Local days of the period, clipped to it, in the same order as `json.days`. */
  days: Bucket[];
  generatedAt: Date;
}

const counts = (c: CountsJson): CountsJson => ({ on: c.on, off: c.off, unknown: c.unknown, pending: c.pending });

export function buildReport(input: {
  line: Series;
  mode: string;
  period: Period;
  source: Source;
  minuteStates: MinuteStates;
  now: Date;
}): Report {
  const { minuteStates, period } = input;
  const tz = period.tz;
  const iso = (d: Date): string => formatLocalIso(d, tz);
  const total = countMinutes(minuteStates);
  const days = localDays(minuteStates, tz);
  const hours = period.kind === 'day' ? localHours(minuteStates, tz, period.from, period.to) : [];
  return {
    json: {
      device: input.line.device,
      pin: input.line.pin,
      mode: input.mode,
      tz,
      from: iso(period.from),
      to: iso(period.to),
      source: input.source,
      totals: { ...counts(total), onShare: onShare(total) },
      days: days.map((d) => ({
        date: d.label,
        start: iso(d.start),
        end: iso(d.end),
        minutes: d.last - d.first,
        ...counts(countMinutes(minuteStates, d.first, d.last)),
      })),
      hours: hours.map((h) => ({
        hour: h.label,
        start: iso(h.start),
        end: iso(h.end),
        ...counts(countMinutes(minuteStates, h.first, h.last)),
      })),
      outages: findOutages(minuteStates).map((o) => ({ ...o, start: iso(o.start), end: iso(o.end) })),
      gaps: findGaps(minuteStates).map((g) => ({ ...g, start: iso(g.start), end: iso(g.end) })),
    },
    minuteStates,
    tz,
    days,
    generatedAt: input.now,
  };
}

export interface HourCell {
  /** Local hour of day 0-23 (twice the same on a 25-hour day). */
  hourOfDay: number;
  bucket: Bucket;
  counts: StateCounts;
}

/** The local hours of one day of the report with their counts. */
export function hourCells(report: Report, day: Bucket): HourCell[] {
  return localHours(report.minuteStates, report.tz, day.start, day.end).map((bucket) => ({
    hourOfDay: Number(bucket.label.slice(0, 2)),
    bucket,
    counts: countMinutes(report.minuteStates, bucket.first, bucket.last),
  }));
}

/** "47 min", "≥ 47 min" when an edge is uncertain, "2 h 05 min" for longer ones. */
export function formatDuration(minutes: number, uncertain = false): string {
  const text =
    minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  return uncertain ? `≥ ${text}` : text;
}

export function formatShare(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)}%`;
}

/**
 * True when the local clock time of `instant` occurs twice in `tz` (the hour repeated when DST ends):
 * the same wall time under the offset in force a day before or after is a real instant too.
 */
export function isAmbiguousLocalTime(instant: Date | number, tz: string): boolean {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  const own = offsetMinutes(t, tz);
  for (const other of [offsetMinutes(t - DAY_MS, tz), offsetMinutes(t + DAY_MS, tz)]) {
    if (other !== own && offsetMinutes(t + (own - other) * MINUTE_MS, tz) === other) return true;
  }
  return false;
}

/** Local `HH:MM`, and the UTC offset (`+03:00`) only when that clock time is ambiguous. */
export function clockParts(instant: Date | number, tz: string): { clock: string; offset?: string } {
  const clock = formatLocalClock(instant, tz);
  return isAmbiguousLocalTime(instant, tz) ? { clock, offset: formatOffset(offsetMinutes(instant, tz)) } : { clock };
}

/** Local `HH:MM`, with the UTC offset when that clock time is ambiguous: `03:30 (+03:00)`. */
export function formatClock(instant: Date | number, tz: string): string {
  const { clock, offset } = clockParts(instant, tz);
  return offset ? `${clock} (${offset})` : clock;
}
