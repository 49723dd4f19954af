/** Placeholder until the period parsing moves here (branch tz): the UTC range of aggregate and copy. */
import { DAY_MS, parseDateOrTimestamp, parseUtcDate } from '../domain/time.js';
import { UsageError } from './errors.js';

function parseInstant(value: string, source: string): Date {
  const date = parseDateOrTimestamp(value);
  if (!date) {
    throw new UsageError(
      `invalid ${source} ${JSON.stringify(value)}: use YYYY-MM-DD or an ISO time with zone, e.g. 2025-06-21T19:00:00Z`,
    );
  }
  return date;
}

export function parseUtcRange(fromText: string, toText: string): { from: Date; to: Date } {
  const from = parseInstant(fromText, '--from');
  const toDay = parseUtcDate(toText);
  const to = toDay ? new Date(toDay.getTime() + DAY_MS) : parseInstant(toText, '--to');
  if (from >= to) throw new UsageError(`--from ${fromText} is not before --to ${toText}`);
  return { from, to };
}
export { resolvePeriod } from '../domain/period.js';
