/**
 * What a report says about a monitor installed during the period, the status now, and a gap at the
 * start of a period of a monitor that ran before it — the same checks against SQLite and DynamoDB.
 */
import { expect } from 'vitest';
import { resolvePeriod } from '../../src/cli/period.js';
import type { Series } from '../../src/domain/keys.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import type { Source } from '../../src/report/load.js';
import { createReport } from '../../src/report/report.js';
import type { Store } from '../../src/stores/store.js';
import { silentLogger } from '../../src/utils/log.js';
import { generateMinutes } from '../support/data.js';
import {
  FRESH_DAYS,
  FRESH_NOW,
  FRESH_OUTAGES,
  FRESH_STATUS,
  FRESH_TOTALS,
  FRESH_TZ,
  freshMinutes,
} from './fresh-data.js';

const SOURCES: Source[] = ['raw', 'auto', 'aggregated'];

export async function freshReport(
  store: Store,
  series: Series,
  options: Parameters<typeof resolvePeriod>[0] & { source?: Source; now?: Date; tz?: string; mergeGap?: number },
) {
  const now = options.now ?? FRESH_NOW;
  const tz = options.tz ?? FRESH_TZ;
  const period = resolvePeriod(options, tz, now);
  const request = { line: series, mode: 'dev', period, source: options.source ?? 'auto', now };
  return createReport(store, options.mergeGap === undefined ? request : { ...request, mergeGap: options.mergeGap });
}

const dayCounts = (
  days: { date: string; on: number; off: number; unknown: number; pending: number; notMonitored: number }[],
) =>
  days.map(({ date, on, off, unknown, pending, notMonitored }) => ({ date, on, off, unknown, pending, notMonitored }));

/** The week of a monitor installed on the 28th: from every source, before and after aggregation. */
export async function checkInstalledDuringPeriod(store: Store, series: Series): Promise<void> {
  await store.putMinutes(freshMinutes({ series }));
  for (const source of ['raw', 'auto'] as const) {
    const { json } = (await freshReport(store, series, { source })).report;
    expect(json.monitoringSince).toBe('2026-11-28T10:17:00+02:00');
    expect({ ...json.totals, onShare: 0 }).toEqual({ ...FRESH_TOTALS, onShare: 0 });
    expect(dayCounts(json.days)).toEqual(FRESH_DAYS);
    expect(json.outages).toEqual(FRESH_OUTAGES);
    // The time before the monitor existed is no gap; the one missed minute is.
    expect(json.gaps).toEqual([{ start: '2026-11-28T21:17:00+02:00', end: '2026-11-28T21:18:00+02:00', minutes: 1 }]);
    expect(json.status).toEqual(FRESH_STATUS);
  }
  // Hourly data not written yet: the hours without items are unknown, but monitoring began at 10:17 all the same.
  const before = (await freshReport(store, series, { source: 'aggregated' })).report.json;
  expect(before.monitoringSince).toBe('2026-11-28T10:17:00+02:00');
  expect(before.totals.notMonitored).toBe(4937);
  // Its status reads the last two hours' minutes: ON since 13:00 or earlier, which is true.
  expect(before.status).toEqual({
    ...FRESH_STATUS,
    since: '2026-12-01T13:00:00+02:00',
    sinceUncertain: true,
    minutes: 60,
    lastOutage: null,
  });

  await aggregate(store, series, silentLogger());
  for (const source of SOURCES) {
    const { json } = (await freshReport(store, series, { source })).report;
    expect(json.monitoringSince, source).toBe('2026-11-28T10:17:00+02:00');
    expect({ ...json.totals, onShare: 0 }, source).toEqual({ ...FRESH_TOTALS, onShare: 0 });
    expect(dayCounts(json.days), source).toEqual(FRESH_DAYS);
    // The last two hours come from their minutes, whatever the source: the status is exact.
    expect(json.status, source).toEqual(FRESH_STATUS);
    if (source !== 'aggregated') expect(json.outages, source).toEqual(FRESH_OUTAGES);
  }
  // --merge-gap 0: the outage of the 28th is two again, each uncertain at the missed minute.
  const split = (await freshReport(store, series, { source: 'raw', mergeGap: 0 })).report.json;
  expect(split.mergeGap).toBe(0);
  expect(split.outages.map((o) => [o.start.slice(11, 16), o.end.slice(11, 16), o.minutes, o.missingMinutes])).toEqual([
    ['19:45', '21:17', 92, 0],
    ['21:18', '21:45', 27, 0],
    ['09:00', '12:00', 180, 0],
  ]);
  expect(split.totals).toEqual((await freshReport(store, series, { source: 'raw' })).report.json.totals);
}

