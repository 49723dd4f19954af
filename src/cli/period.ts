/**
 * `--day`, `--month`, `--from/--to`, `--last` and `--tz` as typed: option text → a period or a range,
 * or a UsageError that names the option.
 *
 * `--from/--to` mean the same for every command; only the zone of the days differs:
 * - a date is a whole day: `--from` starts with it, `--to` includes it;
 * - a date-time is an instant: `--to` excludes it.
 * blackout-report counts days in `--tz` and reads a date-time without a zone as local time there.
 * blackout-aggregate and blackout-copy count UTC days and want a date-time with its zone (ISO-8601).
 */
import {
  exceedsMaxPeriod,
  lastHours,
  lastLocalDays,
  localDay,
  localMonth,
  localToday,
  MAX_PERIOD_DAYS,
  type Period,
  type TimeRange,
  wholeMinutes,
} from '../domain/period.js';
import { MINUTE_MS, parseTimestamp, parseUtcDate } from '../domain/time.js';
import { formatLocalDate, isTimeZone, type LocalTime, zonedInstant } from '../domain/zone.js';
import { UsageError } from './errors.js';

export interface PeriodOptions {
  day?: string;
  month?: string;
  from?: string;
  to?: string;
  last?: string;
}

export function parseTimeZone(tz: string, source = '--tz'): string {
  if (!isTimeZone(tz)) {
    throw new UsageError(`invalid ${source} ${JSON.stringify(tz)}: an IANA time zone such as Europe/Kyiv or UTC`);
  }
  return tz;
}

const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
const LAST_RE = /^(\d{1,4})([hd])$/;

/** `text` when it is a real calendar date `YYYY-MM-DD`. */
function parseDate(text: string): string | undefined {
  return parseUtcDate(text) ? text : undefined;
}

/** A date of a report: from 1970, the epoch the stored times count from. */
function parseReportDate(text: string): string | undefined {
  const date = parseDate(text);
  return date !== undefined && Number(date.slice(0, 4)) >= 1970 ? date : undefined;
}

/** A date-time, zoned (an instant) or plain (local wall-clock time in `tz`); seconds kept, fractions dropped. */
function parseReportDateTime(text: string, tz: string): Date | undefined {
  const m = DATE_TIME_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', zone] = m;
  const wall: LocalTime = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi) };
  if (!parseReportDate(`${y}-${mo}-${d}`) || wall.hour > 23 || wall.minute > 59 || Number(s) > 59) return undefined;
  const seconds = Number(s) * 1000;
  if (zone === undefined) return new Date(zonedInstant(wall, tz).getTime() + seconds);
  let offset = 0;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) + seconds - offset * MINUTE_MS);
}

/** How a command reads the ends of `--from/--to`. */
interface RangeReading {
  /** Dates are whole days in this zone. */
  zone: string;
  date(text: string): string | undefined;
  dateTime(text: string): Date | undefined;
  /** What the message for an end it cannot read asks for. */
  expected: string;
}

function reportReading(tz: string): RangeReading {
  return {
    zone: tz,
    date: parseReportDate,
    dateTime: (text) => parseReportDateTime(text, tz),
    expected: 'use YYYY-MM-DD or a date-time like 2025-10-26T03:30 or 2025-10-26T01:30:00Z',
  };
}

const UTC_READING: RangeReading = {
  zone: 'UTC',
  date: parseDate,
  dateTime: parseTimestamp,
  expected: 'use YYYY-MM-DD or an ISO time with seconds and zone, e.g. 2025-06-21T19:00:00Z',
};

/** One end of `--from/--to`: the start of the day (the end of it for `--to`) or the instant. */
function parseBound(text: string, flag: '--from' | '--to', reading: RangeReading): Date {
  const date = reading.date(text);
  if (date !== undefined) {
    const day = localDay(date, reading.zone);
    return flag === '--to' ? day.to : day.from;
  }
  const instant = reading.dateTime(text);
  if (instant) return instant;
  throw new UsageError(`invalid ${flag} ${JSON.stringify(text)}: ${reading.expected}`);
}

function ordered(range: TimeRange, fromText: string, toText: string): TimeRange {
  if (range.from >= range.to) throw new UsageError(`--from ${fromText} is not before --to ${toText}`);
  return range;
}

/** `--from/--to` of blackout-aggregate and blackout-copy: UTC days, zoned date-times. */
export function parseUtcRange(fromText: string, toText: string): TimeRange {
  const from = parseBound(fromText, '--from', UTC_READING);
  const to = parseBound(toText, '--to', UTC_READING);
  return ordered({ from, to }, fromText, toText);
}

/** Resolves the period options of a report; one way of choosing a period at most. Default: the last 7 days. */
export function resolvePeriod(options: PeriodOptions, tz: string, now: Date): Period {
  const chosen = [
    options.day !== undefined && '--day',
    options.month !== undefined && '--month',
    (options.from !== undefined || options.to !== undefined) && '--from/--to',
    options.last !== undefined && '--last',
  ].filter((x): x is string => typeof x === 'string');
  if (chosen.length > 1) throw new UsageError(`choose one period: ${chosen.join(' or ')}, not several`);
  const period = chosenPeriod(options, tz, now);
  if (exceedsMaxPeriod(period)) throw new UsageError(`period too long: at most ${MAX_PERIOD_DAYS} days per report`);
  // A period that has not begun has nothing to show: a mistyped year, not an empty report.
  if (period.from.getTime() > now.getTime()) {
    throw new UsageError(
      `the period starts in the future (${formatLocalDate(period.from, tz)}): nothing to report yet`,
    );
  }
  return period;
}

function chosenPeriod(options: PeriodOptions, tz: string, now: Date): Period {
  if (options.day !== undefined) {
    const date = parseReportDate(options.day);
    if (!date) throw new UsageError(`invalid --day ${JSON.stringify(options.day)}: a date YYYY-MM-DD`);
    return { kind: 'day', ...localDay(date, tz), tz };
  }
  if (options.month !== undefined) {
    if (!MONTH_RE.test(options.month) || !parseReportDate(`${options.month}-01`)) {
      throw new UsageError(`invalid --month ${JSON.stringify(options.month)}: a month YYYY-MM`);
    }
    return { kind: 'month', ...localMonth(options.month, tz), tz };
  }
  if (options.from !== undefined || options.to !== undefined) {
    if (options.from === undefined) throw new UsageError('--to needs --from');
    const reading = reportReading(tz);
    const from = parseBound(options.from, '--from', reading);
    // Without --to: through today for a date, up to now for a date-time.
    const to =
      options.to !== undefined
        ? parseBound(options.to, '--to', reading)
        : reading.date(options.from) !== undefined
          ? localDay(localToday(now, tz), tz).to
          : now;
    return { kind: 'range', ...wholeMinutes(ordered({ from, to }, options.from, options.to ?? 'now')), tz };
  }
  const last = options.last ?? '7d';
  const m = LAST_RE.exec(last);
  const count = Number(m?.[1]);
  if (!m || count < 1) {
    throw new UsageError(`invalid --last ${JSON.stringify(last)}: a number of hours or days, e.g. 24h, 7d or 30d`);
  }
  // Days: whole local days ending with today (the rest of today is pending). Hours: exact, up to now.
  return { kind: 'last', ...(m[2] === 'd' ? lastLocalDays(count, tz, now) : lastHours(count, now)), tz };
}
