/**
 * read-pin as cron runs it (dist/read-pin.js in a fresh process per minute, `--at` for the minute,
 * a file sensor for the power) against a real local HTTP server for every channel.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionKeysBetween } from '../../src/domain/keys.js';
import { initialPowerState, observeReading, type PowerEvent } from '../../src/domain/power-events.js';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp, parseTimestamp } from '../../src/domain/time.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { FileBuffer } from '../../src/utils/buffer.js';
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
  // Two hours back: every --at of a scenario stays in the past (read-pin refuses future times).
  t0 = Math.floor(Date.now() / 60_000) * 60_000 - 120 * 60_000;
});

afterEach(async () => {
  await receiver.stop();
  temp.cleanup();
});

const minute = (n: number): string => new Date(t0 + n * 60_000).toISOString();
/** How a message shows minute `n` (UTC): HH:MM, with the date in front when sent on a later day (near midnight). */
const shownAt = (n: number): string => `(?:${minute(n).slice(0, 10)} )?${minute(n).slice(11, 16)}`;

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
function readAt(
  n: number,
  reading: 0 | 1,
  env: Record<string, string> = channelEnv(),
  extra: string[] = [],
  killAfterMs?: number,
) {
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
    { env, ...(killAfterMs ? { timeoutMs: killAfterMs } : {}) },
  );
}

