/**
 * Reports from a real SQLite file holding known generated readings: exact totals, days, hours,
 * outages and gaps in Europe/Kyiv across a DST change; raw = aggregated = auto on complete hours;
 * pending vs unknown around now.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/cli/period.js';
import { formatClock, isAmbiguousLocalTime } from '../../src/domain/zone.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import type { Source } from '../../src/report/load.js';
import { createReport, renderReport } from '../../src/report/report.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import {
  checkDownAtPeriodStart,
  checkInstalledDuringPeriod,
  checkLongSilenceBefore,
  checkStaleStatus,
  freshReport,
} from './fresh-checks.js';
import { FRESH_STATUS, freshMinutes } from './fresh-data.js';
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
      notMonitored: 0,
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
        notMonitored: 0,
      },
      {
        hour: '03:00',
        start: '2025-10-26T03:00:00+02:00',
        end: '2025-10-26T04:00:00+02:00',
        on: 40,
        off: 20,
        unknown: 0,
        pending: 0,
        notMonitored: 0,
      },
    ]);
    // Outage A is cut by the start of the day: it may have begun earlier.
    expect(json.outages[0]).toEqual({
      start: '2025-10-26T00:00:00+03:00',
      end: '2025-10-26T00:25:00+03:00',
      minutes: 25,
      startUncertain: true,
      endUncertain: false,
      missingMinutes: 0,
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
    // Before the first reading (2025-10-25 00:00 local) October is not monitored: 24 days, not unknown.
    // After the last one (2025-10-28 00:00) the monitor is silent: unknown, with the 163 minutes of gaps.
    expect(month.totals.notMonitored).toBe(24 * 1440);
    expect(month.totals.unknown).toBe(163 + 4 * 1440);
    expect(month.totals.on + month.totals.off + month.totals.unknown + month.totals.notMonitored).toBe(
      31 * 24 * 60 + 60,
    );
    expect(month.monitoringSince).toBe('2025-10-25T00:00:00+03:00');
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
    expect(aggregated.minuteStates.unresolved).toEqual([]);
    expect(aggregated.json.days).toEqual(raw.json.days);
    expect(aggregated.json.outages).toEqual(raw.json.outages);
    expect(raw.json.outages[0]?.start).toBe('2025-10-26T02:10:00+05:30');
  });

  it('marks outages from hourly data alone as uncertain where an hour is mixed', async () => {
    await store.putMinutes(knownMinutes());
    await aggregate(store, SERIES, log);
    const { json, minuteStates } = await report({ from: '2025-10-25', to: '2025-10-27' }, 'aggregated');
    // 7 mixed hours: A (2), B (2), C's gap-then-outage hour, D, and the last hour of the long gap.
    expect(minuteStates.unresolved).toHaveLength(7);
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
      expect(json.totals).toEqual({ on: 70, off: 10, unknown: 10, pending: 45, notMonitored: 0, onShare: 70 / 80 });
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
        missingMinutes: 0,
      },
    ]);
    const table = renderReport(r, 'table', { colour: false });
    expect(table).toContain('≥ 20 min');
    expect(table).not.toContain('\u001b[');
    expect(renderReport(r, 'table', { colour: true })).toContain('\u001b[31m');
    expect(renderReport(r, 'csv', { csv: 'outages' })).toBe(
      'start,end,minutes,start_uncertain,end_uncertain,missing_minutes\n2025-10-26T12:30:00+02:00,2025-10-26T12:50:00+02:00,20,true,true,0\n',
    );
  });
});

describe('clock times of the hour repeated when DST ends', () => {
  it('are ambiguous only in the repeated hour, and carry their offset', () => {
    // Kyiv 2025-10-26: 04:00 +03:00 → 03:00 +02:00 at 01:00 UTC, so 03:00-03:59 happens twice.
    const kyiv = (iso: string) => isAmbiguousLocalTime(new Date(iso), TZ);
    expect(kyiv('2025-10-25T23:59:00Z')).toBe(false); // 02:59 +03:00
    expect(kyiv('2025-10-26T00:00:00Z')).toBe(true); // 03:00 +03:00
    expect(kyiv('2025-10-26T00:30:00Z')).toBe(true); // 03:30 +03:00
    expect(kyiv('2025-10-26T01:30:00Z')).toBe(true); // 03:30 +02:00
    expect(kyiv('2025-10-26T01:59:00Z')).toBe(true); // 03:59 +02:00
    expect(kyiv('2025-10-26T02:00:00Z')).toBe(false); // 04:00 +02:00
    // Spring forward skips an hour: nothing repeats.
    expect(kyiv('2025-03-30T00:30:00Z')).toBe(false); // 02:30 +02:00
    expect(kyiv('2025-03-30T01:30:00Z')).toBe(false); // 04:30 +03:00
    expect(isAmbiguousLocalTime(new Date('2025-10-26T00:30:00Z'), 'UTC')).toBe(false);
    // A half-hour change (Lord Howe: 02:00 +11:00 → 01:30 +10:30) repeats half an hour.
    expect(isAmbiguousLocalTime(new Date('2025-04-05T14:45:00Z'), 'Australia/Lord_Howe')).toBe(true);
    expect(isAmbiguousLocalTime(new Date('2025-04-05T14:15:00Z'), 'Australia/Lord_Howe')).toBe(false);
    expect(formatClock(new Date('2025-10-26T00:30:00Z'), TZ)).toBe('03:30 (+03:00)');
    expect(formatClock(new Date('2025-10-26T01:30:00Z'), TZ)).toBe('03:30 (+02:00)');
    expect(formatClock(new Date('2025-10-26T02:30:00Z'), TZ)).toBe('04:30');
  });
});

describe('report details', () => {
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

  const at = (iso: string) => new Date(iso).getTime();
  /** ON every minute of [from, from + minutes) except OFF in `off` and no reading in `unknown`. */
  const put = async (from: string, minutes: number, off: [string, string][], unknown: [string, string][] = []) => {
    const inside = (runs: [string, string][], t: number) => runs.some(([a, b]) => t >= at(a) && t < at(b));
    await store.putMinutes(
      generateMinutes(SERIES, new Date(from), minutes, (_i, when) => {
        const minute = Math.floor(when.getTime() / 60_000) * 60_000;
        if (inside(unknown, minute)) return null;
        return inside(off, minute) ? 0 : 1;
      }),
    );
  };
  const report = async (options: Parameters<typeof resolvePeriod>[0], source: Source, tz = TZ) => {
    const period = resolvePeriod(options, tz, LATER);
    return (await createReport(store, { line: SERIES, mode: 'dev', period, source, now: LATER })).report;
  };

  it('shows the offset of start and end times in the hour repeated on the DST day (table and HTML)', async () => {
    // 03:30 +03:00 to 03:30 +02:00: one hour, between the same two clock readings.
    await put('2025-10-25T21:00:00Z', 25 * 60, [
      ['2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z'],
      ['2025-10-26T08:00:00Z', '2025-10-26T08:10:00Z'],
    ]);
    const r = await report({ day: '2025-10-26' }, 'raw');
    const table = renderReport(r, 'table', { colour: false }).split('\n');
    const outages = table.slice(table.indexOf('Outages:') + 1, table.indexOf('Outages:') + 3);
    expect(outages).toEqual([
      '  2025-10-26 03:30 (+03:00) – 03:30 (+02:00)      1 h 00 min',
      '  2025-10-26 10:00 – 10:10                   10 min',
    ]);
    const html = renderReport(r, 'html');
    const rows = (html.match(/<tr class="outage">.*?<\/tr>/g) ?? []).map((row) =>
      row.replaceAll(/<(?!\/?td\b)[^>]*>/g, ''),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('<td>2025-10-26 03:30 (+03:00)</td><td>03:30 (+02:00)</td>');
    expect(rows[1]).toContain('<td>2025-10-26 10:00</td><td>10:10</td>');
  });

  it('rounds onShare to 4 decimals in the JSON only', async () => {
    // 2 OFF minutes of 53 known: 51 / 53 = 0.962264…
    await put('2025-06-01T00:00:00Z', 53, [['2025-06-01T00:10:00Z', '2025-06-01T00:12:00Z']]);
    const r = await report({ from: '2025-06-01T00:00Z', to: '2025-06-01T00:53Z' }, 'raw');
    expect(JSON.parse(renderReport(r, 'json')).totals.onShare).toBe(0.9623);
    expect(r.json.totals.onShare).toBeCloseTo(51 / 53, 12);
    expect(renderReport(r, 'table', { colour: false })).toContain('ON 96.2% of known minutes');
  });

  it('aggregated: lists only what whole hours show, as the README says', async () => {
    // OFF 10:20-13:40 UTC; OFF 16:10-16:30 inside one hour; no reading 18:10-18:20 and 20:30-22:00.
    await put(
      '2025-06-01T00:00:00Z',
      24 * 60,
      [
        ['2025-06-01T10:20:00Z', '2025-06-01T13:40:00Z'],
        ['2025-06-01T16:10:00Z', '2025-06-01T16:30:00Z'],
      ],
      [
        ['2025-06-01T18:10:00Z', '2025-06-01T18:20:00Z'],
        ['2025-06-01T20:30:00Z', '2025-06-01T22:00:00Z'],
      ],
    );
    await aggregate(store, SERIES, log);
    const raw = (await report({ day: '2025-06-01' }, 'raw', 'UTC')).json;
    const aggregated = (await report({ day: '2025-06-01' }, 'aggregated', 'UTC')).json;
    expect(aggregated.totals).toEqual(raw.totals);
    expect(aggregated.hours).toEqual(raw.hours);
    expect(raw.outages).toHaveLength(2);
    // Only the whole OFF hours of the long outage, both edges uncertain; the short one is not listed.
    expect(aggregated.outages).toEqual([
      {
        start: '2025-06-01T11:00:00+00:00',
        end: '2025-06-01T13:00:00+00:00',
        minutes: 120,
        startUncertain: true,
        endUncertain: true,
        missingMinutes: 0,
      },
    ]);
    // Only the whole hour without readings; missing minutes inside mixed hours are counted, not listed.
    expect(aggregated.gaps).toEqual([
      { start: '2025-06-01T21:00:00+00:00', end: '2025-06-01T22:00:00+00:00', minutes: 60 },
    ]);
    // A mixed hour cut by the period is read from its minutes: exact there.
    const cut = (await report({ from: '2025-06-01T13:30Z', to: '2025-06-01T16:20Z' }, 'aggregated', 'UTC')).json;
    expect(cut.outages).toEqual([
      {
        start: '2025-06-01T13:30:00+00:00',
        end: '2025-06-01T13:40:00+00:00',
        minutes: 10,
        startUncertain: true,
        endUncertain: false,
        missingMinutes: 0,
      },
      {
        start: '2025-06-01T16:10:00+00:00',
        end: '2025-06-01T16:20:00+00:00',
        minutes: 10,
        startUncertain: false,
        endUncertain: true,
        missingMinutes: 0,
      },
    ]);
  });
});

