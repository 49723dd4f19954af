/**
 * The dashboard from a plain static file server (node:http, here): dist/web/ plus config.json and the
 * api/ files written with src/dashboard/resources.ts from a real SQLite store holding the known data
 * set, the way a published folder holds them.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataPaths, utcDaysBetween, type WebConfig } from '../../src/dashboard/contract.js';
import {
  devicesResource,
  minutesResource,
  outagesIcsResource,
  type ResourceContext,
  statusResource,
} from '../../src/dashboard/resources.js';
import type { Series } from '../../src/domain/keys.js';
import { utcDate } from '../../src/domain/time.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { dashboardSuite, WEB_FIRST_READING, WEB_NOW, WEB_SECOND, WEB_TZ } from './dashboard-checks.js';
import { offReadingAt, putKnownData, startStaticServer } from './sites.js';

const MODE = 'prod';

/** Every file of the layout for `series`, as of `now` (the minute files from the first reading's day on). */
async function writeSeriesFiles(folder: string, ctx: ResourceContext, series: Series): Promise<void> {
  const write = (path: string, text: string): void => {
    const file = join(folder, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  for (const day of utcDaysBetween(WEB_FIRST_READING, new Date(ctx.now.getTime() + 1))) {
    write(dataPaths.minutes(series, day), JSON.stringify(await minutesResource(ctx, series, day)));
  }
  write(dataPaths.status(series), JSON.stringify(await statusResource(ctx, series, WEB_TZ)));
  write(dataPaths.outagesIcs(series), await outagesIcsResource(ctx, series, WEB_TZ));
}

dashboardSuite('static', async () => {
  const temp = tempDir('blackout-web-');
  const folder = join(temp.dir, 'site');
  cpSync(join(ROOT, 'dist', 'web'), folder, { recursive: true });
  const config: WebConfig = { source: 'json', mode: MODE, tz: WEB_TZ, title: 'Power at home' };
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));

  const store = new SqliteStore({ file: join(temp.dir, 'known.sqlite') });
  await putKnownData(store);
  const publish = async (now: Date): Promise<void> => {
    const ctx = { store, mode: MODE, now };
    writeFileSync(join(folder, dataPaths.devices), JSON.stringify(await devicesResource(ctx)));
    for (const series of [SERIES, WEB_SECOND]) await writeSeriesFiles(folder, ctx, series);
  };
  mkdirSync(join(folder, 'api'), { recursive: true });
  await publish(WEB_NOW);

  const server = await startStaticServer(folder);

  return {
    baseUrl: server.baseUrl,
    series: SERIES,
    async addOffReading(at, now) {
      await store.putMinutes([offReadingAt(at)]);
      // What --publish-dir does after a reading: today's file and the status, as of now.
      const ctx = { store, mode: MODE, now };
      writeFileSync(join(folder, dataPaths.devices), JSON.stringify(await devicesResource(ctx)));
      const day = utcDate(now);
      writeFileSync(
        join(folder, dataPaths.minutes(SERIES, day)),
        JSON.stringify(await minutesResource(ctx, SERIES, day)),
      );
    },
    setDataReachable: server.setDataReachable,
    async close() {
      await server.close();
      await store.close();
      temp.cleanup();
    },
  };
});
