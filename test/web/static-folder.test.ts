/**
 * The dashboard from a plain static file server (node:http, here): dist/web/ plus config.json and the
 * api/ files written with src/dashboard/resources.ts from a real SQLite store holding the known data
 * set, the way a published folder holds them.
 */
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { dataPaths, utcDaysBetween, type WebConfig } from '../../src/dashboard/contract.js';
import {
  devicesResource,
  minutesResource,
  outagesIcsResource,
  type ResourceContext,
  statusResource,
} from '../../src/dashboard/resources.js';
import type { Series } from '../../src/domain/keys.js';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp, utcDate } from '../../src/domain/time.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import {
  dashboardSuite,
  WEB_FIRST_READING,
  WEB_GAP,
  WEB_NOW,
  WEB_OUTAGE,
  WEB_SECOND,
  WEB_TZ,
} from './dashboard-checks.js';

const MODE = 'prod';
const inside = ([a, b]: [Date, Date], t: Date): boolean => t >= a && t < b;

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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ics': 'text/calendar; charset=utf-8',
};

dashboardSuite('static', async () => {
  const temp = tempDir('blackout-web-');
  const folder = join(temp.dir, 'site');
  cpSync(join(ROOT, 'dist', 'web'), folder, { recursive: true });
  const config: WebConfig = { source: 'json', mode: MODE, tz: WEB_TZ, title: 'Power at home' };
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));

  const store = new SqliteStore({ file: join(temp.dir, 'known.sqlite') });
  // Up to the reading of now's minute (taken 3 s into it, before now).
  const minutes = Math.floor((WEB_NOW.getTime() - WEB_FIRST_READING.getTime()) / 60_000) + 1;
  await store.putMinutes(
    generateMinutes(SERIES, WEB_FIRST_READING, minutes, (_i, at) =>
      inside(WEB_GAP, at) ? null : inside(WEB_OUTAGE, at) ? 0 : 1,
    ),
  );
  await store.putMinutes(generateMinutes(WEB_SECOND, WEB_FIRST_READING, minutes, () => 1));
  const publish = async (now: Date): Promise<void> => {
    const ctx = { store, mode: MODE, now };
    writeFileSync(join(folder, dataPaths.devices), JSON.stringify(await devicesResource(ctx)));
    for (const series of [SERIES, WEB_SECOND]) await writeSeriesFiles(folder, ctx, series);
  };
  mkdirSync(join(folder, 'api'), { recursive: true });
  await publish(WEB_NOW);

  let reachable = true;
  const root = resolve(folder);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!reachable && path.startsWith('/api/')) {
      // As when the network is down: no answer at all.
      req.socket.destroy();
      return;
    }
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (!file.startsWith(root + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    series: SERIES,
    async addOffReading(at, now) {
      await store.putMinutes([minuteRecord(SERIES, formatTimestamp(new Date(at.getTime() + 3_241)), 0)]);
      // What --publish-dir does after a reading: today's file and the status, as of now.
      const ctx = { store, mode: MODE, now };
      writeFileSync(join(folder, dataPaths.devices), JSON.stringify(await devicesResource(ctx)));
      const day = utcDate(now);
      writeFileSync(
        join(folder, dataPaths.minutes(SERIES, day)),
        JSON.stringify(await minutesResource(ctx, SERIES, day)),
      );
    },
    setDataReachable(value) {
      reachable = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await store.close();
      temp.cleanup();
    },
  };
});
