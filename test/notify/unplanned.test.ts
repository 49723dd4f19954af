/**
 * `read-pin --notify-unplanned` as cron runs it (a fresh process per minute, `--at`, a file sensor),
 * delivering to a real local webhook receiver: an outage's message says whether the schedule planned
 * it, from a schedule file or from the copy blackout-aggregate cached (read-pin never asks the URL);
 * with no copy, or a stale one, it says nothing of the schedule.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, runEntrypoint, tempDir } from '../support/cli.js';
import { Receiver } from './receiver.js';

let receiver: Receiver;
let temp: { dir: string; cleanup: () => void };
/** A whole minute two hours ago: every --at of a scenario stays in the past (read-pin refuses future times). */
let t0: number;
let icsServer: Server;
let icsUrl: string;
let icsRequests = 0;

const minute = (n: number): string => new Date(t0 + n * 60_000).toISOString();
const hhmm = (n: number): string => minute(n).slice(11, 16);
/** How a message shows minute `n` (UTC): HH:MM, with the date in front when sent on a later day (near midnight). */
const shownAt = (n: number): string => `(?:${minute(n).slice(0, 10)} )?${hhmm(n)}`;
const icsTime = (n: number): string => `${minute(n).replace(/[-:]/g, '').slice(0, 15)}Z`;

/** One planned window, minutes 10 to 70 of the scenario. */
function windowCalendar(): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//blackout-monitor tests//EN',
    'BEGIN:VEVENT',
    'UID:window-1@test',
    `DTSTAMP:${icsTime(0)}`,
    `DTSTART:${icsTime(10)}`,
    `DTEND:${icsTime(70)}`,
    'SUMMARY:Planned outage',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

beforeEach(async () => {
  receiver = await new Receiver().start();
  temp = tempDir('blackout-unplanned-');
  t0 = Math.floor(Date.now() / 60_000) * 60_000 - 120 * 60_000;
  icsRequests = 0;
  icsServer = createServer((_req, res) => {
    icsRequests++;
    res.writeHead(200, { 'content-type': 'text/calendar' });
    res.end(windowCalendar());
  });
  await new Promise<void>((done) => icsServer.listen(0, '127.0.0.1', done));
  icsUrl = `http://127.0.0.1:${(icsServer.address() as AddressInfo).port}/group-2.1.ics`;
});

afterEach(async () => {
  await receiver.stop();
  await new Promise((done) => icsServer.close(done));
  temp.cleanup();
});

const env = (): Record<string, string> => ({
  BLACKOUT_WEBHOOK_URL: `${receiver.url}/hook`,
  BLACKOUT_TIME_ZONE: 'UTC',
  BLACKOUT_NOTIFY_TIMEOUT: '2',
  // The scenario's long pauses between runs are not the monitor's gaps.
  BLACKOUT_GAP_MINUTES: '10080',
  BLACKOUT_SCHEDULE_CACHE: join(temp.dir, 'schedule-cache'),
});

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

function readAt(n: number, reading: 0 | 1, extra: string[]): Promise<CliResult> {
  const sensor = join(temp.dir, 'power');
  writeFileSync(sensor, `${reading}\n`);
  return runEntrypoint('read-pin', [...common(), '--sensor', `file:${sensor}`, '--at', minute(n), ...extra], {
    env: env(),
  });
}

function expectQuiet(result: CliResult): void {
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('');
  expect(result.code).toBe(0);
}

const offMessages = () =>
  receiver
    .of('webhook')
    .map((r) => r.json ?? {})
    .filter((json) => json.event === 'power_off');

