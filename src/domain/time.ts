/**
 * UTC time helpers. Storage is always UTC; local time zones only appear in reports.
 * Pure functions, no I/O.
 */

import { zeroPad } from './format.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the UTC day containing `date`. */
export function utcDate(date: Date): string {
  return `${date.getUTCFullYear()}-${zeroPad(date.getUTCMonth() + 1)}-${zeroPad(date.getUTCDate())}`;
}

/** `YYYY-MM` of the UTC month containing `date`. */
export function utcMonth(date: Date): string {
  return `${date.getUTCFullYear()}-${zeroPad(date.getUTCMonth() + 1)}`;
}

export function floorToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS);
}

export function floorToHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

export function floorToDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

export function floorToMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

export function addUtcMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

export function daysInUtcMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

/**
 * The Python version's timestamp format: Python's `datetime.isoformat()` of an aware UTC time,
 * e.g. `2025-06-21T19:00:03.241969+00:00` (microseconds, explicit +00:00 offset).
 * `micros` is the microsecond-of-second (0–999999); defaults to the milliseconds of `date`.
 */
export function formatTimestamp(date: Date, micros = date.getUTCMilliseconds() * 1000): string {
  const base = date.toISOString().slice(0, 19);
  return `${base}.${zeroPad(micros, 6)}+00:00`;
}

/** Now, with microseconds taken from the high-resolution clock. */
export function nowTimestamp(): string {
  const epochMicros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const date = new Date(Math.floor(epochMicros / 1000));
  return formatTimestamp(date, epochMicros % 1_000_000);
}

// Strict ISO-8601 instant with a zone: Python isoformat (microseconds optional), JS toISOString, or an offset.
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses a zoned ISO-8601 instant; returns `undefined` for anything else (including impossible dates). */
export function parseTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const ms = Number(`${frac}000`.slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(utc);
  // Reject 2025-02-30 and 25:00 rather than letting Date roll them over.
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    Number(s) > 59
  ) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return new Date(utc - offsetMinutes * MINUTE_MS);
}

/** Microseconds of a timestamp string, so a re-formatted stamp keeps the precision it was written with. */
export function timestampMicros(text: string): number {
  const frac = /\.(\d{1,9})/.exec(text)?.[1] ?? '';
  return Number(`${frac}000000`.slice(0, 6));
}

/**
 * The Python version's form of a zoned ISO instant (UTC, six fraction digits, `+00:00`); undefined when it is not
 * one. Python's isoformat leaves out a zero fraction, so one instant can be written two ways.
 */
export function canonicalTimestamp(text: string): string | undefined {
  const instant = parseTimestamp(text);
  return instant ? formatTimestamp(instant, timestampMicros(text)) : undefined;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a strict `YYYY-MM-DD` calendar date as UTC midnight. */
export function parseUtcDate(text: string): Date | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return utcDate(date) === text ? date : undefined;
}

/** Parses `YYYY-MM-DD` (UTC midnight) or a zoned ISO instant. */
export function parseDateOrTimestamp(text: string): Date | undefined {
  return parseUtcDate(text) ?? parseTimestamp(text);
}
