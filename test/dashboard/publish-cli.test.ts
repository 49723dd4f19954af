/**
 * `dist/publish.js` and `--publish-dir` of read-pin and aggregate as cron and a user run them: fresh
 * processes on a real SQLite file, the data at a fixed instant (`--as-of`, `--at`).
 */

import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths, utcDaysBetween } from '../../src/dashboard/contract.js';
import { devicesResource, minutesResource, statusResource } from '../../src/dashboard/resources.js';
import { DAY_MS, floorToDay } from '../../src/domain/time.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { FRESH_NOW, FRESH_TZ, freshMinutes } from '../report/fresh-data.js';
import { ROOT, runEntrypoint, tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';

let temp: ReturnType<typeof tempDir>;
let db: string;
let web: string;
let out: string;
let logs: string;

beforeEach(async () => {
  temp = tempDir('blackout-publish-cli-');
  db = join(temp.dir, 'dev.sqlite');
  logs = join(temp.dir, 'logs');
  out = join(temp.dir, 'site');
  const store = new SqliteStore({ file: db });
  await store.putMinutes(freshMinutes());
  await store.close();
  web = join(temp.dir, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Power</title>\n');
});
afterEach(() => temp.cleanup());

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
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
  files(dir).map((f) => {
    const s = statSync(join(dir, f));
    return `${f} ${s.ino} ${s.mtimeMs}`;
  });

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(join(out, path), 'utf8'));
const withoutMade = ({ generatedAt: _made, ...rest }: Record<string, unknown>) => rest;

const STORE_ARGS = () => ['--db', db, '--log-dir', logs];
const publish = (args: string[], env: Record<string, string> = {}) =>
  runEntrypoint('publish', [...args, ...STORE_ARGS()], { env });

describe('blackout-publish', () => {
  it('writes the folder silently, the JSON equal to the resources; a second run changes no file', async () => {
    const args = ['--out', out, '--web-dir', web, '--as-of', FRESH_NOW.toISOString(), '--tz', FRESH_TZ];
    const first = await publish(args);
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(files(out)).toEqual(
      [
        'config.json',
        'index.html',
        dataPaths.devices,
        dataPaths.status(SERIES),
        dataPaths.outagesIcs(SERIES),
        ...['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'].map((d) => dataPaths.minutes(SERIES, d)),
      ].sort(),
    );
    expect(readJson('config.json')).toEqual({ source: 'json', mode: 'dev', tz: FRESH_TZ, refreshSeconds: 60 });
    const store = new SqliteStore({ file: db, access: 'read' });
    const ctx = { store, mode: 'dev', now: FRESH_NOW };
    expect(readJson(dataPaths.devices)).toEqual(await devicesResource(ctx));
    expect(readJson(dataPaths.status(SERIES))).toEqual(await statusResource(ctx, SERIES, FRESH_TZ));
    expect(readJson(dataPaths.minutes(SERIES, '2026-11-28'))).toEqual(await minutesResource(ctx, SERIES, '2026-11-28'));
    await store.close();

    const before = identity(out);
    const second = await publish([...args, '--verbose']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/published .*"written":0,"unchanged":9,"removed":0/);
    expect(identity(out)).toEqual(before);
  });

  it('--web-source dynamodb: the app and a DynamoWebConfig for the named series, no api/, no store needed', async () => {
    const pool = 'eu-central-1:1a2b3c4d-0000-1111-2222-333344445555';
    const result = await runEntrypoint('publish', [
      'alex_rpi',
      '4',
      'prod',
      '--out',
      out,
      '--web-dir',
      web,
      '--web-source',
      'dynamodb',
      '--region',
      'eu-central-1',
      '--identity-pool-id',
      pool,
      '--guest-role-arn',
      'arn:aws:iam::123456789012:role/blackout-dashboard-guest',
      '--tz',
      FRESH_TZ,
      '--log-dir',
      logs,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(files(out)).toEqual(['config.json', 'index.html']);
    expect(readJson('config.json')).toEqual({
      source: 'dynamodb',
      region: 'eu-central-1',
      identityPoolId: pool,
      guestRoleArn: 'arn:aws:iam::123456789012:role/blackout-dashboard-guest',
      mode: 'prod',
      tz: FRESH_TZ,
      refreshSeconds: 60,
      series: [SERIES],
    });
  });

  it('--web-source dynamodb with credentials: a loopback endpoint goes in; any other is refused, nothing written', async () => {
    const base = [
      'alex_rpi',
      '4',
      '--out',
      out,
      '--web-dir',
      web,
      '--web-source',
      'dynamodb',
      '--region',
      'eu-central-1',
    ];
    const creds = ['--web-access-key-id', 'test', '--web-secret-access-key', 'hush-secret-123'];
    const refused = await publish([...base, ...creds, '--endpoint', 'https://dynamodb.example.com']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'publish: invalid --endpoint "https://dynamodb.example.com" with --web-access-key-id: credentials go into config.json only for a loopback endpoint (127.0.0.1, localhost); for AWS use --identity-pool-id\n',
    );
    expect(refused.stderr).not.toContain('hush-secret-123');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(logs)).toBe(false);

    const noPool = await publish(base);
    expect(noPool).toMatchObject({ code: 2, stdout: '' });
    expect(noPool.stderr).toBe(
      'publish: --web-source dynamodb needs --identity-pool-id (the browser signs in as its guest)\n',
    );

    const local = await publish([...base, ...creds, '--endpoint', 'http://127.0.0.1:8000']);
    expect(local).toMatchObject({ code: 0, stderr: '' });
    expect(readJson('config.json')).toMatchObject({
      source: 'dynamodb',
      endpoint: 'http://127.0.0.1:8000',
      credentials: { accessKeyId: 'test', secretAccessKey: 'hush-secret-123' },
      series: [SERIES],
    });
  });

  it('refuses a --web-dir without index.html and a mistyped series: one line, exit 2, nothing written', async () => {
    const empty = join(temp.dir, 'empty');
    mkdirSync(empty);
    const noApp = await publish(['--out', out, '--web-dir', empty]);
    expect(noApp).toMatchObject({ code: 2, stdout: '' });
    expect(noApp.stderr).toBe(`publish: invalid --web-dir "${empty}": no index.html in it\n`);
    const typo = await publish(['alex_rpj', '4', '--out', out, '--web-dir', web]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^publish: no readings for device "alex_rpj" pin 4 in .*; it holds: alex_rpi pin 4\n$/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(logs)).toBe(false);
  });

  it('an installation without the built app says so in one line, exits 1, and writes nothing', async () => {
    // A copy of the installation (dist/ without dist/web), using this one's packages.
    const install = join(temp.dir, 'install');
    mkdirSync(install);
    cpSync(join(ROOT, 'package.json'), join(install, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'));
    cpSync(join(ROOT, 'dist'), join(install, 'dist'), {
      recursive: true,
      filter: (source) => relative(join(ROOT, 'dist'), source) !== 'web',
    });
    const copy = spawnSync(process.execPath, [join(install, 'dist', 'publish.js'), '--out', out, ...STORE_ARGS()], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(copy.status).toBe(1);
    expect(copy.stderr).toBe('publish: the web app is not built: run npm run build\n');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(logs)).toBe(false);
  });
});

describe('--publish-dir', () => {
  const sensorFile = () => {
    const path = join(temp.dir, 'ac-online');
    writeFileSync(path, '0\n');
    return path;
  };
  const readPin = (publishDir: string, extra: string[] = []) =>
    runEntrypoint(
      'read-pin',
      [
        ...['alex_rpi', '4', 'dev', '--sensor', `file:${sensorFile()}`, '--at', '2026-12-01T12:00:03Z'],
        ...['--buffer-dir', join(temp.dir, 'buffer'), ...STORE_ARGS(), '--publish-dir', publishDir, ...extra],
      ],
      { env: { TZ: FRESH_TZ } },
    );

  it('read-pin: after the reading is stored, the folder gets the app, config, devices, status and the day', async () => {
    const result = await readPin(out);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const listed = files(out);
    for (const path of [
      'config.json',
      dataPaths.devices,
      dataPaths.status(SERIES),
      dataPaths.minutes(SERIES, '2026-12-01'),
    ]) {
      expect(listed).toContain(path);
    }
    // The app is not built in this branch's dist/ unless the web build ran: then it is copied too.
    expect(listed.includes('index.html')).toBe(existsSync(join(ROOT, 'dist', 'web', 'index.html')));
    expect(readJson('config.json')).toEqual({ source: 'json', mode: 'dev', tz: FRESH_TZ, refreshSeconds: 60 });
    expect(readJson(dataPaths.devices)).toMatchObject({
      series: [{ ...SERIES, lastReading: '2026-12-01T12:00:03.000Z' }],
    });
    const store = new SqliteStore({ file: db, access: 'read' });
    const day = await minutesResource({ store, mode: 'dev', now: new Date() }, SERIES, '2026-12-01');
    await store.close();
    expect(withoutMade(readJson(dataPaths.minutes(SERIES, '2026-12-01')))).toEqual(withoutMade({ ...day }));
    // The new OFF reading at 12:00 is the day's last run.
    // The new OFF reading at 12:00 follows the two hours ON; the rest of the day has no reading.
    expect((readJson(dataPaths.minutes(SERIES, '2026-12-01')).runs as number[][]).slice(-3, -1)).toEqual([
      [1, 120],
      [2, 1],
    ]);
  });

  it('read-pin: a folder that cannot be written costs nothing: the reading is stored, exit 0, a warning logged', async () => {
    const blocked = join(temp.dir, 'a-file');
    writeFileSync(blocked, 'not a folder');
    const result = await readPin(blocked);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const store = new SqliteStore({ file: db, access: 'read' });
    const [summary] = await store.listSeries({ series: SERIES });
    await store.close();
    expect(summary?.lastReading).toBe('2026-12-01T12:00:03.000000+00:00');
    const log = readdirSync(logs)
      .map((f) => readFileSync(join(logs, f), 'utf8'))
      .join('');
    expect(log).toContain('could not refresh the published folder');
    expect(readFileSync(blocked, 'utf8')).toBe('not a folder');
  });

  it('aggregate: the days it rolled up, the calendar and the status', async () => {
    // aggregate publishes on the real clock, keeping the last 32 days: readings of the three UTC days
    // before today are rolled up and published at any hour (the fixed data would age out).
    const recentDb = join(temp.dir, 'recent.sqlite');
    const today = floorToDay(new Date());
    const first = new Date(today.getTime() - 3 * DAY_MS);
    const store = new SqliteStore({ file: recentDb });
    await store.putMinutes(generateMinutes(SERIES, first, 3 * 24 * 60, (i) => (i % 600 < 45 ? 0 : 1)));
    await store.close();
    const result = await runEntrypoint(
      'aggregate',
      ['alex_rpi', '4', 'dev', '--buffer-dir', join(temp.dir, 'buffer'), '--db', recentDb, '--log-dir', logs],
      { env: { TZ: FRESH_TZ, BLACKOUT_PUBLISH_DIR: out } },
    );
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const minutes = files(join(out, 'api', 'minutes'));
    expect(minutes).toEqual(utcDaysBetween(first, today).map((d) => `alex_rpi/4/${d}.json`));
    expect(files(out)).toEqual(
      expect.arrayContaining([
        'config.json',
        dataPaths.devices,
        dataPaths.status(SERIES),
        dataPaths.outagesIcs(SERIES),
      ]),
    );
    expect(readFileSync(join(out, dataPaths.outagesIcs(SERIES)), 'utf8')).toContain('BEGIN:VCALENDAR');
  });
});