describe('read-pin --notify-unplanned', () => {
  it('says of each outage whether the schedule file planned it; the webhook carries the window', async () => {
    const ics = join(temp.dir, 'group-2.1.ics');
    writeFileSync(ics, windowCalendar());
    const flags = ['--notify-unplanned', '--schedule', ics, '--schedule-group', '2.1'];
    for (const [n, reading] of [
      [10, 1],
      [11, 1],
      [12, 0],
      [13, 1],
      [99, 1],
      [100, 0],
      [101, 1],
    ] as const) {
      expectQuiet(await readAt(n, reading, flags));
    }
    const [planned, unplanned] = offMessages();
    expect(planned?.text).toMatch(
      new RegExp(`^🔴 Power OFF at ${shownAt(12)} — planned ${shownAt(10)}–(?:\\S+ )?${hhmm(70)} — flat\\.`),
    );
    expect(planned?.schedule).toEqual({ group: '2.1', window: { start: minute(10), end: minute(70) } });
    expect(unplanned?.text).toMatch(
      new RegExp(`^🔴 Power OFF at ${shownAt(100)} — not in the schedule for group 2\\.1 — flat\\.`),
    );
    expect(unplanned?.schedule).toEqual({ group: '2.1', window: null });
    // Power coming back is not judged.
    const back = receiver.of('webhook').filter((r) => r.json?.event === 'power_on');
    expect(back.map((r) => r.json?.schedule)).toEqual([null, null]);
    expect(back.every((r) => !String(r.json?.text).includes('schedule'))).toBe(true);
  });

  it('reads only the copy aggregate cached: none yet or a stale one, and the message says nothing of the schedule', async () => {
    const flags = ['--notify-unplanned', '--schedule', icsUrl, '--schedule-group', '2.1'];
    // No cached copy yet.
    for (const [n, reading] of [
      [11, 1],
      [12, 0],
      [13, 1],
    ] as const) {
      expectQuiet(await readAt(n, reading, flags));
    }
    expect(icsRequests).toBe(0);
    expect(offMessages()[0]?.text).toMatch(new RegExp(`^🔴 Power OFF at ${shownAt(12)} — flat\\.`));
    expect(offMessages()[0]?.schedule).toBeNull();

    // The hourly job fetches the plan into the cache; read-pin goes by it.
    const aggregate = await runEntrypoint('aggregate', [...common(), '--schedule', icsUrl, '--schedule-group', '2.1'], {
      env: env(),
    });
    expectQuiet(aggregate);
    expect(icsRequests).toBe(1);
    for (const [n, reading] of [
      [99, 1],
      [100, 0],
      [101, 1],
    ] as const) {
      expectQuiet(await readAt(n, reading, flags));
    }
    expect(icsRequests).toBe(1);
    expect(offMessages()[1]?.text).toMatch(
      new RegExp(`^🔴 Power OFF at ${shownAt(100)} — not in the schedule for group 2\\.1 — flat\\.`),
    );

    // A copy fetched more than six hours ago is not gone by.
    const cacheDir = join(temp.dir, 'schedule-cache');
    const [cacheFile = ''] = readdirSync(cacheDir);
    const entry = JSON.parse(readFileSync(join(cacheDir, cacheFile), 'utf8')) as { fetchedAt: string; text: string };
    const stale = new Date(Date.now() - 7 * 3_600_000).toISOString();
    writeFileSync(join(cacheDir, cacheFile), JSON.stringify({ ...entry, fetchedAt: stale }));
    for (const [n, reading] of [
      [104, 1],
      [105, 0],
      [106, 1],
    ] as const) {
      expectQuiet(await readAt(n, reading, flags));
    }
    expect(offMessages()[2]?.text).toMatch(new RegExp(`^🔴 Power OFF at ${shownAt(105)} — flat\\.`));
    expect(offMessages()[2]?.schedule).toBeNull();
    expect(icsRequests).toBe(1);
  });

  it('refuses --notify-unplanned without --schedule in one line, recording nothing', async () => {
    const result = await readAt(1, 1, ['--notify-unplanned']);
    expect([result.code, result.stderr]).toEqual([
      2,
      'read-pin: --notify-unplanned needs --schedule (or BLACKOUT_SCHEDULE)\n',
    ]);
    expect(readdirSync(temp.dir)).toEqual(['power']);
  });
});
