/**
 * The dashboard from a `blackout-publish` folder on a plain static file server (node:http, here): the
 * folder is written by the publish code itself (publishFolder, then updatePublished after a new
 * reading, as `--publish-dir` does) from a real SQLite store holding the known data set.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daysAfterReading, publishFolder, readWebApp, updatePublished } from '../../src/dashboard/publish.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { dashboardSuite, WEB_NOW, WEB_TZ } from './dashboard-checks.js';
import { EVENING_WINDOW, offReadingAt, putKnownData, scheduleCalendar, startStaticServer } from './sites.js';

const MODE = 'prod';

dashboardSuite('publish', async () => {
  const temp = tempDir('blackout-web-');
  const folder = join(temp.dir, 'site');
  const app = readWebApp(join(ROOT, 'dist', 'web'));
  if (!app) throw new Error('dist/web is not built: run npm run build');
  const store = new SqliteStore({ file: join(temp.dir, 'known.sqlite') });
  await putKnownData(store);
  // A window 10:00–11:00 local in force at now: the OFF reading of 10:01 below is planned.
  const plan = join(temp.dir, 'group-2.1.ics');
  writeFileSync(plan, scheduleCalendar([['2026-03-30T07:00:00Z', '2026-03-30T08:00:00Z'], EVENING_WINDOW]));
  const schedule = { source: plan, group: '2.1', format: undefined, cacheDir: join(temp.dir, 'cache') };
  await publishFolder({ store, outDir: folder, app, mode: MODE, tz: WEB_TZ, now: WEB_NOW, days: 32, schedule });
  const server = await startStaticServer(folder);
  return {
    baseUrl: server.baseUrl,
    series: SERIES,
    schedule: {
      now: ['planned outage now 10:00–11:00', 'next planned outage 18:00–21:00'],
      afterOff: ['this outage is planned 10:00–11:00', 'next planned outage 18:00–21:00'],
    },
    async addOffReading(at, now) {
      await store.putMinutes([offReadingAt(at)]);
      // What read-pin --publish-dir does after storing it.
      await updatePublished({
        store,
        dir: folder,
        app,
        mode: MODE,
        series: SERIES,
        now,
        tz: WEB_TZ,
        days: daysAfterReading(now, at),
      });
    },
    setDataReachable: server.setDataReachable,
    async close() {
      await server.close();
      await store.close();
      temp.cleanup();
    },
  };
});
