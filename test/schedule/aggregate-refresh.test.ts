/**
 * `blackout-aggregate --schedule URL` as cron runs it hourly, against a real HTTP server on
 * 127.0.0.1: it fetches the plan into the cache (atomically, with its fetch time); a server that is
 * down or answers badly leaves the last good copy and is only a warning (exit 0, silent); with
 * --publish-dir it writes the folder's schedule file from the copy it has just fetched.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleFileJson } from '../../src/dashboard/contract.js';
import { PLAN_MAX_AGE_MS } from '../../src/domain/schedule.js';
import { type CliResult, runEntrypoint, tempDir } from '../support/cli.js';
import { FIXTURES } from './week-data.js';

/** Every day 18:00–21:00 UTC from 2025 on: whatever the day the test runs, the plan has windows around it. */
const DAILY = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//blackout-monitor tests//daily//EN',
  'BEGIN:VEVENT',
  'UID:daily@test',
  'DTSTAMP:20250101T000000Z',
  'DTSTART:20250101T180000Z',
  'DTEND:20250101T210000Z',
  'RRULE:FREQ=DAILY',
  'SUMMARY:Group 2.1 outage',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

let answer: { status: number; body: string } | 'drop' = { status: 200, body: DAILY };
let requests = 0;
let server: Server;
let url: string;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir('blackout-aggregate-schedule-');
  server = createServer((req, res) => {
    requests++;
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'text/calendar' });
    res.end(answer.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/plan/2.1.ics?key=s3cret`;
  // One reading, so the series exists for the published folder.
  const sensor = join(temp.dir, 'power');
  writeFileSync(sensor, '1\n');
  expectQuiet(await runEntrypoint('read-pin', [...common(), '--sensor', `file:${sensor}`]));
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  temp.cleanup();
});

const cacheDir = () => join(temp.dir, 'cache');
const common = (): string[] => [
  'flat',
  '4',
  'test',
  '--buffer-dir',
  join(temp.dir, 'buffer'),
  '--log-dir',
  join(temp.dir, 'logs'),
  '--db',
  join(temp.dir, 'data.sqlite'),
];
const aggregate = (extra: string[] = []) =>
  runEntrypoint('aggregate', [
    ...common(),
    '--schedule',
    url,
    '--schedule-group',
    '2.1',
    '--schedule-cache',
    cacheDir(),
    ...extra,
  ]);

function expectQuiet(result: CliResult): void {
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('');
  expect(result.code).toBe(0);
}

function cached(): { fetchedAt: string; text: string } {
  const files = readdirSync(cacheDir());
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(cacheDir(), files[0] ?? ''), 'utf8'));
}

const logText = (): string =>
  readdirSync(join(temp.dir, 'logs'))
    .map((f) => readFileSync(join(temp.dir, 'logs', f), 'utf8'))
    .join('');

describe('blackout-aggregate --schedule URL', () => {
  it('fetches the plan into the cache each run, the URL nowhere in it', async () => {
    const before = Date.now();
    expectQuiet(await aggregate());
    expect(requests).toBe(1);
    const first = cached();
    expect(first.text).toBe(DAILY);
    expect(Date.parse(first.fetchedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(readFileSync(join(cacheDir(), readdirSync(cacheDir())[0] ?? ''), 'utf8')).not.toContain('s3cret');

    expectQuiet(await aggregate());
    expect(requests).toBe(2);
    expect(Date.parse(cached().fetchedAt)).toBeGreaterThanOrEqual(Date.parse(first.fetchedAt));
  });

  it('keeps the last good copy when the server is down or answers badly: a warning in the log, exit 0', async () => {
    const good = cached();
    for (const bad of [
      'drop',
      { status: 503, body: 'busy' },
      { status: 200, body: '<html>not a plan</html>' },
    ] as const) {
      answer = bad;
      expectQuiet(await aggregate());
      expect(cached()).toEqual(good);
    }
    expect(logText()).toContain('schedule not refreshed; the cached copy stays');
    expect(logText()).not.toContain('s3cret');
    answer = { status: 200, body: DAILY };
  });

  it('with --publish-dir writes the schedule file from the copy it fetched', async () => {
    const site = join(temp.dir, 'site');
    expectQuiet(await aggregate(['--publish-dir', site]));
    const file = JSON.parse(readFileSync(join(site, 'api/schedule/flat/4.json'), 'utf8')) as ScheduleFileJson;
    const { fetchedAt } = cached();
    expect(file).toMatchObject({
      device: 'flat',
      pin: 4,
      mode: 'test',
      group: '2.1',
      format: 'ics',
      asOf: fetchedAt,
      validUntil: new Date(Date.parse(fetchedAt) + PLAN_MAX_AGE_MS).toISOString(),
      problem: null,
      coverage: null,
    });
    // A day before to two days after: three or four of the daily windows, whatever the hour.
    expect(file.windows.length).toBeGreaterThanOrEqual(3);
    expect(file.windows.length).toBeLessThanOrEqual(4);
    for (const w of file.windows) {
      expect([w.start.slice(11), w.end.slice(11), w.possible]).toEqual(['18:00:00.000Z', '21:00:00.000Z', false]);
    }
    expect(readFileSync(join(site, 'api/schedule/flat/4.json'), 'utf8')).not.toContain('s3cret');
  });

  it('a schedule file needs no cache: nothing is fetched or written', async () => {
    const before = requests;
    const local = join(temp.dir, 'local-cache');
    const result = await runEntrypoint('aggregate', [
      ...common(),
      '--schedule',
      join(FIXTURES, 'week-2.1.ics'),
      '--schedule-cache',
      local,
    ]);
    expectQuiet(result);
    expect(requests).toBe(before);
    expect(existsSync(local)).toBe(false);
  });
});