/** Stale: more than five minutes after the last reading the power is unknown, no reading since 13:59. */
export async function checkStaleStatus(store: Store, series: Series): Promise<void> {
  await store.putMinutes(freshMinutes({ series }));
  const at = (iso: string) => freshReport(store, series, { source: 'auto', now: new Date(iso) });
  expect((await at('2026-12-01T12:04:59Z')).report.json.status?.state).toBe('on');
  expect((await at('2026-12-01T12:06:30Z')).report.json.status).toEqual({
    state: 'unknown',
    since: '2026-12-01T14:00:00+02:00',
    sinceUncertain: false,
    minutes: 6,
    lastReadingAt: '2026-12-01T13:59:00+02:00',
    lastOutage: FRESH_OUTAGES[1],
  });
  // A period that does not include now has no status.
  const past = (await freshReport(store, series, { day: '2026-11-30', source: 'auto' })).report.json;
  expect(past.status).toBeNull();
}

/**
 * A monitor that ran before the period and was down at its start: the start is unknown (a gap),
 * never "not monitored" — told by the minutes not aggregated yet, by the hours of the period's first
 * UTC day, and by days items months earlier.
 */
export async function checkDownAtPeriodStart(store: Store, series: Series): Promise<void> {
  // Down from 00:00 to 03:00 local on the 29th.
  await store.putMinutes(freshMinutes({ series, extraGap: ['2026-11-28T22:00:00Z', '2026-11-29T01:00:00Z'] }));
  const expectGap = async (sources: Source[]) => {
    for (const source of sources) {
      const { json } = (await freshReport(store, series, { day: '2026-11-29', source })).report;
      expect(json.monitoringSince, source).toBeNull();
      expect(json.totals.notMonitored, source).toBe(0);
      expect(json.totals.unknown, source).toBe(180);
      expect(json.gaps, source).toEqual([
        { start: '2026-11-29T00:00:00+02:00', end: '2026-11-29T03:00:00+02:00', minutes: 180 },
      ]);
    }
  };
  // Minutes only (the status index says there are some before); hourly data would be all unknown.
  await expectGap(['raw', 'auto']);
  await aggregate(store, series, silentLogger());
  await expectGap(SOURCES); // the hours items of the UTC day the period starts in
  // A period that starts at UTC midnight: only the days items before it can tell.
  const utc = (await freshReport(store, series, { day: '2026-11-29', tz: 'UTC', source: 'raw' })).report.json;
  expect(utc.totals.notMonitored).toBe(0);
  expect(utc.totals.unknown).toBe(60);
}

/** Readings months before, then silence until the 28th: the silence is unknown, not "not monitored". */
export async function checkLongSilenceBefore(store: Store, series: Series): Promise<void> {
  await store.putMinutes(generateMinutes(series, new Date('2026-09-10T10:00:00Z'), 60, () => 1));
  await store.putMinutes(freshMinutes({ series }));
  await aggregate(store, series, silentLogger());
  const { json, stats } = await freshReport(store, series, { source: 'raw' }).then((r) => ({
    json: r.report.json,
    stats: r.stats,
  }));
  expect(json.monitoringSince).toBeNull();
  expect(json.totals.notMonitored).toBe(0);
  expect(json.totals.unknown).toBe(4937 + 1);
  expect(json.gaps[0]).toEqual({ start: '2026-11-25T00:00:00+02:00', end: '2026-11-28T10:17:00+02:00', minutes: 4937 });
  // The look-back: the status index, the hours of the first UTC day, and the days items of 14 months.
  expect(stats.lookbackReads).toBeGreaterThan(0);
}
