/**
 * Input rules shared by every entrypoint, for options, environment variables and buffered files.
 * A device alias or mode becomes part of keys, paths and table names, so the rules are strict.
 */
import { UsageError } from '../cli/errors.js';
import { parseDateOrTimestamp } from './time.js';

export { UsageError };

const DEVICE_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const MODE_RE = /^[a-z0-9_-]{1,32}$/;

export function parseDevice(value: string, source = 'device'): string {
  if (!DEVICE_RE.test(value)) {
    throw new UsageError(`invalid ${source} ${JSON.stringify(value)}: use 1-64 of A-Z a-z 0-9 _ . -`);
  }
  return value;
}

export function parsePin(value: string, source = 'pin'): number {
  if (!/^\d{1,2}$/.test(value) || Number(value) > 53) {
    throw new UsageError(`invalid ${source} ${JSON.stringify(value)}: a BCM GPIO number 0-53`);
  }
  return Number(value);
}

export function parseMode(value: string, source = 'mode'): string {
  if (!MODE_RE.test(value)) {
    throw new UsageError(`invalid ${source} ${JSON.stringify(value)}: use 1-32 of a-z 0-9 _ -`);
  }
  return value;
}

/** Strict ISO date (`YYYY-MM-DD`, UTC) or zoned date-time. */
export function parseInstant(value: string, source: string): Date {
  const date = parseDateOrTimestamp(value);
  if (!date) {
    throw new UsageError(
      `invalid ${source} ${JSON.stringify(value)}: use YYYY-MM-DD or an ISO time with zone, e.g. 2025-06-21T19:00:00Z`,
    );
  }
  return date;
}

/** A clock this far ahead of another is still "now": a reading taken on one machine and checked on another. */
const CLOCK_SKEW_MS = 60_000;

/**
 * `--at`: the time a reading is stamped with. Never in the future: such a reading could not have been
 * taken, and it would take the minute from the real reading when that minute comes.
 */
export function parseReadingTime(value: string, source: string, now: Date): Date {
  const at = parseInstant(value, source);
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new UsageError(
      `invalid ${source} ${JSON.stringify(value)}: in the future (the clock says ${now.toISOString()}); readings can only be backfilled`,
    );
  }
  return at;
}

export function parsePositiveInt(value: string, source: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`invalid ${source} ${JSON.stringify(value)}: a whole number 1-${max}`);
  }
  return Number(value);
}

export function parseChoice<T extends string>(value: string, choices: readonly T[], source: string): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`invalid ${source} ${JSON.stringify(value)}: one of ${choices.join(', ')}`);
  }
  return value as T;
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off', ''];

/** A yes/no setting from the environment: 1/true/yes/on or 0/false/no/off (any case). */
export function parseFlag(value: string, source: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new UsageError(`invalid ${source} ${JSON.stringify(value)}: 1/true/yes/on or 0/false/no/off`);
}
