/**
 * The outputs in the minute job, in process with an injected clock: the real pipeline (file buffer,
 * SQLite on a temp file, the notifier's state), a local Svitlobot server, Debian's mosquitto, and the
 * Prometheus textfile read back with an exposition-format parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_MS } from '../../src/notify/config.js';
import { Notifier } from '../../src/notify/notifier.js';
import { createOutputs, type OutputsConfig } from '../../src/outputs/config.js';
import { stateTopics, uniqueId } from '../../src/outputs/mqtt/discovery.js';
import { minuteOutputs } from '../../src/outputs/run-outputs.js';
import { SvitlobotPings } from '../../src/outputs/svitlobot/ping-state.js';
import { readPin } from '../../src/pipeline/read-pin.js';
import { openStore } from '../../src/stores/open-store.js';
import { FileBuffer } from '../../src/utils/buffer.js';
import { createLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { type Broker, retainedMessages, startBroker } from '../support/mosquitto.js';
import { PingServer } from './ping-server.js';

const SERIES = { device: 'flat', pin: 4 };
const KEY = 'svitlo-channel-key-42';
/** A fixed instant: every reading and every run's clock is placed from it. */
const T0 = Date.parse('2025-06-01T10:00:00Z');
const minute = (n: number): Date => new Date(T0 + n * 60_000);

let temp: { dir: string; cleanup: () => void };
let pings: PingServer;
let broker: Broker;

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker.stop();
});
beforeEach(async () => {
  temp = tempDir('blackout-outputs-');
  pings = await new PingServer().start();
});
afterEach(async () => {
  await pings.stop();
  temp.cleanup();
});

function outputsConfig(overrides: Partial<OutputsConfig> = {}): OutputsConfig {
  return {
    svitlobot: { key: KEY, url: pings.url },
    mqtt: { url: broker.url, discoveryPrefix: 'homeassistant' },
    prometheusFile: join(temp.dir, 'blackout.prom'),
    timeoutMs: 2000,
    budgetMs: DEFAULT_BUDGET_MS,
    ...overrides,
  };
}

/**
 * One minute job: the reading `reading` stamped `at`, the run's clock at `now` (default: `at`, a
 * fresh reading).
 */
async function run(
  at: Date,
  reading: 0 | 1,
  options: { now?: Date; flushOnly?: boolean; config?: OutputsConfig } = {},
) {
  const now = options.now ?? at;
  const place = { bufferDir: join(temp.dir, 'buffer'), mode: 'test', series: SERIES };
  const config = options.config ?? outputsConfig();
  const log = createLogger({ name: 'read-pin', logDir: join(temp.dir, 'logs'), now });
  const outputs = createOutputs(config, place);
  const notifier = new Notifier(
    { lang: 'en', debounce: 1, gapMinutes: 10, timeoutMs: 2000, budgetMs: DEFAULT_BUDGET_MS },
    place,
    log,
    () => now,
    { keepState: outputs.some((o) => o.needsPowerState) },
  );
  const buffer = new FileBuffer(place.bufferDir, place.mode);
  let results: Awaited<ReturnType<ReturnType<typeof minuteOutputs>>> = [];
  const step = minuteOutputs({
    outputs,
    series: SERIES,
    now,
    powerState: () => notifier.powerState(),
    bufferedReadings: () => buffer.list().length,
    budgetMs: config.budgetMs,
    timeoutMs: config.timeoutMs,
    log,
  });
  const result = await readPin({
    series: SERIES,
    sensor: { description: 'test', read: async () => reading },
    buffer,
    openStore: () => openStore({ store: 'sqlite', mode: 'test', db: join(temp.dir, 'data.sqlite') }),
    log,
    at,
    ...(options.flushOnly ? { flushOnly: true } : {}),
    notify: notifier,
    outputs: async (r) => {
      results = await step(r);
    },
  });
  return { result, results };
}

type Family = { name: string; type: string; metrics: { value: string; labels: Record<string, string> }[] };
function prometheusValues(): Record<string, number> {
  const families = parsePrometheusTextFormat(readFileSync(join(temp.dir, 'blackout.prom'), 'utf8')) as Family[];
  const values: Record<string, number> = {};
  for (const family of families) {
    expect(family.metrics).toHaveLength(1);
    expect(family.metrics[0]?.labels).toEqual({ device: 'flat', pin: '4' });
    values[family.name] = Number(family.metrics[0]?.value);
  }
  return values;
}

describe('Svitlobot', () => {
  it('pings once per fresh ON reading: ON → OFF → ON, then a backfill and a flush-only run ping nothing', async () => {
    const config = outputsConfig({ mqtt: undefined, prometheusFile: undefined });
    await run(minute(0), 1, { config });
    expect(pings.keys).toEqual([KEY]);
    await run(minute(1), 0, { config });
    expect(pings.keys).toHaveLength(1);
    await run(minute(2), 1, { config });
    expect(pings.keys).toEqual([KEY, KEY]);
    // A backfill: ON readings of the last hour, stamped long before the run's clock.
    await run(minute(-60), 1, { config, now: minute(3) });
    // Just over two minutes old: not news about the power now.
    const { results } = await run(minute(3), 1, { config, now: new Date(minute(3).getTime() + 121_000) });
    expect(results).toEqual([expect.objectContaining({ name: 'svitlobot', ok: true, skipped: expect.any(String) })]);
    await run(minute(4), 1, { config, now: minute(4), flushOnly: true });
    expect(pings.keys).toHaveLength(2);
    // The doctor's record of the last successful ping: the third run's clock.
    expect(
      new SvitlobotPings({ bufferDir: join(temp.dir, 'buffer'), mode: 'test', series: SERIES }).lastSuccess(),
    ).toEqual(minute(2));
  });
});

