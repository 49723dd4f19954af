/**
 * The dashboard from a `blackout-publish` folder on a plain static file server (node:http, here): the
 * folder is written by the publish code itself (publishFolder, then updatePublished after a new
 * reading, as `--publish-dir` does) from a real SQLite store holding the known data set.
 */
import { join } from 'node:path';
import { daysAfterReading, publishFolder, readWebApp, updatePublished } from '../../src/dashboard/publish.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { dashboardSuite, WEB_NOW, WEB_TZ } from './dashboard-checks.js';
import { offReadingAt, putKnownData, startStaticServer } from './sites.js';

const MODE = 'prod';

dashboardSuite('publish', async () => {
  const temp = tempDir('blackout-web-');
  const folder = join(temp.dir, 'site');
  const app = readWebApp(join(ROOT, 'dist', 'web'));
  if (!app) throw new Error('dist/web is not built: run npm run build');
  const store = new SqliteStore({ file: join(temp.dir, 'known.sqlite') });
  await putKnownData(store);
  await publishFolder({ store, outDir: folder, app, mode: MODE, tz: WEB_TZ, now: WEB_NOW, days: 32 });
  const server = await startStaticServer(folder);
  return {
    baseUrl: server.baseUrl,
    series: SERIES,
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
