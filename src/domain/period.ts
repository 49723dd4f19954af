/**
 * The report period: `--day`, `--month`, `--from/--to`, `--last` → an exact [from, to) in UTC,
 * minute-aligned, resolved in the report's time zone. Dates are whole local days (`--to` inclusive);
 * date-times are instants (`--to` exclusive). Pure: `now` is passed in.
 */
import { MINUTE_MS } from './time.js';
import { UsageError } from './validate.js';
import { addLocalDays, formatLocalDate, isTimeZone, type LocalTime, startOfLocalDay, zonedInstant } from './zone.js';

/** Longest period a report covers (a minute series of it is kept in memory). */
export const MAX_PERIOD_DAYS = 400;

export interface PeriodOptions {
  day?: string;
  month?: string;
  from?: string;
  to?: string;
  last?: string;
}

export type PeriodKind = 'day' | 'month' | 'range' | 'last';

export interface Period {
  kind: PeriodKind;
  from: Date;
  to: Date;
  tz: string;
}

export function parseTimeZone(tz: string, source = '--tz'): string {
  if (!isTimeZone(tz)) {
    throw new UsageError(`invalid ${source} ${JSON.stringify(tz)}: an IANA time zone such as Europe/Kyiv or UTC`);
  }
  return tz;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
const LAST_RE = /^(\d{1,4})([hd])$/;

function validCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && year >= 1970;
}

/** `YYYY-MM-DD` → the same string, or undefined when it is not a real date. */
function parseDate(text: string): string | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  return validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? text : undefined;
}

/** A date-time, zoned (an instant) or plain (local wall-clock time in `tz`). */
function parseDateTime(text: string, tz: string): Date | undefined {
  const m = DATE_TIME_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', zone] = m;
  const wall: LocalTime = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi) };
  if (!validCalendarDate(wall.year, wall.month, wall.day) || wall.hour > 23 || wall.minute > 59 || Number(s) > 59) {
    return undefined;
  }
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

const floorMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const ceilMinute = (ms: number): number => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;

/** One bound of `--from`/`--to`: a date (whole local day) or a date-time. */
function parseBound(text: string, flag: '--from' | '--to', tz: string): Date {
  const date = parseDate(text);
  if (date) return startOfLocalDay(flag === '--to' ? addLocalDays(date, 1) : date, tz);
  const instant = parseDateTime(text, tz);
  if (instant) return instant;
  throw new UsageError(
    `invalid ${flag} ${JSON.stringify(text)}: use YYYY-MM-DD or a date-time like 2025-10-26T03:30 or 2025-10-26T01:30:00Z`,
  );
}

function today(now: Date, tz: string): string {
  return formatLocalDate(now, tz);
}

/** Resolves the period options; exactly one way of choosing a period may be used. Default: the last 7 days. */
export function resolvePeriod(options: PeriodOptions, tz: string, now: Date): Period {
  const chosen = [
    options.day !== undefined && '--day',
    options.month !== undefined && '--month',
    (options.from !== undefined || options.to !== undefined) && '--from/--to',
    options.last !== undefined && '--last',
  ].filter((x): x is string => typeof x === 'string');
  if (chosen.length > 1) throw new UsageError(`choose one period: ${chosen.join(' or ')}, not several`);

  let period: Period;
  if (options.day !== undefined) {
    const date = parseDate(options.day);
    if (!date) throw new UsageError(`invalid --day ${JSON.stringify(options.day)}: a date YYYY-MM-DD`);
    period = { kind: 'day', from: startOfLocalDay(date, tz), to: startOfLocalDay(addLocalDays(date, 1), tz), tz };
  } else if (options.month !== undefined) {
    const m = MONTH_RE.exec(options.month);
    if (!m || !validCalendarDate(Number(m[1]), Number(m[2]), 1)) {
      throw new UsageError(`invalid --month ${JSON.stringify(options.month)}: a month YYYY-MM`);
    }
    const first = `${options.month}-01`;
    const next = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1)).toISOString().slice(0, 10);
    period = { kind: 'month', from: startOfLocalDay(first, tz), to: startOfLocalDay(next, tz), tz };
  } else if (options.from !== undefined || options.to !== undefined) {
    if (options.from === undefined) throw new UsageError('--to needs --from');
    const from = parseBound(options.from, '--from', tz);
    // Without --to: through today for a date, up to now for a date-time.
    const to =
      options.to !== undefined
        ? parseBound(options.to, '--to', tz)
        : parseDate(options.from)
          ? startOfLocalDay(addLocalDays(today(now, tz), 1), tz)
          : now;
    if (from >= to) throw new UsageError(`--from ${options.from} is not before --to ${options.to ?? 'now'}`);
    period = { kind: 'range', from: new Date(floorMinute(from.getTime())), to: new Date(ceilMinute(to.getTime())), tz };
  } else {
    const last = options.last ?? '7d';
    const m = LAST_RE.exec(last);
    const count = Number(m?.[1]);
    if (!m || count < 1) {
      throw new UsageError(`invalid --last ${JSON.stringify(last)}: a number of hours or days, e.g. 24h, 7d or 30d`);
    }
    if (m[2] === 'd') {
      // Whole local days ending with today; the rest of today is pending.
      const end = addLocalDays(today(now, tz), 1);
      period = { kind: 'last', from: startOfLocalDay(addLocalDays(end, -count), tz), to: startOfLocalDay(end, tz), tz };
    } else {
      // Exact hours up to and including the current minute.
      const to = floorMinute(now.getTime()) + MINUTE_MS;
      period = { kind: 'last', from: new Date(to - count * 3_600_000), to: new Date(to), tz };
    }
  }
  if (period.to.getTime() - period.from.getTime() > MAX_PERIOD_DAYS * 86_400_000 + 2 * 3_600_000) {
    throw new UsageError(`period too long: at most ${MAX_PERIOD_DAYS} days per report`);
  }
  return period;
}
