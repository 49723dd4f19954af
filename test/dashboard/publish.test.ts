/**
 * The published folder from a real SQLite store, at a fixed instant: exactly the expected files, each
 * equal to what the resources give; a second run rewrites nothing; a new reading changes only the
 * status and today's minutes; old days and other runs' files are removed.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/dashboard/contract.js';
import { publishFolder, readWebApp, updatePublished, type WebApp } from '../../src/dashboard/publish.js';
import {
  devicesResource,
  minutesResource,
  outagesIcsResource,
  type ResourceContext,
  statusResource,
} from '../../src/dashboard/resources.js';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { FRESH_NOW, FRESH_TZ, freshMinutes } from '../report/fresh-data.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';

const OTHER = { device: 'garage', pin: 17 };
const DAYS = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'];

let temp: ReturnType<typeof tempDir>;
let store: SqliteStore;
let out: string;
let app: WebApp;

beforeEach(async () => {
  temp = tempDir('blackout-publish-');
  store = new SqliteStore({ file: join(temp.dir, 'dev.sqlite') });
  await store.putMinutes(freshMinutes());
  // Rolled up to the end of the 30th, as the hourly job leaves it: hours items and raw minutes mixed.
  await aggregate(store, SERIES, silentLogger(), {
    range: { from: new Date('2026-11-28T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') },
  });
  // A second series that began on the 30th.
  await store.putMinutes(generateMinutes(OTHER, new Date('2026-11-30T10:00:00Z'), 600, () => 1));
  const web = join(temp.dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Power</title><script src="assets/app.js"></script>\n');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log("app");\n');
  app = readWebApp(web) as WebApp;
  out = join(temp.dir, 'site');
});
afterEach(async () => {
  await store.close();
  temp.cleanup();
});

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort();
}

const identity = (dir: string) =>
  Object.fromEntries(
    files(dir).map((f) => {
      const s = statSync(join(dir, f));
      return [f, `${s.ino}:${s.mtimeMs}`];
    }),
  );

const readJson = (path: string): unknown => JSON.parse(readFileSync(join(out, path), 'utf8'));
const ctxAt = (now: Date): ResourceContext => ({ store, mode: 'dev', now });

const publish = (now: Date, extra: Partial<Parameters<typeof publishFolder>[0]> = {}) =>
  publishFolder({ store, outDir: out, app, mode: 'dev', tz: FRESH_TZ, now, days: 32, ...extra });

describe('publishFolder (JSON layout)', () => {
  it('writes exactly the app, config.json and every series’ files, each equal to its resource', async () => {
    const summary = await publish(FRESH_NOW);
    const otherDays = ['2026-11-30', '2026-12-01'];
    const expected = [
      'assets/app.js',
      'config.json',
      'index.html',
      dataPaths.devices,
      ...[SERIES, OTHER].flatMap((s) => [dataPaths.status(s), dataPaths.outagesIcs(s)]),
      // No file for the days before each series' first reading.
      ...DAYS.map((d) => dataPaths.minutes(SERIES, d)),
      ...otherDays.map((d) => dataPaths.minutes(OTHER, d)),
    ].sort();
    expect(files(out)).toEqual(expected);
    expect(summary).toMatchObject({ series: 2, unchanged: 0, removed: [] });
    expect(summary.written.sort()).toEqual(expected);

    expect(readJson('config.json')).toEqual({ source: 'json', mode: 'dev', tz: FRESH_TZ, refreshSeconds: 60 });
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<title>Power</title>');
    const ctx = ctxAt(FRESH_NOW);
    expect(readJson(dataPaths.devices)).toEqual(await devicesResource(ctx));
    for (const series of [SERIES, OTHER]) {
      expect(readJson(dataPaths.status(series))).toEqual(await statusResource(ctx, series, FRESH_TZ));
      expect(readFileSync(join(out, dataPaths.outagesIcs(series)), 'utf8')).toBe(
        await outagesIcsResource(ctx, series, FRESH_TZ),
      );
    }
    for (const day of DAYS) {
      expect(readJson(dataPaths.minutes(SERIES, day))).toEqual(await minutesResource(ctx, SERIES, day));
    }
    // The status says what the report says: on since 12:00 local after the morning's outage.
    expect(readJson(dataPaths.status(SERIES))).toMatchObject({
      status: { state: 'on', since: '2026-12-01T12:00:00+02:00' },
    });
  });

  it('a second run without new data rewrites nothing: same inodes and mtimes, even a minute later', async () => {
    await publish(FRESH_NOW);
    const before = identity(out);
    const again = await publish(FRESH_NOW);
    expect(again).toMatchObject({ written: [], removed: [] });
    expect(identity(out)).toEqual(before);
    // A later run: only what now means (status durations, today's pending minutes) changes, not the past days.
    const later = await publish(new Date(FRESH_NOW.getTime() + 60_000));
    expect(later.written.sort()).toEqual(
      [
        dataPaths.status(SERIES),
        dataPaths.status(OTHER),
        dataPaths.minutes(SERIES, '2026-12-01'),
        dataPaths.minutes(OTHER, '2026-12-01'),
      ].sort(),
    );
    const after = identity(out);
    for (const day of ['2026-11-28', '2026-11-29', '2026-11-30']) {
      expect(after[dataPaths.minutes(SERIES, day)]).toBe(before[dataPaths.minutes(SERIES, day)]);
    }
    expect(after[dataPaths.devices]).toBe(before[dataPaths.devices]);
    expect(after[dataPaths.outagesIcs(SERIES)]).toBe(before[dataPaths.outagesIcs(SERIES)]);
  });

  it('a new reading changes only devices, the series’ status and today’s minutes', async () => {
    await publish(FRESH_NOW);
    const before = identity(out);
    const now = new Date('2026-12-01T12:01:30Z');
    await store.putMinutes([minuteRecord(SERIES, formatTimestamp(new Date('2026-12-01T12:00:03Z')), 0)]);
    // A folder kept by read-pin: the store's new reading published right after the flush.
    const summary = await updatePublished({
      store,
      dir: out,
      app,
      mode: 'dev',
      series: SERIES,
      now,
      tz: 'UTC',
      days: ['2026-12-01'],
    });
    expect(summary.written.sort()).toEqual(
      [dataPaths.devices, dataPaths.status(SERIES), dataPaths.minutes(SERIES, '2026-12-01')].sort(),
    );
    const after = identity(out);
    for (const path of Object.keys(before)) {
      if (!summary.written.includes(path)) expect(after[path], path).toBe(before[path]);
    }
    // The folder's config.json gives the zone (not the fallback UTC), and the new OFF minute is there.
    const ctx = ctxAt(now);
    expect(readJson(dataPaths.status(SERIES))).toEqual(await statusResource(ctx, SERIES, FRESH_TZ));
    expect(readJson(dataPaths.minutes(SERIES, '2026-12-01'))).toEqual(await minutesResource(ctx, SERIES, '2026-12-01'));
    // The other series stays listed in devices.json.
    expect(readJson(dataPaths.devices)).toEqual(await devicesResource(ctx));
  });

  it('removes the minute days that fall out of --days and the files of a series no longer held', async () => {
    await publish(FRESH_NOW);
    const stray = dataPaths.status({ device: 'gone', pin: 5 });
    mkdirSync(join(out, 'api/status/gone'), { recursive: true });
    writeFileSync(join(out, stray), '{}');
    const summary = await publish(FRESH_NOW, { days: 2 });
    expect(summary.removed.sort()).toEqual(
      [stray, dataPaths.minutes(SERIES, '2026-11-28'), dataPaths.minutes(SERIES, '2026-11-29')].sort(),
    );
    expect(files(join(out, 'api/minutes'))).toEqual([
      'alex_rpi/4/2026-11-30.json',
      'alex_rpi/4/2026-12-01.json',
      'garage/17/2026-11-30.json',
      'garage/17/2026-12-01.json',
    ]);
    expect(readdirSync(join(out, 'api/status'))).toEqual(['alex_rpi', 'garage']);
  });

  it('one series given: its files, devices.json lists it (and keeps the ones listed before)', async () => {
    const summary = await publish(FRESH_NOW, { series: OTHER });
    expect(files(join(out, 'api'))).toEqual([
      'devices.json',
      'minutes/garage/17/2026-11-30.json',
      'minutes/garage/17/2026-12-01.json',
      'outages/garage/17.ics',
      'status/garage/17.json',
    ]);
    expect(summary.series).toBe(1);
    expect((readJson(dataPaths.devices) as { series: unknown[] }).series).toEqual([expect.objectContaining(OTHER)]);
    await publish(FRESH_NOW, { series: SERIES });
    expect((readJson(dataPaths.devices) as { series: unknown[] }).series).toEqual([
      expect.objectContaining(SERIES),
      expect.objectContaining(OTHER),
    ]);
  });

  it('DynamoDB mode: the app and a DynamoWebConfig, and no api/ (an earlier JSON run’s removed)', async () => {
    await publish(FRESH_NOW);
    const summary = await publish(FRESH_NOW, {
      dynamodb: { region: 'eu-central-1', identityPoolId: 'eu-central-1:1a2b3c4d-0000-1111-2222-333344445555' },
    });
    expect(files(out)).toEqual(['assets/app.js', 'config.json', 'index.html']);
    expect(summary.series).toBe(2);
    expect(readJson('config.json')).toEqual({
      source: 'dynamodb',
      region: 'eu-central-1',
      identityPoolId: 'eu-central-1:1a2b3c4d-0000-1111-2222-333344445555',
      mode: 'dev',
      tz: FRESH_TZ,
      refreshSeconds: 60,
      series: [SERIES, OTHER],
    });
  });
});
