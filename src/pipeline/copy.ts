/**
 * Copies a date range of all three granularities from one store to another, idempotently: minutes
 * through the never-overwrite put (so copying twice, or into a store that already has some of the
 * readings, changes nothing), hours and days as they are — except where the target kept its own
 * reading of a minute: those hours and their days are recomputed from the target's minutes, so its
 * aggregates always agree with its readings.
 */

import { keyText, parseItemKey, partitionKeysBetween, rollupKey, type Series, TABLES } from '../domain/keys.js';
import type { AggregateRecord, MinuteRecord } from '../domain/records.js';
import { floorToHour, HOUR_MS } from '../domain/time.js';
import { chunk, type Store } from '../stores/store.js';
import type { Logger } from '../utils/log.js';
import { aggregate } from './aggregate.js';

export interface CopySummary {
  minutes: { stored: number; duplicates: number; conflicts: number };
  hours: number;
  days: number;
  /** Hours (and their days) recomputed on the target because it kept its own reading of a minute. */
  recomputedHours: number;
}

export async function copyRange(
  source: Store,
  target: Store,
  series: Series,
  range: { from: Date; to: Date },
  log: Logger,
  partitionsPerRound = 100,
): Promise<CopySummary> {
  const summary: CopySummary = {
    minutes: { stored: 0, duplicates: 0, conflicts: 0 },
    hours: 0,
    days: 0,
    recomputedHours: 0,
  };
  // Hours and days items (`pk sk`) not to copy: they would not match the target's minutes.
  const skip = new Set<string>();
  const conflictHours = new Map<string, Date>();
  for (const table of TABLES) {
    for (const round of chunk(partitionKeysBetween(table, series, range.from, range.to), partitionsPerRound)) {
      // Partitions are wider than the range (a month of days, a day of hours): copy only the items whose
      // minute, hour or day begins in it, so the target keeps its own items outside the range.
      const items = [...(await source.readPartitions(table, round)).values()].flat().filter((item) => {
        const start = parseItemKey(table, item)?.start;
        return start !== undefined && start >= range.from && start < range.to && !skip.has(keyText(item));
      });
      if (table === 'minutes') {
        const put = await target.putMinutes(items as MinuteRecord[]);
        summary.minutes.stored += put.stored.length;
        summary.minutes.duplicates += put.duplicates.length;
        summary.minutes.conflicts += put.conflicts.length;
        for (const { incoming, existing } of put.conflicts) {
          log.warn(
            { key: keyText(incoming), sourceTs: incoming.ts, targetTs: existing.ts },
            'target already holds another reading for this minute; kept it',
          );
          const hour = rollupKey('minutes', incoming.pk);
          const day = hour && rollupKey('hours', hour.pk);
          const start = parseItemKey('minutes', incoming)?.start;
          if (!hour || !day || !start) continue;
          skip.add(keyText(hour)).add(keyText(day));
          conflictHours.set(keyText(hour), floorToHour(start));
        }
      } else {
        await target.putAggregates(table, items as AggregateRecord[]);
        summary[table] += items.length;
      }
    }
  }
  for (const hourStart of conflictHours.values()) {
    await aggregate(target, series, log, { range: { from: hourStart, to: new Date(hourStart.getTime() + HOUR_MS) } });
    summary.recomputedHours++;
  }
  return summary;
}
