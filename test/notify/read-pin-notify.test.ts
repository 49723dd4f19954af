/**
 * read-pin as cron runs it (dist/read-pin.js in a fresh process per minute, `--at` for the minute,
 * a file sensor for the power) against a real local HTTP server for every channel.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, runEntrypoint, tempDir } from '../support/cli.js';
import { Receiver, textsOf } from './receiver.js';

const TOKEN = '123456789:AAH-secretTelegramToken_xyz';
const SECRET = 'webhook-shared-secret-42';
const TOPIC = 'flat-power-topic-k3y';

let receiver: Receiver;
let temp: { dir: string; cleanup: () => void };
/** A whole minute an hour ago: events stamped from here are delivered "late" by the real clock. */
let t0: number;

beforeEach(async () => {
  receiver = await new Receiver({ telegramToken: TOKEN, webhookSecret: SECRET }).start();
  temp = tempDir('blackout-notify-');
  t0 = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;
});

afterEach(async () => {
  await receiver.stop();
  temp.cleanup();
});

const minute = (n: number): string => new Date(t0 + n * 60_000).toISOString();

function channelEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    BLACKOUT_WEBHOOK_URL: `${receiver.url}/hook`,
    BLACKOUT_WEBHOOK_SECRET: SECRET,
    BLACKOUT_TELEGRAM_TOKEN: TOKEN,
    BLACKOUT_TELEGRAM_CHAT_ID: '-1001234',
    BLACKOUT_TELEGRAM_API_URL: receiver.url,
    BLACKOUT_NTFY_URL: `${receiver.url}/ntfy/${TOPIC}`,
    BLACKOUT_TIME_ZONE: 'UTC',
    BLACKOUT_NOTIFY_TIMEOUT: '2',
    ...overrides,
  };
}

/** One cron run at minute `n` of the scenario with the power `reading`. */
function readAt(n: number, reading: 0 | 1, env: Record<string, string> = channelEnv(), extra: string[] = []) {
  const sensor = join(temp.dir, 'power');
  writeFileSync(sensor, `${reading}\n`);
  return runEntrypoint(
    'read-pin',
    [
      'flat',
      '4',
      'test',
      '--sensor',
      `file:${sensor}`,
      '--at',
      minute(n),
      '--buffer-dir',
      join(temp.dir, 'buffer'),
      '--log-dir',
      join(temp.dir, 'logs'),
      '--db',
      join(temp.dir, 'data.sqlite'),
      ...extra,
    ],
    { env },
  );
}

function expectQuiet(result: CliResult): void {
  expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
    code: 0,
    stdout: '',
    stderr: '',
  });
}

const outboxDir = (): string => join(temp.dir, 'buffer', 'test', 'notify', 'outbox-flat-pin4');
const queued = (): string[] => readdirSync(outboxDir()).filter((n) => n.endsWith('.json'));
const logText = (): string =>
  readdirSync(join(temp.dir, 'logs'))
    .map((f) => readFileSync(join(temp.dir, 'logs', f), 'utf8'))
    .join('');
const webhookEvents = () => receiver.of('webhook').map((r) => r.json ?? {});