/** Pid of the read-pin process working in `dir` (found through /proc: runEntrypoint does not expose it). */
function readPinPid(dir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('read-pin.js') && cmdline.includes(dir)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/** The events the stored readings imply, computed by the pure state machine. */
async function expectedEvents(lastMinute: number): Promise<PowerEvent[]> {
  const store = new SqliteStore({ file: join(temp.dir, 'data.sqlite') });
  const series = { device: 'flat', pin: 4 };
  const pks = partitionKeysBetween('minutes', series, new Date(t0), new Date(t0 + lastMinute * 60_000));
  const stored = [...(await store.readPartitions('minutes', pks)).values()]
    .flat()
    .sort((a, b) => (a.ts < b.ts ? -1 : 1));
  await store.close();
  let state = initialPowerState();
  const events: PowerEvent[] = [];
  for (const record of stored) {
    const observed = observeReading(state, parseTimestamp(record.ts) ?? new Date(0), record.reading, {
      ...series,
      debounce: 1,
      gapMinutes: 10,
    });
    state = observed.state;
    events.push(...observed.events);
  }
  return events;
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
      expect(texts[0]).toMatch(new RegExp(`^🔴 Power OFF at ${shownAt(2)} — flat\\.`));
      expect(texts[1]).toMatch(
        new RegExp(`^🟢 Power back at ${shownAt(4)} — flat\\. It went off at ${shownAt(2)} and was off for 2 min`),
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
    expect(receiver.of('webhook').every((r) => String(r.headers['x-blackout-signature']).startsWith('sha256='))).toBe(
      true,
    );
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
    // Channels send side by side, so a kill can catch one request in flight on each channel: at most
    // one repeat per kill and channel, and (checked above) only right after the original.
    for (const endpoint of ['webhook', 'telegram', 'ntfy'] as const)
      expect(receiver.of(endpoint).length, endpoint).toBeLessThanOrEqual(2 * killPoints.length);
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

    // A store fault that will not pass by itself (here a corrupt database): the reading stays buffered and
    // the run exits 0 quietly, but the heartbeat reports a failure so the user hears of it.
    const corrupt = join(temp.dir, 'corrupt.sqlite');
    writeFileSync(corrupt, 'this is not a database\n'.repeat(200));
    expectQuiet(await readAt(2, 1, hc, ['--db', corrupt]));
    const storeFailing = receiver.of('heartbeat').at(-1);
    expect(storeFailing?.path).toBe('/hc/0f4c-uuid/fail');
    expect(storeFailing?.body).toMatch(/^reading ON; store failing, readings buffered: .*not a database/);
    // An unreachable store is an outage, not a fault: still a success ping.
    const unreachable = { ...hc, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    expectQuiet(
      await readAt(3, 1, unreachable, [
        '--store',
        'dynamodb',
        '--endpoint',
        'http://127.0.0.1:9',
        '--region',
        'eu-west-1',
      ]),
    );
    expect(receiver.of('heartbeat').at(-1)).toMatchObject({ path: '/hc/0f4c-uuid' });
    expect(receiver.of('heartbeat').at(-1)?.body).toBe('reading ON; store unreachable, readings buffered');

    // A heartbeat that cannot be delivered never fails the run or makes noise.
    receiver.down.add('heartbeat');
    expectQuiet(await readAt(4, 0, hc));
  });

  it('a reading buffered by a run killed before the notification step is checked by the next run', async () => {
    expectQuiet(await readAt(0, 1));
    expectQuiet(await readAt(1, 1));
    // What a run killed right after buffering leaves behind: the reading file, nothing else.
    new FileBuffer(join(temp.dir, 'buffer'), 'test').write(
      minuteRecord({ device: 'flat', pin: 4 }, formatTimestamp(new Date(t0 + 2 * 60_000 + 1_500)), 0),
    );
    expectQuiet(await readAt(3, 1));
    expect(webhookEvents().map((e) => [e.event, e.since])).toEqual([
      ['power_off', minute(2)],
      ['power_on', minute(3)],
    ]);
  });

  it('SIGKILL at every stage of many runs: every event the readings imply reaches every channel, in order', async () => {
    // Each run is killed as soon as it reaches a stage, cycling through them: its reading buffered,
    // the state saved, an event queued, a message received, the buffer flushed (or not at all).
    const power: (0 | 1)[] = [1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1];
    const stages = ['buffered', 'state', 'queued', 'received', 'flushed', 'none'] as const;
    const notifyDir = join(temp.dir, 'buffer', 'test', 'notify');
    const mtime = (path: string): number => (existsSync(path) ? statSync(path).mtimeMs : 0);
    const outboxNames = (): string => (existsSync(outboxDir()) ? readdirSync(outboxDir()).join() : '');
    let killed = 0;
    for (const [n, reading] of power.entries()) {
      // Telegram out for two minutes (few enough failures that no backoff delays the final runs).
      if (n === 3) receiver.down.add('telegram');
      if (n === 5) receiver.down.clear();
      const stage = stages[n % stages.length] ?? 'none';
      const bufferFile = join(temp.dir, 'buffer', 'test', `${formatTimestamp(new Date(t0 + n * 60_000))}.json`);
      const stateFile = join(notifyDir, 'state-flat-pin4.json');
      const before = { state: mtime(stateFile), outbox: outboxNames(), received: receiver.received.length };
      let seenBuffered = false;
      const reached = (): boolean => {
        const buffered = existsSync(bufferFile);
        seenBuffered ||= buffered;
        if (stage === 'buffered') return buffered;
        if (stage === 'state') return mtime(stateFile) !== before.state;
        if (stage === 'queued') return outboxNames() !== before.outbox;
        if (stage === 'received') return receiver.received.length > before.received;
        if (stage === 'flushed') return seenBuffered && !buffered;
        return false;
      };
      const run = readAt(n, reading);
      let done = false;
      void run.finally(() => {
        done = true;
      });
      while (!done && stage !== 'none') {
        if (reached()) {
          const pid = readPinPid(temp.dir);
          if (pid) process.kill(pid, 'SIGKILL');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const result = await run;
      if (result.signal === 'SIGKILL') killed++;
      else
        expect({ code: result.code, stderr: result.stderr }, `minute ${n}, stage ${stage}`).toEqual({
          code: 0,
          stderr: '',
        });
    }
    receiver.down.clear();
    // Clean runs until the outbox and the buffer are empty. A run killed inside the lock module (an
    // empty lock file, a take-over guard) leaves a lock (delivery, flush) that is taken over only after
    // a few seconds: cron runs are a minute apart, these are not, so keep going for a while.
    const buffered = () => readdirSync(join(temp.dir, 'buffer', 'test')).filter((f) => f.endsWith('.json'));
    const pending = () => queued().length + buffered().length > 0;
    // Past the longest take-over wait (10 s) with room for a slow machine's runs.
    const giveUpAt = Date.now() + 40_000;
    let last = power.length;
    for (; last < power.length + 3 || (pending() && Date.now() < giveUpAt); last++) {
      expectQuiet(await readAt(last, 1));
      if (pending()) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(buffered()).toEqual([]);
    expect(queued()).toEqual([]);
    expect(killed).toBeGreaterThanOrEqual(8);

    // Every reading was buffered before its run died, so the events are exactly the power changes.
    const expected = (await expectedEvents(last)).map((e) => e.id);
    expect(expected).toHaveLength(power.filter((p, i) => i > 0 && p !== power[i - 1]).length);
    const ids = receiver.of('webhook').map((r) => String(r.json?.id));
    // Repeats only directly after themselves (a run killed before recording an acceptance).
    expect(ids.filter((id, i) => id !== ids[i - 1])).toEqual(expected);
    for (const channel of ['telegram', 'ntfy'] as const) {
      const texts = textsOf(receiver, channel).map((t) => t.replace(/ \(delayed: sent \d\d:\d\d\)$/, ''));
      expect(
        texts.filter((t, i) => t !== texts[i - 1]),
        channel,
      ).toHaveLength(expected.length);
    }
  }, 120_000);
});