describe('a monitor installed during the period, the status now (SQLite)', () => {
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

  it('leaves the time before the first reading out: not monitored, no gap, one outage across the missed minute', () =>
    checkInstalledDuringPeriod(store, SERIES));
  it('says unknown, "no reading since", after more than 5 minutes without a reading', () =>
    checkStaleStatus(store, SERIES));
  it('keeps a gap at the start of a period unknown when the monitor ran before it', () =>
    checkDownAtPeriodStart(store, SERIES));
  it('looks back for readings months before the period', () => checkLongSilenceBefore(store, SERIES));

  it('calls a series with no reading at all not monitored, not a week of failure', async () => {
    await store.putMinutes(freshMinutes());
    const { report } = await freshReport(store, { device: 'typo', pin: 4 }, { source: 'auto' });
    expect(report.json.totals).toEqual({ on: 0, off: 0, unknown: 0, pending: 600, notMonitored: 9480, onShare: null });
    expect(report.json.monitoringSince).toBeNull();
    expect(report.json.gaps).toEqual([]);
    expect(report.json.status).toEqual({
      state: 'unknown',
      since: null,
      sinceUncertain: false,
      minutes: null,
      lastReadingAt: null,
      lastOutage: null,
    });
    expect(renderReport(report, 'table', { colour: false }).split('\n').slice(1, 3)).toEqual([
      'Power UNKNOWN: not monitored (no reading yet) · no outage in this period',
      'Not monitored: no reading in this period or before it (158 h 00 min, not counted).',
    ]);
  });

  it('says it in the table: the period in words, the status line, monitoring since, days not monitored', async () => {
    await store.putMinutes(freshMinutes());
    const { report } = await freshReport(store, SERIES, { source: 'auto' });
    const lines = renderReport(report, 'table', { colour: false }).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Power report for alex_rpi pin 4 (dev) · Wed 25 Nov – Tue 1 Dec 2026 · 7 days · Europe/Kyiv · source auto',
      'Power ON since 12:00 (2 h 00 min) · last outage 09:00–12:00, 3 h 00 min',
      'Monitoring since Sat 28 Nov 10:17 · not monitored before: 82 h 17 min, not counted',
    ]);
    expect(lines.find((l) => l.startsWith('2026-11-25'))).toBe(`2026-11-25  ${' '.repeat(25)}  not monitored`);
    // The 28th: blank before 10:00, ON from 10:17, OFF 19:45-21:45 (the 21:00 hour also misses a minute).
    const day28 = lines.find((l) => l.startsWith('2026-11-28')) ?? '';
    expect(day28.slice(12, 36)).toBe(`${' '.repeat(10)}█████████▒░▒██`);
    expect(day28.slice(37)).toBe('   85.5%    1:59     0:01        1');
    expect(lines.find((l) => l.startsWith('Totals:'))).toBe(
      'Totals: ON 70:43 h, OFF 4:59 h, unknown 0:01 h, pending 10:00 h, not monitored 82:17 h; ON 93.4% of known minutes; 2 outage(s), 1 gap(s).',
    );
    const outages = lines.slice(lines.indexOf('Outages:') + 1, lines.indexOf('Outages:') + 3);
    expect(outages).toEqual([
      '  2026-11-28 19:45 – 21:45               2 h 00 min  (1 min without reading inside)',
      '  2026-12-01 09:00 – 12:00               3 h 00 min',
    ]);
    expect(lines).toContain(
      'Outages separated by at most 5 min without a reading are one outage (--merge-gap); their missing minutes count as unknown.',
    );
    // Stale: the status line says since when there is no reading.
    const stale = await freshReport(store, SERIES, { source: 'auto', now: new Date('2026-12-01T12:20:30Z') });
    expect(renderReport(stale.report, 'table', { colour: false }).split('\n')[1]).toBe(
      'Power UNKNOWN: no reading since 13:59 (21 min) · last outage 09:00–12:00, 3 h 00 min',
    );
    // In JSON and in the CSV status list.
    const json = JSON.parse(renderReport(report, 'json'));
    expect(json.status).toEqual(FRESH_STATUS);
    expect(json.monitoringSince).toBe('2026-11-28T10:17:00+02:00');
    expect(renderReport(report, 'csv', { csv: 'status' })).toBe(
      'state,since,since_uncertain,minutes,last_reading_at,last_outage_start,last_outage_end,last_outage_minutes,monitoring_since\n' +
        'on,2026-12-01T12:00:00+02:00,false,120,2026-12-01T13:59:00+02:00,2026-12-01T09:00:00+02:00,2026-12-01T12:00:00+02:00,180,2026-11-28T10:17:00+02:00\n',
    );
  });
});
