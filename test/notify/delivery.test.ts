/**
 * The notifier in-process against a real local HTTP server, with the clock passed in so retries,
 * backoff, "delayed" and giving up can be checked minute by minute.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Series } from '../../src/domain/keys.js';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';
import type { NotifyConfig } from '../../src/notify/config.js';
import { backoffMinutes } from '../../src/notify/delivery.js';
import { heartbeatRequest } from '../../src/notify/heartbeat.js';
import { Notifier } from '../../src/notify/notifier.js';
import type { OutboxEntry } from '../../src/notify/outbox.js';
import { createLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { Receiver } from './receiver.js';

const SERIES: Series = { device: 'flat', pin: 4 };
const T0 = Date.parse('2025-06-21T10:00:00Z');
const minute = (n: number): Date => new Date(T0 + n * 60_000);

let receiver: Receiver;
let temp: { dir: string; cleanup: () => void };
let clock: Date;

beforeEach(async () => {
  receiver = await new Receiver().start();
  temp = tempDir('blackout-delivery-');
  clock = minute(0);
});

afterEach(async () => {
  await receiver.stop();
  temp.cleanup();
});

function config(overrides: Partial<NotifyConfig> = {}): NotifyConfig {
  return {
    webhook: { url: `${receiver.url}/hook` },
    telegram: { token: '42:tok', chatId: '7', apiUrl: receiver.url },
    lang: 'en',
    timeZone: 'UTC',
    debounce: 1,
    gapMinutes: 10,
    timeoutMs: 2_000,
    budgetMs: 15_000,
    ...overrides,
  };
}

function notifier(cfg = config()): Notifier {
  const log = createLogger({ name: 'test', logDir: join(temp.dir, 'logs') });
  return new Notifier(cfg, { bufferDir: join(temp.dir, 'buffer'), mode: 'test', series: SERIES }, log, () => clock);
}

/** A reading at minute `n`, processed with the clock at that minute plus `lateMs`. */
async function reading(n: number, value: 0 | 1, target = notifier(), lateMs = 20_000): Promise<void> {
  clock = new Date(minute(n).getTime() + lateMs);
  await target.afterReading(minuteRecord(SERIES, formatTimestamp(new Date(minute(n).getTime() + 3_000)), value));
}

const outbox = (n: Notifier) => n.files.list().map((f) => JSON.parse(readFileSync(f.path, 'utf8')) as OutboxEntry);
const logText = (): string =>
  readdirSync(join(temp.dir, 'logs'))
    .map((f) => readFileSync(join(temp.dir, 'logs', f), 'utf8'))
    .join('');

