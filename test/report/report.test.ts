/**
 * Reports from a real SQLite file holding known generated readings: exact totals, days, hours,
 * outages and gaps in Europe/Kyiv across a DST change; raw = aggregated = auto on complete hours;
 * pending vs unknown around now.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/domain/period.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import type { Source } from '../../src/report/load.js';
import { createReport, renderReport } from '../../src/report/report.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { EXPECTED_DAYS, EXPECTED_GAPS, EXPECTED_OUTAGES, EXPECTED_TOTALS, knownMinutes, TZ } from './known-data.js';

const log = silentLogger();
// Long after the data: every hour is over.
const LATER = new Date('2026-01-01T00:00:00Z');

describe('report from SQLite', () => {
  let temp: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  beforeEach(() => {
    temp = tempDir('blackout-report-');
    store = new SqliteStore({ file: join(temp.dir, 'test.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  const report = async (options: Parameters<typeof resolvePeriod>[0], source: Source = 'raw', now = LATER) => {
    const period = resolvePeriod(options, TZ, now);
    return (await createReport(store, { line: SERIES, mode: 'dev', period, source, now })).report;
  };

  it('gives exact totals, local days, outages and gaps across midnight, an hour and a DST change', async () => {
    await store.putMinutes(knownMinutes());
    const { json } = await report({ from: '2025-10-25', to: '2025-10-27' });
    expect(json.from).toBe('2025-10-25T00:00:00+03:00');
    expect(json.to).toBe('2025-10-28T00:00:00+02:00');
    expect(json.tz).toBe(TZ);
    expect({ ...json.totals, onShare: undefined }).toEqual({ ...EXPECTED_TOTALS, onShare: undefined });
    expect(json.totals.onShare).toBeCloseTo(4060 / 4217, 12);
    expect(json.days).toEqual(EXPECTED_DAYS);
    expect(json.hours).toEqual([]);
    expect(json.outages).toEqual(EXPECTED_OUTAGES);
    expect(json.gaps).toEqual(EXPECTED_GAPS);
  });

  it('has 25 local hours on the DST day, the repeated hour twice with its own offset', async () => {
    await store.putMinutes(knownMinutes());
    const { json } = await report({ day: '2025-10-26' });
    expect(json.days).toEqual([EXPECTED_DAYS[1]]);
    expect(json.hours).toHaveLength(25);
    expect(json.hours.map((h) => h.hour.slice(0, 2))).toEqual([
      '00',
      '01',
      '02',
      '03',
      '03',
      ...Array.from({ length: 20 }, (_, i) => String(i + 4).padStart(2, '0')),
    ]);
    expect(json.hours[0]).toEqual({
      hour: '00:00',
      start: '2025-10-26T00:00:00+03:00',
      end: '2025-10-26T01:00:00+03:00',
      on: 35,
      off: 25,
      unknown: 0,
      pending: 0,
    });
    expect(json.hours.slice(3, 5)).toEqual([
      {
        hour: '03:00',
        start: '2025-10-26T03:00:00+03:00',
        end: '2025-10-26T03:00:00+02:00',
        on: 30,
        off: 30,
        unknown: 0,
        pending: 0,
      },
      {
        hour: '03:00',
        start: '2025-10-26T03:00:00+02:00',
        end: '2025-10-26T04:00:00+02:00',
        on: 40,
        off: 20,
        unknown: 0,
        pending: 0,
      },
    ]);
    // Outage A is cut by the start of the day: it may have begun earlier.
    expect(json.outages[0]).toEqual({
      start: '2025-10-26T00:00:00+03:00',
      end: '2025-10-26T00:25:00+03:00',
      minutes: 25,
      startUncertain: true,
      endUncertain: false,
    });
    expect(json.outages.slice(1)).toEqual(EXPECTED_OUTAGES.slice(1, 3));
    const table = renderReport(await report({ day: '2025-10-26' }), 'table', { colour: false }).split('\n');
    expect(table.filter((line) => line.startsWith('03:00'))).toEqual([
      '03:00+03:00   30   30        0        0  ▒',
      '03:00+02:00   40   20        0        0  ▒',
    ]);
  });

  it('splits days differently in another zone but keeps the totals', async () => {
    await store.putMinutes(knownMinutes());
    const period = resolvePeriod({ from: '2025-10-24T21:00:00Z', to: '2025-10-27T22:00:00Z' }, 'UTC', LATER);
    const { json } = (await createReport(store, { line: SERIES, mode: 'dev', period, source: 'raw', now: LATER }))
      .report;
    expect(json.days.map((d) => [d.date, d.minutes])).toEqual([
      ['2025-10-24', 180],
      ['2025-10-25', 1440],
      ['2025-10-26', 1440],
      ['2025-10-27', 1320],
    ]);
    expect({ ...json.totals, onShare: 0 }).toEqual({ ...EXPECTED_TOTALS, onShare: 0 });
    expect(json.outages.map((o) => o.start)).toEqual([
      '2025-10-25T20:40:00+00:00',
      '2025-10-26T00:30:00+00:00',
      '2025-10-26T10:13:00+00:00',
      '2025-10-27T06:05:00+00:00',
    ]);
  });

  it('gives the same numbers from raw, aggregated and auto once the hours are aggregated', async () => {
    await store.putMinutes(knownMinutes());
    await aggregate(store, SERIES, log);
    for (const options of [{ from: '2025-10-25', to: '2025-10-27' }, { day: '2025-10-26' }, { month: '2025-10' }]) {
      const raw = (await report(options, 'raw')).json;
      const aggregated = (await report(options, 'aggregated')).json;
      const auto = (await report(options, 'auto')).json;
      for (const other of [aggregated, auto]) {
        expect(other.totals).toEqual(raw.totals);
        expect(other.days).toEqual(raw.days);
        expect(other.hours).toEqual(raw.hours);
      }
      // auto reads the minutes of mixed hours, so its outages are exact too.
      expect(auto.outages).toEqual(raw.outages);
      expect(auto.gaps).toEqual(raw.gaps);
    }
    const month = (await report({ month: '2025-10' }, 'raw')).json;
    expect(month.days).toHaveLength(31);
    expect(month.totals.unknown).toBe(31 * 24 * 60 + 60 - 4060 - 157);
  });

  it('reads the minutes of mixed hours that straddle local hours in a half-hour zone', async () => {
    await store.putMinutes(knownMinutes());
    await aggregate(store, SERIES, log);
    const reportIn = async (source: Source) => {
      const period = resolvePeriod({ from: '2025-10-25', to: '2025-10-27' }, 'Asia/Kolkata', LATER);
      return (await createReport(store, { line: SERIES, mode: 'dev', period, source, now: LATER })).report;
    };
    const raw = await reportIn('raw');
    const aggregated = await reportIn('aggregated');
    expect(aggregated.series.unresolved).toEqual([]);
    expect(aggregated.json.days).toEqual(raw.json.days);
    expect(aggregated.json.outages).toEqual(raw.json.outages);
    expect(raw.json.outages[0]?.start).toBe('2025-10-26T02:10:00+05:30');
  });

  it('marks outages from hourly data alone as uncertain where an hour is mixed', async () => {
    await store.putMinutes(knownMinutes());
    await aggregate(store, SERIES, log);
    const { json, series } = await report({ from: '2025-10-25', to: '2025-10-27' }, 'aggregated');
    // 7 mixed hours: A (2), B (2), C's gap-then-outage hour, D, and the last hour of the long gap.
    expect(series.unresolved).toHaveLength(7);
    expect(json.totals).toEqual({ ...EXPECTED_TOTALS, onShare: json.totals.onShare });
    expect(json.outages).toEqual([]);
    // Whole hours without a reading are still exact gaps.
    expect(json.gaps).toEqual([{ start: '2025-10-27T15:00:00+02:00', end: '2025-10-27T17:00:00+02:00', minutes: 120 }]);
  });

  it('auto reads minutes that arrived after the last aggregation; aggregated does not see them yet', async () => {
    const all = knownMinutes();
    const cut = new Date('2025-10-27T00:00:00Z').getTime();
    await store.putMinutes(all.filter((m) => new Date(m.ts).getTime() < cut));
    await aggregate(store, SERIES, log);
    // A late flush: the rest arrives, not yet aggregated.
    await store.putMinutes(all.filter((m) => new Date(m.ts).getTime() >= cut));
    const options = { from: '2025-10-25', to: '2025-10-27' };
    const raw = (await report(options, 'raw')).json;
    const auto = (await report(options, 'auto')).json;
    const aggregated = (await report(options, 'aggregated')).json;
    expect(raw.totals).toEqual({ ...EXPECTED_TOTALS, onShare: raw.totals.onShare });
    expect({ ...auto, source: 'raw' }).toEqual(raw);
    expect(aggregated.days[2]?.on).toBe(120); // only 22:00-00:00 UTC of local 2025-10-27 was aggregated
  });

  it('counts minutes after now as pending and missing minutes before now as unknown', async () => {
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    const from = new Date(minute - 90 * 60_000);
    // Readings for the first 80 minutes; the last 10 minutes before the current one are missing.
    await store.putMinutes(generateMinutes(SERIES, from, 80, (i) => (i >= 30 && i < 40 ? 0 : 1)));
    const to = new Date(minute + 45 * 60_000);
    const period = resolvePeriod({ from: from.toISOString(), to: to.toISOString() }, TZ, now);
    const check = async (source: Source, exactGaps: boolean) => {
      const { json } = (await createReport(store, { line: SERIES, mode: 'dev', period, source, now })).report;
      // The current minute has no reading yet: pending, like the 44 after it.
      expect(json.totals).toEqual({ on: 70, off: 10, unknown: 10, pending: 45, onShare: 70 / 80 });
      if (exactGaps) expect(json.gaps.map((g) => g.minutes)).toEqual([10]);
    };
    await check('raw', true);
    await check('auto', true);
    await aggregate(store, SERIES, log);
    await check('auto', true);
    await check('aggregated', false);
  });

  it('renders an ongoing outage as uncertain at its end, in every text format', async () => {
    await store.putMinutes(knownMinutes());
    const r = await report({ from: '2025-10-26T12:30', to: '2025-10-26T12:50' });
    expect(r.json.outages).toEqual([
      {
        start: '2025-10-26T12:30:00+02:00',
        end: '2025-10-26T12:50:00+02:00',
        minutes: 20,
        startUncertain: true,
        endUncertain: true,
      },
    ]);
    const table = renderReport(r, 'table', { colour: false });
    expect(table).toContain('≥ 20 min');
    expect(table).not.toContain('\u001b[');
    expect(renderReport(r, 'table', { colour: true })).toContain('\u001b[31m');
    expect(renderReport(r, 'csv', { csv: 'outages' })).toBe(
      'start,end,minutes,start_uncertain,end_uncertain\n2025-10-26T12:30:00+02:00,2025-10-26T12:50:00+02:00,20,true,true\n',
    );
  });
});
