/** Generated readings with known answers. */
import type { Series } from '../../src/domain/keys.js';
import { type MinuteRecord, minuteRecord, type Reading } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';

export const SERIES: Series = { device: 'alex_rpi', pin: 4 };

/** One minute record per minute in [from, from + minutes), skipping where `reading` returns null. */
export function generateMinutes(
  series: Series,
  from: Date,
  minutes: number,
  reading: (minuteIndex: number, at: Date) => Reading | null,
): MinuteRecord[] {
  const out: MinuteRecord[] = [];
  for (let i = 0; i < minutes; i++) {
    // Readings are taken a few seconds into the minute, as cron does.
    const at = new Date(from.getTime() + i * 60_000 + 3_241);
    const value = reading(i, at);
    if (value !== null) out.push(minuteRecord(series, formatTimestamp(at, 241_969), value));
  }
  return out;
}