describe('delivery', () => {
  it('a timely event is not marked delayed; the payload has the documented fields', async () => {
    const n = notifier();
    await reading(0, 1, n);
    await reading(1, 0, n);
    const [hook] = receiver.of('webhook');
    expect(hook?.json).toEqual({
      id: 'flat:4:2025-06-21T10:01:off',
      event: 'power_off',
      device: 'flat',
      pin: 4,
      state: 'off',
      since: '2025-06-21T10:01:00.000Z',
      previousState: 'on',
      previousSince: '2025-06-21T10:00:00.000Z',
      previousSinceEarliest: null,
      previousStateMinutes: 1,
      previousStateMinutesMax: null,
      previousSinceKnown: false,
      changeWindow: null,
      gaps: [],
      gapMinutes: null,
      detectedAt: '2025-06-21T10:01:00.000Z',
      delayed: false,
      // Not judged: no --notify-unplanned.
      schedule: null,
      sentAt: '2025-06-21T10:01:20.000Z',
      text: '🔴 Power OFF at 10:01 — flat. It was on for at least 1 min (since monitoring began).',
    });
    expect(hook?.headers['x-blackout-signature-256']).toBeUndefined();
    expect(hook?.headers['x-blackout-signature']).toBeUndefined();
    expect(hook?.headers['x-blackout-timestamp']).toBeUndefined();
    expect(receiver.of('telegram')[0]?.json).toMatchObject({ chat_id: '7', text: hook?.json?.text });
  });

  it('retries every run for five failures, then backs off; the network coming back clears the queue in order', async () => {
    expect([1, 5, 6, 7, 8, 9, 20].map(backoffMinutes)).toEqual([0, 0, 2, 4, 8, 10, 10]);
    const n = notifier(config({ telegram: undefined }));
    await reading(0, 1, n);
    receiver.down.add('webhook');
    await reading(1, 0, n);
    for (let m = 2; m <= 8; m++) await reading(m, 0, n);
    // One attempt per run at minutes 1-6, then a 2-minute wait: the 7th at minute 8, then 4 minutes.
    expect(outbox(n)[0]?.deliveries.webhook?.attempts).toBe(7);
    expect(outbox(n)[0]?.deliveries.webhook?.nextAttemptAt).toBe(
      new Date(minute(8).getTime() + 20_000 + 4 * 60_000).toISOString(),
    );
    await reading(9, 1, n); // power back while still held back: queued behind
    expect(outbox(n)).toHaveLength(2);
    expect(outbox(n)[1]?.deliveries.webhook).toBeUndefined();
    receiver.down.clear();
    await reading(10, 1, n); // within the backoff: nothing sent yet
    expect(receiver.of('webhook')).toHaveLength(0);
    await reading(13, 1, n);
    expect(receiver.of('webhook').map((r) => [r.json?.event, r.json?.delayed])).toEqual([
      ['power_off', true], // detected 10:01, sent 10:13
      ['power_on', false], // detected 10:09, sent 10:13: within the five minutes
    ]);
    expect(String(receiver.of('webhook')[0]?.json?.text)).toMatch(/^🔴 Power OFF at 10:01 .*\(delayed: sent 10:13\)$/);
    expect(outbox(n)).toEqual([]);
  });

  it('gives up on a channel after seven days and says so in the log', async () => {
    const n = notifier(config({ telegram: undefined }));
    await reading(0, 1, n);
    receiver.down.add('webhook');
    await reading(1, 0, n);
    receiver.down.clear();
    clock = new Date(minute(1).getTime() + 7 * 86_400_000 + 60_000);
    await n.afterReading(undefined);
    expect(receiver.of('webhook')).toHaveLength(0);
    expect(outbox(n)).toEqual([]);
    expect(logText()).toContain('notification dropped for webhook: not accepted within 7 days');
  });

  it('a hanging channel does not hold back the others: they deliver in the same run, in order', async () => {
    // A budget with room for the others' requests after the hung one starts, even on a loaded machine.
    const n = notifier(config({ timeoutMs: 1000, budgetMs: 2500 }));
    await reading(0, 1, n);
    receiver.down.add('webhook').add('telegram');
    await reading(1, 0, n);
    await reading(2, 1, n);
    receiver.down.clear();
    receiver.hang.add('webhook');
    receiver.hits = 0;
    await n.afterReading(undefined);
    // The webhook got one request (it hung until the timeout); Telegram got both events meanwhile.
    expect(receiver.hits).toBe(3);
    const telegram = receiver.received.filter((r) => r.endpoint === 'telegram').map((r) => String(r.json?.text));
    expect(telegram).toHaveLength(2);
    expect(telegram[0]).toContain('Power OFF at 10:01');
    expect(telegram[1]).toContain('Power back at 10:02');
    // Both stay queued for the webhook, which owes them.
    expect(outbox(n)).toHaveLength(2);
    expect(logText()).toContain('no answer within 1 s');
  });

  it('starts no request that could not finish within the time budget, and leaves the queue for the next run', async () => {
    const n = notifier(config({ timeoutMs: 300, budgetMs: 200 }));
    await reading(0, 1, n);
    await reading(1, 0, n);
    expect(receiver.hits).toBe(0);
    expect(outbox(n)).toHaveLength(1);
    expect(logText()).toContain('"outOfTime":true');
  });

  it('a reading stamped in the future (clock ahead) does not silence the events that follow', async () => {
    const n = notifier();
    await reading(0, 1, n);
    clock = new Date(minute(0).getTime() + 40_000);
    await n.afterReading(minuteRecord(SERIES, formatTimestamp(new Date(minute(0).getTime() + 86_400_000)), 1));
    await reading(1, 0, n);
    await reading(2, 0, n);
    await reading(3, 1, n);
    const texts = receiver.of('telegram').map((r) => String(r.json?.text));
    expect(texts).toEqual([
      '🔴 Power OFF at 10:01 — flat. It was on for at least 1 min (since monitoring began).',
      '🟢 Power back at 10:03 — flat. It went off at 10:01 and was off for 2 min.',
    ]);
    expect(logText()).toContain('reading stamped in the future (clock ahead?)');
  });

  it('records events but leaves delivery to a run that holds the delivery lock', async () => {
    const n = notifier();
    await reading(0, 1, n);
    const release = n.files.lock('delivery');
    expect(release).toBeDefined();
    await reading(1, 0, n);
    expect(receiver.received).toHaveLength(0);
    expect(outbox(n)).toHaveLength(1);
    release?.();
    await reading(2, 0, n);
    expect(receiver.of('webhook')).toHaveLength(1);
  });

  it('a corrupt state file is moved aside; a corrupt outbox entry never blocks the ones after it', async () => {
    const n = notifier();
    await reading(0, 1, n);
    writeFileSync(n.files.statePath, '{"version":1,');
    await reading(1, 0, n); // starts afresh: no event
    expect(existsSync(`${n.files.statePath}.bad`)).toBe(true);
    // The state and outbox files may name peers: their owner's only.
    expect(statSync(n.files.statePath).mode & 0o777).toBe(0o600);
    // A second corrupt state file goes beside the first, never over it.
    writeFileSync(n.files.statePath, '{"version":2,');
    await reading(1, 0, n);
    expect(readFileSync(`${n.files.statePath}.bad`, 'utf8')).toBe('{"version":1,');
    expect(readFileSync(`${n.files.statePath}.bad.1`, 'utf8')).toBe('{"version":2,');
    receiver.down.add('webhook').add('telegram');
    await reading(2, 1, n);
    await reading(3, 0, n);
    expect(n.files.list().map((f) => statSync(f.path).mode & 0o777)).toEqual([0o600, 0o600]);
    writeFileSync(n.files.list()[0]?.path ?? '', 'garbage');
    receiver.down.clear();
    await reading(4, 0, n);
    expect(receiver.of('webhook').map((r) => r.json?.event)).toEqual(['power_off']);
    expect(readdirSync(join(n.files.outboxDir, 'rejected'))).toHaveLength(1);
  });

  it('removes temp files left by killed runs, never those of a live writer', async () => {
    const n = notifier();
    await reading(0, 1, n);
    const deadPid = spawnSync('true').pid;
    const dead = [`${n.files.statePath}.${deadPid}.tmp`, join(n.files.outboxDir, `0000000001.json.${deadPid}.tmp`)];
    const live = `${n.files.statePath}.${process.ppid}.tmp`;
    mkdirSync(n.files.outboxDir, { recursive: true });
    for (const path of [...dead, live]) writeFileSync(path, '{"half":');
    await reading(1, 1, n);
    expect(dead.filter((p) => existsSync(p))).toEqual([]);
    expect(existsSync(live)).toBe(true);
  });

  it('heartbeat URLs: Healthchecks /fail, Uptime Kuma status and msg', () => {
    expect(heartbeatRequest('https://hc-ping.com/abc-123', false, 'reading failed').url).toBe(
      'https://hc-ping.com/abc-123/fail',
    );
    expect(heartbeatRequest('https://hc-ping.com/abc-123/', true, 'ok').url).toBe('https://hc-ping.com/abc-123/');
    const kuma = heartbeatRequest('https://kuma.example/api/push/Xy12?status=up&msg=OK&ping=', false, 'reading failed');
    expect(kuma.url).toBe('https://kuma.example/api/push/Xy12?status=down&msg=reading+failed&ping=');
    expect(kuma.request.method).toBe('GET');
  });
});
