/**
 * The same known data in DynamoDB (dynalite behind the request-counting proxy): the same report as
 * from SQLite, from every source, reading only the period's partitions with Query (never Scan).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/cli/period.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { createReport } from '../../src/report/report.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { SERIES } from '../support/data.js';
import { useDynalite } from '../support/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../support/dynamo-proxy.js';
import {
  checkDownAtPeriodStart,
  checkInstalledDuringPeriod,
  checkLongSilenceBefore,
  checkStaleStatus,
} from './fresh-checks.js';
import { EXPECTED_DAYS, EXPECTED_GAPS, EXPECTED_OUTAGES, EXPECTED_TOTALS, knownMinutes, TZ } from './known-data.js';

const dynalite = useDynalite();
const LATER = new Date('2026-01-01T00:00:00Z');
let proxy: DynamoProxy;
let store: DynamoStore;

beforeAll(async () => {
  proxy = await startDynamoProxy(dynalite().endpoint);
  store = new DynamoStore({ mode: 'report', endpoint: proxy.endpoint });
  await store.putMinutes(knownMinutes());
  await aggregate(store, SERIES, silentLogger());
});
afterAll(async () => {
  await store?.close();
  await proxy?.close();
});

const report = async (options: Parameters<typeof resolvePeriod>[0], source: 'raw' | 'aggregated' | 'auto') => {
  const period = resolvePeriod(options, TZ, LATER);
  return (await createReport(store, { line: SERIES, mode: 'report', period, source, now: LATER })).report.json;
};

describe('report from DynamoDB (dynalite)', () => {
  it('gives the known totals, days, outages and gaps from raw and auto', async () => {
    for (const source of ['raw', 'auto'] as const) {
      const json = await report({ from: '2025-10-25', to: '2025-10-27' }, source);
      expect(json.totals).toEqual({ ...EXPECTED_TOTALS, onShare: json.totals.onShare });
      expect(json.days).toEqual(EXPECTED_DAYS);
      expect(json.outages).toEqual(EXPECTED_OUTAGES);
      expect(json.gaps).toEqual(EXPECTED_GAPS);
    }
  });

  it('reads a month from hourly data with one Query per UTC day, and no Scan', async () => {
    // The readings begin on 2025-10-25, so October begins without one: was the monitor there before?
    // Each source also asks the status index for new minutes (1) and reads the days items of the 14
    // UTC months before the period (2024-08 to 2025-09); raw also the hours of 2025-09-30.
    const lookback = 1 + 14;
    proxy.resetCounts();
    const aggregated = await report({ month: '2025-10' }, 'aggregated');
    // Local October in Kyiv spans 32 UTC days (2025-09-30T21:00Z to 2025-10-31T22:00Z).
    expect(proxy.counts.get('Query')).toBe(32 + lookback);
    expect(proxy.counts.get('Scan')).toBeUndefined();
    proxy.resetCounts();
    const auto = await report({ month: '2025-10' }, 'auto');
    // auto draws the 7 mixed hours from their hours items' by_minute: no minute is read (the status
    // index it asks anyway is in the lookback).
    expect(proxy.counts.get('Query')).toBe(32 + lookback);
    expect(proxy.counts.get('Scan')).toBeUndefined();
    proxy.resetCounts();
    const raw = await report({ month: '2025-10' }, 'raw');
    expect(proxy.counts.get('Query')).toBe(31 * 24 + 1 + 1 + lookback);
    expect(proxy.counts.get('Scan')).toBeUndefined();
    // A period that begins with a reading asks nothing more.
    proxy.resetCounts();
    await report({ from: '2025-10-25', to: '2025-10-27' }, 'aggregated');
    expect(proxy.counts.get('Query')).toBe(4);
    expect(raw.monitoringSince).toBe('2025-10-25T00:00:00+03:00');
    for (const other of [aggregated, auto]) expect(other.monitoringSince).toBe(raw.monitoringSince);
    for (const other of [aggregated, auto]) {
      expect(other.totals).toEqual(raw.totals);
      expect(other.days).toEqual(raw.days);
    }
    expect(auto.outages).toEqual(raw.outages);
  });
});

describe('a monitor installed during the period, the status now (DynamoDB)', () => {
  // One series per check: the store is shared by the file.
  const series = (device: string) => ({ device, pin: 4 });
  it('leaves the time before the first reading out: not monitored, no gap, one outage across the missed minute', () =>
    checkInstalledDuringPeriod(store, series('fresh_install')));
  it('says unknown, "no reading since", after more than 5 minutes without a reading', () =>
    checkStaleStatus(store, series('fresh_stale')));
  it('keeps a gap at the start of a period unknown when the monitor ran before it', () =>
    checkDownAtPeriodStart(store, series('fresh_down')));
  it('looks back for readings months before the period', () => checkLongSilenceBefore(store, series('fresh_silent')));
});