describe('read-pin notifications', () => {
  it('power goes off while the receiver is down, comes back, receiver comes back: both events, in order, late, once', async () => {
    expectQuiet(await readAt(0, 1));
    expectQuiet(await readAt(1, 1));
    receiver.down.add('webhook').add('telegram').add('ntfy');
    expectQuiet(await readAt(2, 0)); // power off: queued, not delivered
    expectQuiet(await readAt(3, 0));
    expectQuiet(await readAt(4, 1)); // power back: queued behind the first
    expect(receiver.received).toEqual([]);
    expect(queued()).toEqual(['0000000001.json', '0000000002.json']);

    receiver.down.clear();
    expectQuiet(await readAt(5, 1));
    for (const channel of ['webhook', 'telegram', 'ntfy'] as const) {
      const texts = textsOf(receiver, channel);
      expect(texts, channel).toHaveLength(2);
      expect(texts[0]).toMatch(new RegExp(`^🔴 Power OFF at ${minute(2).slice(11, 16)} — flat\\.`));
      expect(texts[1]).toMatch(
        new RegExp(
          `^🟢 Power back at ${minute(4).slice(11, 16)} — flat\\. It went off at ${minute(2).slice(11, 16)} and was off for 2 min`,
        ),
      );
      for (const text of texts) expect(text).toMatch(/\(delayed: sent \d\d:\d\d\)$/);
    }
    const [off, on] = webhookEvents();
    expect(off).toMatchObject({
      event: 'power_off',
      device: 'flat',
      pin: 4,
      state: 'off',
      since: minute(2),
      delayed: true,
    });
    expect(on).toMatchObject({
      event: 'power_on',
      state: 'on',
      since: minute(4),
      previousState: 'off',
      previousStateMinutes: 2,
      delayed: true,
    });
    expect(Date.parse(String(on?.sentAt))).toBeGreaterThan(Date.parse(minute(59)));
    // The signature was checked by the receiver on every webhook request.
    expect(receiver.rejectedSignatures).toEqual([]);
    expect(
      receiver.of('webhook').every((r) => String(r.headers['x-blackout-signature-256']).startsWith('sha256=')),
    ).toBe(true);
    expect(receiver.of('telegram')[0]?.json).toMatchObject({ chat_id: '-1001234' });
    expect(receiver.of('ntfy')[0]?.headers).toMatchObject({ title: 'Power OFF - flat', tags: 'red_circle' });
    expect(queued()).toEqual([]);

    // Later runs send nothing again: exactly once.
    expectQuiet(await readAt(6, 1));
    expectQuiet(await readAt(7, 1));
    expect(receiver.received).toHaveLength(6);

    // The monitor's own gap (no runs for 25 minutes) is reported when it comes back.
    expectQuiet(await readAt(33, 1));
    const back = webhookEvents()[2];
    expect(back).toMatchObject({ event: 'monitor_back', state: 'on', gapMinutes: 25, since: minute(33) });
    expect(textsOf(receiver, 'telegram')[2]).toContain('after 25 min without readings');
  });

  it('one channel down does not hold back or duplicate the others', async () => {
    expectQuiet(await readAt(0, 1));
    receiver.down.add('telegram');
    expectQuiet(await readAt(1, 0));
    expectQuiet(await readAt(2, 1));
    expect(textsOf(receiver, 'webhook')).toHaveLength(2);
    expect(textsOf(receiver, 'ntfy')).toHaveLength(2);
    expect(textsOf(receiver, 'telegram')).toHaveLength(0);
    receiver.down.clear();
    expectQuiet(await readAt(3, 1));
    expect(textsOf(receiver, 'telegram').map((t) => t.slice(0, 12))).toEqual(['🔴 Power OFF', '🟢 Power bac']);
    expect(textsOf(receiver, 'webhook')).toHaveLength(2);
    expect(textsOf(receiver, 'ntfy')).toHaveLength(2);
    expect(queued()).toEqual([]);
  });

  it('debounce from the environment: a one-minute blip is no event', async () => {
    const env = channelEnv({ BLACKOUT_DEBOUNCE: '2' });
    for (const [n, reading] of [
      [0, 1],
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 0],
      [5, 0],
    ] as const) {
      expectQuiet(await readAt(n, reading, env));
    }
    expect(webhookEvents()).toEqual([expect.objectContaining({ event: 'power_off', since: minute(3) })]);
  });

  it('SIGKILL during delivery loses nothing; only the message being accepted may come twice', async () => {
    // Kill points: each channel's request, killed before the receiver records it or right after.
    const killPoints = [
      ['webhook', 'drop'],
      ['telegram', 'drop'],
      ['ntfy', 'record-and-drop'],
      ['webhook', 'record-and-drop'],
    ] as const;
    const lockPath = join(temp.dir, 'buffer', 'test', 'notify', 'deliver-lock-flat-pin4');
    let n = 0;
    expectQuiet(await readAt(n++, 1));
    for (const [endpoint, action] of killPoints) {
      let killed = false;
      receiver.hook = (hit) => {
        if (hit !== endpoint || killed) return undefined;
        killed = true;
        // The run that holds the delivery lock is the one sending: kill it mid-request.
        const holder = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number };
        process.kill(holder.pid, 'SIGKILL');
        return action;
      };
      const flip = ((n + 1) % 2) as 0 | 1;
      const result = await readAt(n++, flip);
      expect(result.signal).toBe('SIGKILL');
      receiver.hook = undefined;
    }
    // Clean runs deliver whatever is left.
    expectQuiet(await readAt(n++, 1));
    expectQuiet(await readAt(n++, 1));
    expect(queued()).toEqual([]);

    // Every event reached every channel, in order; repeats only directly after themselves.
    const ids = (endpoint: 'webhook' | 'telegram' | 'ntfy') => {
      const seen = receiver
        .of(endpoint)
        .map((r) => (endpoint === 'ntfy' ? r.body.slice(0, 40) : String(r.json?.id ?? r.json?.text).slice(0, 40)));
      return seen.filter((id, i) => id !== seen[i - 1]);
    };
    const webhookIds = ids('webhook');
    expect(webhookIds).toHaveLength(killPoints.length);
    expect(new Set(webhookIds).size).toBe(killPoints.length);
    expect(
      webhookEvents()
        .map((e) => e.state)
        .filter((s, i, all) => s !== all[i - 1]),
    ).toEqual(['off', 'on', 'off', 'on']);
    expect(ids('telegram')).toHaveLength(killPoints.length);
    expect(ids('ntfy')).toHaveLength(killPoints.length);
    // Duplicates only where the receiver recorded the message and the run died before hearing back.
    expect(receiver.of('webhook').length).toBeLessThanOrEqual(killPoints.length + 1);
    expect(receiver.of('telegram')).toHaveLength(killPoints.length);
    expect(receiver.of('ntfy').length).toBeLessThanOrEqual(killPoints.length + 1);
  });

  it('secrets never reach the logs, even when the server echoes them; failures keep the exit code 0', async () => {
    const env = channelEnv({ BLACKOUT_TELEGRAM_TOKEN: '123456789:wrongTokenEchoedBack', BLACKOUT_VERBOSE: '1' });
    await readAt(0, 1, env);
    const result = await readAt(1, 0, env);
    expect(result.code).toBe(0);
    expect(receiver.of('webhook')).toHaveLength(1);
    const log = logText();
    expect(log).toContain(
      'notification not accepted by telegram (HTTP 401: Unauthorized: /bot***/sendMessage (token ***))',
    );
    for (const secret of ['wrongTokenEchoedBack', TOKEN, SECRET, TOPIC]) {
      expect(log).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });

  it('heartbeat: Healthchecks-style ping after each run, /fail when the reading fails; Uptime Kuma up/down', async () => {
    const hc = channelEnv({ BLACKOUT_HEARTBEAT_URL: `${receiver.url}/hc/0f4c-uuid` });
    expectQuiet(await readAt(0, 1, hc));
    const failed = await runEntrypoint(
      'read-pin',
      [
        '--sensor',
        `file:${join(temp.dir, 'missing')}`,
        '--buffer-dir',
        join(temp.dir, 'buffer'),
        '--log-dir',
        join(temp.dir, 'logs'),
        '--db',
        join(temp.dir, 'data.sqlite'),
      ],
      { env: hc },
    );
    expect(failed.code).toBe(1);
    const kuma = channelEnv({ BLACKOUT_HEARTBEAT_URL: `${receiver.url}/api/push/kumaToken1?status=up&msg=OK&ping=` });
    expectQuiet(await readAt(1, 0, kuma));
    const pings = receiver.of('heartbeat');
    expect(pings.map((p) => `${p.method} ${p.path}`)).toEqual([
      'POST /hc/0f4c-uuid',
      'POST /hc/0f4c-uuid/fail',
      'GET /api/push/kumaToken1',
    ]);
    expect(pings[0]?.body).toBe('reading ON');
    expect(pings[2]?.query).toMatchObject({ status: 'up', msg: 'reading OFF' });

    // A heartbeat that cannot be delivered never fails the run or makes noise.
    receiver.down.add('heartbeat');
    expectQuiet(await readAt(2, 0, hc));
  });
});