describe('Home Assistant over MQTT (mosquitto)', () => {
  it('leaves retained discovery configs and the state after ON → OFF → ON', async () => {
    const id = uniqueId(SERIES);
    const topics = stateTopics(SERIES);
    // A prefix of its own: the broker is shared by the tests of this file.
    const config = outputsConfig({
      svitlobot: undefined,
      prometheusFile: undefined,
      mqtt: { url: broker.url, discoveryPrefix: 'ha-onoff' },
    });
    await run(minute(0), 1, { config });
    await run(minute(1), 0, { config });
    let retained = await retainedMessages(broker.url, ['ha-onoff/#', `blackout/${id}/#`]);
    expect(retained.get(topics.power)).toBe('OFF');
    for (let n = 2; n <= 6; n++) await run(minute(n), 0, { config });
    const { results } = await run(minute(7), 1, { config });
    expect(results).toEqual([expect.objectContaining({ name: 'mqtt', ok: true })]);

    retained = await retainedMessages(broker.url, ['ha-onoff/#', `blackout/${id}/#`]);
    const power = JSON.parse(retained.get(`ha-onoff/binary_sensor/${id}/config`) ?? '{}');
    expect(power).toMatchObject({
      unique_id: id,
      object_id: id,
      device_class: 'power',
      state_topic: topics.power,
      payload_on: 'ON',
      payload_off: 'OFF',
      expire_after: 180,
      device: { identifiers: [id], name: expect.stringContaining('flat') },
      origin: { name: 'Blackout Monitor' },
    });
    for (const sensor of [`${id}_minutes_since_change`, `${id}_last_outage`]) {
      const config = JSON.parse(retained.get(`ha-onoff/sensor/${sensor}/config`) ?? '{}');
      expect(config).toMatchObject({ unique_id: sensor, device_class: 'duration', unit_of_measurement: 'min' });
      expect(config.device).toEqual(power.device);
    }
    expect(retained.get(topics.power)).toBe('ON');
    expect(retained.get(topics.minutesSinceChange)).toBe('0');
    // OFF from minute 1 to the ON reading at minute 7.
    expect(retained.get(topics.lastOutageMinutes)).toBe('6');
  });

  it('publishes through the password-protected listener; a wrong password is one warning, the reading stored', async () => {
    const secure = (password: string) =>
      `mqtt://${broker.user}:${encodeURIComponent(password)}@127.0.0.1:${broker.securePort}`;
    const wrong = 'not-the-Pa55word';
    const refused = await run(minute(0), 1, {
      config: outputsConfig({
        svitlobot: undefined,
        prometheusFile: undefined,
        mqtt: { url: secure(wrong), discoveryPrefix: 'ha-secure' },
      }),
    });
    expect(refused.result.flush?.stored).toBe(1);
    expect(refused.results).toEqual([expect.objectContaining({ name: 'mqtt', ok: false })]);
    const logDir = join(temp.dir, 'logs');
    const log = readdirSync(logDir)
      .map((name) => readFileSync(join(logDir, name), 'utf8'))
      .join('');
    expect(log).toMatch(/mqtt output failed/);
    expect(log).not.toContain(wrong);

    const { results } = await run(minute(1), 1, {
      config: outputsConfig({
        svitlobot: undefined,
        prometheusFile: undefined,
        mqtt: { url: secure(broker.password), discoveryPrefix: 'ha-secure' },
      }),
    });
    expect(results).toEqual([expect.objectContaining({ name: 'mqtt', ok: true })]);
    const id = uniqueId(SERIES);
    const retained = await retainedMessages(`mqtt://127.0.0.1:${broker.securePort}`, ['ha-secure/#'], {
      username: broker.user,
      password: broker.password,
    });
    expect(JSON.parse(retained.get(`ha-secure/binary_sensor/${id}/config`) ?? '{}')).toMatchObject({ unique_id: id });
  });
});

describe('Prometheus textfile', () => {
  it('holds the state and counters after a known sequence', async () => {
    const config = outputsConfig({ svitlobot: undefined, mqtt: undefined });
    // ON 0-1, OFF 2-4 (3 min), ON 5-6, OFF 7-9 still going at minute 9.
    const sequence: [number, 0 | 1][] = [
      [0, 1],
      [1, 1],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 1],
      [6, 1],
      [7, 0],
      [8, 0],
      [9, 0],
    ];
    for (const [n, reading] of sequence) await run(minute(n), reading, { config });
    expect(prometheusValues()).toEqual({
      blackout_grid_power_up: 0,
      blackout_last_reading_timestamp_seconds: minute(9).getTime() / 1000,
      blackout_last_change_timestamp_seconds: minute(7).getTime() / 1000,
      blackout_outages_total: 2,
      // 3 minutes ended, 3 so far of the current one.
      blackout_outage_seconds_total: 6 * 60,
      blackout_buffered_readings: 0,
    });
    await run(minute(10), 1, { config });
    expect(prometheusValues()).toMatchObject({
      blackout_grid_power_up: 1,
      blackout_outages_total: 2,
      blackout_outage_seconds_total: 6 * 60,
      blackout_last_change_timestamp_seconds: minute(10).getTime() / 1000,
    });
    const text = readFileSync(join(temp.dir, 'blackout.prom'), 'utf8');
    expect(text).toMatch(/^# TYPE blackout_outages_total counter$/m);
    expect(text).toMatch(/^# TYPE blackout_grid_power_up gauge$/m);
  });
});
