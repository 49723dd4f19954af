/**
 * The dashboard server on a loopback port over real SQLite files: the API against blackout-report,
 * the status for a known data set at a fixed instant, bad parameters, the token, the web folder's
 * walls, the headers, and a store left exactly as it was.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinutesJson, ScheduleFileJson } from '../../src/dashboard/contract.js';
import {
  CONTENT_SECURITY_POLICY,
  closeServer,
  createDashboardServer,
  type DashboardServerOptions,
  listen,
} from '../../src/dashboard/server.js';
import type { Series } from '../../src/domain/keys.js';
import { loadPlan } from '../../src/schedule/fetch.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../../src/stores/store.js';
import { FRESH_NOW, FRESH_STATUS, FRESH_TZ, freshMinutes } from '../report/fresh-data.js';
import { knownMinutes, TZ } from '../report/known-data.js';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { fetchRaw } from './http.js';

const FRESH: Series = { device: 'fresh', pin: 17 };
const TOKEN = 'a1b2c3d4e5f6a7b8c9d0e1f2';

let temp: ReturnType<typeof tempDir>;
let db: string;
let webDir: string;
let before: Record<string, string>;
const open: { server: Server; store: Store }[] = [];

/** Every file of the database folder with the hash of its bytes. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder)
      .sort()
      .map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(join(folder, name)))
          .digest('hex'),
      ]),
  );
}

async function start(options: Partial<DashboardServerOptions> = {}): Promise<number> {
  const store = new SqliteStore({ file: db, access: 'read' });
  const server = createDashboardServer({ store, mode: 'dev', tz: TZ, webDir, now: () => FRESH_NOW, ...options });
  open.push({ server, store });
  return (await listen(server, '127.0.0.1', 0)).port;
}

let port: number;
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetchRaw(port, path, { headers, method });
const json = async (path: string) => {
  const answer = await get(path);
  return { ...answer, json: JSON.parse(answer.body) as Record<string, unknown> };
};

beforeAll(async () => {
  temp = tempDir('blackout-serve-');
  mkdirSync(join(temp.dir, 'data'));
  db = join(temp.dir, 'data', 'dev.sqlite');
  const writer = new SqliteStore({ file: db });
  await writer.putMinutes(knownMinutes());
  await writer.putMinutes(freshMinutes({ series: FRESH }));
  await writer.close();
  before = snapshot(join(temp.dir, 'data'));

  webDir = join(temp.dir, 'web');
  mkdirSync(join(webDir, 'assets'), { recursive: true });
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>app</title><script src="assets/app.js"></script>\n');
  writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log("app");\n');
  writeFileSync(join(webDir, 'assets', 'style.css'), 'body{}\n');
  writeFileSync(join(webDir, '.env'), 'SECRET=1\n');
  writeFileSync(join(temp.dir, 'secret.txt'), 'outside the web folder\n');
  symlinkSync(join(temp.dir, 'secret.txt'), join(webDir, 'link-out.txt'));
  symlinkSync(temp.dir, join(webDir, 'dir-out'));
  port = await start();
});

afterAll(async () => {
  for (const { server, store } of open) {
    await closeServer(server);
    await store.close();
  }
  temp.cleanup();
});

describe('the API', () => {
  it.each([
    [['--from', '2025-10-25', '--to', '2025-10-27'], 'from=2025-10-25&to=2025-10-27'],
    [['--day', '2025-10-26', '--source', 'raw', '--merge-gap', '0'], 'day=2025-10-26&source=raw&merge-gap=0'],
    [['--month', '2025-10', '--source', 'aggregated'], 'month=2025-10&source=aggregated'],
  ])('/api/report gives exactly the bytes of blackout-report --format json %j', async (args, query) => {
    const cli = await runEntrypoint('report', [
      ...[SERIES.device, String(SERIES.pin), 'dev', '--db', db, '--log-dir', join(temp.dir, 'logs')],
      ...[...args, '--tz', TZ, '--format', 'json'],
    ]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const answer = await get(`/api/report?device=alex_rpi&pin=4&tz=Europe%2FKyiv&${query}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body).toBe(cli.stdout);
  });

  it('/api/report defaults to the last 7 days in the server zone at the request time, series from the command line', async () => {
    const portWithSeries = await start({ tz: FRESH_TZ, defaultSeries: FRESH });
    const answer = JSON.parse((await fetchRaw(portWithSeries, '/api/report')).body);
    expect(answer).toMatchObject({ device: 'fresh', pin: 17, tz: FRESH_TZ, source: 'auto' });
    expect(answer.from).toBe('2026-11-25T00:00:00+02:00');
    expect(answer.status).toEqual(FRESH_STATUS);
  });

  it('/api/status and its contract path: the status at the injected now', async () => {
    const byQuery = await json('/api/status?device=fresh&pin=17&tz=Europe/Kyiv');
    expect(byQuery.status).toBe(200);
    expect(byQuery.json).toEqual({
      device: 'fresh',
      pin: 17,
      mode: 'dev',
      tz: FRESH_TZ,
      generatedAt: FRESH_NOW.toISOString(),
      status: FRESH_STATUS,
    });
    const byPath = await json('/api/status/fresh/17.json?tz=Europe/Kyiv');
    expect(byPath.body).toBe(byQuery.body);
  });

  it('/api/devices (both paths) lists every series; /config.json says where the data is', async () => {
    const devices = await json('/api/devices');
    expect(devices.json).toEqual({
      mode: 'dev',
      generatedAt: FRESH_NOW.toISOString(),
      series: [
        expect.objectContaining({ device: 'alex_rpi', pin: 4, firstReading: '2025-10-24T21:00:03.241Z' }),
        expect.objectContaining({ device: 'fresh', pin: 17, firstReading: '2026-11-28T08:17:03.241Z' }),
      ],
    });
    expect((await get('/api/devices.json')).body).toBe(devices.body);
    expect((await json('/config.json')).json).toEqual({ source: 'json', mode: 'dev', tz: TZ, refreshSeconds: 60 });
  });

  it('/api/minutes: one UTC day, 1440 minutes in runs', async () => {
    const day = await json('/api/minutes/alex_rpi/4/2025-10-26.json');
    expect(day.status).toBe(200);
    const file = day.json as unknown as MinutesJson;
    expect(file).toMatchObject({ device: 'alex_rpi', pin: 4, day: '2025-10-26', from: '2025-10-26T00:00:00.000Z' });
    expect(file.runs.reduce((sum, [, minutes]) => sum + minutes, 0)).toBe(1440);
  });

  it('/api/outages.ics and /api/outages/<device>/<pin>.ics: the calendar of the last 30 days', async () => {
    const ics = await get('/api/outages.ics?device=fresh&pin=17');
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(ics.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics.body.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect((await get('/api/outages/fresh/17.ics')).body).toBe(ics.body);
  });

  it('/api/schedule/<device>/<pin>.json: 404 without --schedule; the cached copy only, and none when it is too old', async () => {
    expect((await get('/api/schedule/fresh/17.json')).status).toBe(404);
    const daily = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//blackout-monitor tests//EN',
      'BEGIN:VEVENT',
      'UID:daily@test',
      'DTSTAMP:20260101T000000Z',
      'DTSTART:20260101T150000Z',
      'DTEND:20260101T180000Z',
      'RRULE:FREQ=DAILY',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    let asked = 0;
    const source = createServer((_req, res) => {
      asked++;
      res.writeHead(200, { 'content-type': 'text/calendar' }).end(daily);
    });
    await new Promise<void>((done) => source.listen(0, '127.0.0.1', done));
    const settings = {
      source: `http://127.0.0.1:${(source.address() as AddressInfo).port}/2.1.ics`,
      group: '2.1',
      format: undefined,
      cacheDir: join(temp.dir, 'schedule-cache'),
    };
    const span = { from: FRESH_NOW, to: FRESH_NOW, tz: 'UTC' };
    const withSchedule = await start({ schedule: settings });
    const file = async () => {
      const answer = await fetchRaw(withSchedule, '/api/schedule/fresh/17.json', {});
      expect(answer.status).toBe(200);
      return JSON.parse(answer.body) as ScheduleFileJson;
    };
    try {
      const none = await file();
      expect(none).toMatchObject({ group: '2.1', format: null, asOf: null, windows: [] });
      expect(none.problem).toMatch(/^no cached copy of the schedule yet/);
      const fetchedAt = new Date(FRESH_NOW.getTime() - 3_600_000);
      await loadPlan(settings, span, fetchedAt);
      expect(await file()).toMatchObject({
        device: 'fresh',
        pin: 17,
        format: 'ics',
        asOf: fetchedAt.toISOString(),
        validUntil: '2026-12-01T17:00:30.000Z',
        problem: null,
        from: '2026-11-30T12:00:30.000Z',
        to: '2026-12-03T12:00:30.000Z',
        coverage: null,
        windows: ['2026-11-30', '2026-12-01', '2026-12-02'].map((day) => ({
          start: `${day}T15:00:00.000Z`,
          end: `${day}T18:00:00.000Z`,
          possible: false,
        })),
      });
      await loadPlan(settings, span, new Date(FRESH_NOW.getTime() - 7 * 3_600_000));
      const stale = await file();
      expect(stale.windows).toEqual([]);
      expect(stale.problem).toMatch(/more than 6 h ago$/);
      // Two fetches by loadPlan above; the server asked for none.
      expect(asked).toBe(2);
    } finally {
      await new Promise((done) => source.close(done));
    }
  });

  it('/healthz: cheap, says the store is reachable', async () => {
    expect((await json('/healthz')).json).toEqual({ ok: true, store: 'ok' });
  });

  it.each([
    ['/api/status?device=-x&pin=4', 'invalid device "-x": use 1-64 of A-Z a-z 0-9 _ . - (not starting with -)'],
    ['/api/status?device=fresh&pin=99', 'invalid pin "99": a BCM GPIO number 0-53'],
    [
      '/api/status?device=fresh&pin=17&tz=Mars/Olympus',
      'invalid tz "Mars/Olympus": an IANA time zone such as Europe/Kyiv or UTC',
    ],
    ['/api/status?pin=17', 'missing device: give ?device=<alias>&pin=<bcm>'],
    ['/api/status?device=fresh&pin=17&pin=4', 'parameter pin given twice'],
    ['/api/status?device=fresh&pin=17&colour=red', 'unknown parameter "colour": this route takes device, pin, tz'],
    ['/api/report?device=alex_rpi&pin=4&source=cooked', 'invalid source "cooked": one of raw, aggregated, auto'],
    ['/api/report?device=alex_rpi&pin=4&merge-gap=5000', 'invalid merge-gap "5000": a whole number 0-1440'],
    ['/api/report?device=alex_rpi&pin=4&day=2025-02-30', 'invalid day "2025-02-30": a date YYYY-MM-DD'],
    ['/api/report?device=alex_rpi&pin=4&month=2025-13', 'invalid month "2025-13": a month YYYY-MM'],
    ['/api/report?device=alex_rpi&pin=4&last=7w', 'invalid last "7w": a number of hours or days, e.g. 24h, 7d or 30d'],
    ['/api/report?device=alex_rpi&pin=4&to=2025-10-27', 'to needs from'],
    ['/api/report?device=alex_rpi&pin=4&day=2025-10-26&last=3d', 'choose one period: day or last, not several'],
    ['/api/report?device=alex_rpi&pin=4&from=2025-10-27&to=2025-10-25', 'from 2025-10-27 is not before to 2025-10-25'],
    ['/api/minutes/alex_rpi/4/2025-10-32.json', 'invalid day "2025-10-32": a date YYYY-MM-DD'],
  ])('%s → 400 naming the parameter', async (path, error) => {
    const answer = await json(path);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error });
  });

  it('a series without readings is 404 saying what the store holds; unknown API paths are 404 JSON', async () => {
    const missing = await json('/api/status?device=garage&pin=17');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatch(
      /^no readings for device "garage" pin 17 in .*; it holds: alex_rpi pin 4, fresh pin 17$/,
    );
    const unknown = await json('/api/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: 'not found' });
  });

  it('a store that cannot be read is 503 with one line, no stack', async () => {
    const broken = join(temp.dir, 'broken.sqlite');
    writeFileSync(broken, 'not a database, but long enough to be read as one by SQLite: '.repeat(20));
    const errors: unknown[] = [];
    const brokenPort = await new Promise<number>((resolvePort, reject) => {
      const store = new SqliteStore({ file: broken, access: 'read' });
      const server = createDashboardServer({
        store,
        mode: 'dev',
        tz: TZ,
        webDir,
        onError: (error) => errors.push(error),
      });
      open.push({ server, store });
      listen(server, '127.0.0.1', 0).then((a) => resolvePort(a.port), reject);
    });
    const answer = await fetchRaw(brokenPort, '/api/devices');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ error: `${broken} is not a SQLite database (file is not a database)` });
    expect(errors).toHaveLength(1);
  });
});

describe('HTTP', () => {
  it('every answer carries the security headers; API answers are no-cache', async () => {
    for (const path of ['/', '/api/devices', '/nothing', '/api/status?pin=x', '/healthz']) {
      const answer = await get(path);
      expect(answer.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['referrer-policy'], path).toBe('no-referrer');
      expect(answer.headers['cache-control'], path).toBe('no-cache');
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });

  it('HEAD: the headers of GET without the body; other methods 405', async () => {
    const getAnswer = await get('/api/status/fresh/17.json');
    const head = await get('/api/status/fresh/17.json', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(getAnswer.headers['content-length']);
    expect(head.headers.etag).toBe(getAnswer.headers.etag);
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const answer = await get('/api/devices', {}, method);
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
      expect(JSON.parse(answer.body)).toEqual({ error: `method ${method} not allowed: GET or HEAD` });
    }
  });

  it('If-None-Match with the ETag → 304 without a body; a changed answer is 200 again', async () => {
    const day = await get('/api/minutes/alex_rpi/4/2025-10-26.json');
    const etag = String(day.headers.etag);
    const again = await get('/api/minutes/alex_rpi/4/2025-10-26.json', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const otherDay = await get('/api/minutes/alex_rpi/4/2025-10-27.json', { 'If-None-Match': etag });
    expect(otherDay.status).toBe(200);
    // An asset's ETag is strong (the bytes); the report's too.
    const asset = await get('/assets/app.js');
    expect(asset.headers.etag).toMatch(/^"[^"]+"$/);
    expect((await get('/assets/app.js', { 'If-None-Match': String(asset.headers.etag) })).status).toBe(304);
  });

  it('a data file stamped with the request time keeps its ETag while the data does not change', async () => {
    let clock = FRESH_NOW.getTime();
    const movingPort = await start({
      now: () => {
        clock += 60_000;
        return new Date(clock);
      },
    });
    const first = await fetchRaw(movingPort, '/api/minutes/alex_rpi/4/2025-10-26.json');
    const second = await fetchRaw(movingPort, '/api/minutes/alex_rpi/4/2025-10-26.json', {
      headers: { 'If-None-Match': String(first.headers.etag) },
    });
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(second.status).toBe(304);
  });
});

describe('the web folder', () => {
  it('serves index.html for / and the assets with their content types', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>app</title>');
    expect((await get('/index.html')).body).toBe(page.body);
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it.each([
    ['/../secret.txt', 400],
    ['/assets/../../secret.txt', 400],
    ['/%2e%2e/secret.txt', 400],
    ['/assets/%2E%2E/%2E%2E/secret.txt', 400],
    ['/..%2fsecret.txt', 400],
    ['/assets%2F..%2F..%2Fsecret.txt', 400],
    ['/..\\secret.txt', 400],
    ['/%5c..%5csecret.txt', 400],
    ['/index.html%00.js', 400],
    ['/%ZZ', 400],
    ['/link-out.txt', 404],
    ['/dir-out/secret.txt', 404],
    ['/.env', 404],
    ['/assets', 404],
    ['/missing.js', 404],
  ])('%s is refused (%i) and nothing outside the folder is served', async (path, status) => {
    const answer = await get(path);
    expect(answer.status).toBe(status);
    expect(answer.body).not.toContain('outside the web folder');
    expect(answer.body).not.toContain('SECRET');
  });

  it('a web folder that is not built: / is a 503 page saying so, the API still answers', async () => {
    const unbuilt = await start({ webDir: join(temp.dir, 'no-such-web') });
    const page = await fetchRaw(unbuilt, '/');
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('The dashboard app is not built');
    expect((await fetchRaw(unbuilt, '/assets/app.js')).status).toBe(404);
    expect((await fetchRaw(unbuilt, '/api/devices')).status).toBe(200);
  });
});

describe('the token', () => {
  let tokenPort: number;
  beforeAll(async () => {
    tokenPort = await start({ token: TOKEN });
  });
  const ask = (path: string, headers: Record<string, string> = {}) => fetchRaw(tokenPort, path, { headers });

  it('without it (or with a wrong one) every request but /healthz is 401', async () => {
    for (const path of [
      '/',
      '/assets/app.js',
      '/config.json',
      '/api/devices',
      '/api/outages.ics?device=fresh&pin=17',
    ]) {
      const answer = await ask(path);
      expect(answer.status, path).toBe(401);
      expect(JSON.parse(answer.body).error).toMatch(/^missing or wrong token/);
      expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await ask('/api/devices', { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await ask(`/api/devices?token=${TOKEN.slice(1)}`)).status).toBe(401);
    expect((await ask('/api/devices', { Cookie: `blackout_dashboard=${TOKEN}` })).status).toBe(401);
    expect((await ask('/healthz')).status).toBe(200);
  });

  it('the header, the query (the calendar URL) and the cookie set by a page opened with ?token= all pass', async () => {
    expect((await ask('/api/devices', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const calendar = await ask(`/api/outages/fresh/17.ics?token=${TOKEN}`);
    expect(calendar.status).toBe(200);
    expect(calendar.body).toMatch(/^BEGIN:VCALENDAR/);

    const page = await ask(`/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    const setCookie = String(page.headers['set-cookie']);
    expect(setCookie).toMatch(/^blackout_dashboard=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    // The cookie is derived from the token, not the token itself.
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0] ?? '';
    expect((await ask('/assets/app.js', { Cookie: `theme=dark; ${cookie}` })).status).toBe(200);
    expect((await ask('/api/status/fresh/17.json', { Cookie: cookie })).status).toBe(200);
  });
});

describe('the store', () => {
  it('is left byte for byte as it was, and nothing is created next to it (-wal, -shm, -journal)', async () => {
    // Requests of every kind have run above against this file, by several servers.
    await get('/api/report?device=alex_rpi&pin=4&from=2025-10-25&to=2025-10-27&source=raw');
    await get('/api/report?device=fresh&pin=17');
    for (const { store } of open) await store.close();
    const after = snapshot(join(temp.dir, 'data'));
    expect(Object.keys(after)).toEqual(['dev.sqlite', 'dev.sqlite-shm', 'dev.sqlite-wal']);
    // The -shm file is SQLite's shared-memory WAL index, which the first reader after a writer rebuilds
    // (blackout-report does the same): not data. The database and its WAL are what a write changes.
    expect(after['dev.sqlite']).toBe(before['dev.sqlite']);
    expect(after['dev.sqlite-wal']).toBe(before['dev.sqlite-wal']);
  });
});
