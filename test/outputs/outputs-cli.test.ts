/**
 * The outputs as cron runs them (dist/read-pin.js, a fresh process): a fresh ON reading pings, a
 * backfill does not, and outputs that are down or hang cost the run nothing but a warning in the log
 * — the reading is stored, the exit code 0, the secrets nowhere.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { PingServer } from './ping-server.js';

const KEY = 'svitlo-cli-key-77';
const PASSWORD = 'mqtt-Pa55-never-logged';

let temp: { dir: string; cleanup: () => void };
let pings: PingServer;

beforeEach(async () => {
  temp = tempDir('blackout-outputs-cli-');
  pings = await new PingServer().start();
});
afterEach(async () => {
  await pings.stop();
  temp.cleanup();
});

function readPin(reading: 0 | 1, extra: string[], env: Record<string, string> = {}) {
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
      '--buffer-dir',
      join(temp.dir, 'buffer'),
      '--log-dir',
      join(temp.dir, 'logs'),
      '--db',
      join(temp.dir, 'data.sqlite'),
      ...extra,
    ],
    // Past the outputs' budget (15 s) the run would be killed, and the test see a signal.
    { env: { BLACKOUT_SVITLOBOT_KEY: KEY, BLACKOUT_SVITLOBOT_URL: pings.url, ...env }, timeoutMs: 40_000 },
  );
}

const logText = (): string =>
  readdirSync(join(temp.dir, 'logs'))
    .map((name) => readFileSync(join(temp.dir, 'logs', name), 'utf8'))
    .join('');

/** A TCP port that takes connections and never says a word (an MQTT broker behind a black hole). */
async function silentPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('read-pin outputs', () => {
  it('pings Svitlobot for a reading taken now, not for an --at backfill or a flush-only run', async () => {
    const now = await readPin(1, []);
    expect(now.code).toBe(0);
    expect(pings.keys).toEqual([KEY]);
    const backfill = await readPin(1, ['--at', new Date(Date.now() - 3_600_000).toISOString()]);
    expect(backfill.code).toBe(0);
    const flushOnly = await readPin(1, ['--flush-only']);
    expect(flushOnly.code).toBe(0);
    expect(pings.keys).toEqual([KEY]);
    expect(now.stdout + now.stderr + backfill.stderr).toBe('');
  });

  it('outputs that hang or are down: the run ends within its budget, the reading is stored, exit 0, no secret logged', async () => {
    pings.hang = true;
    const blackhole = await silentPort();
    try {
      const result = await readPin(
        1,
        ['--notify-timeout', '1', '--prometheus-file', join(temp.dir, 'missing', 'b.prom')],
        {
          BLACKOUT_MQTT_URL: `mqtt://monitor:${PASSWORD}@127.0.0.1:${blackhole.port}`,
        },
      );
      expect(result.signal).toBeNull();
      expect(result.code).toBe(0);
      // Silent for cron: the warnings are in the log file.
      expect(result.stdout + result.stderr).toBe('');
      const log = logText();
      expect(log).toMatch(/"stored":1/);
      for (const name of ['svitlobot', 'mqtt', 'prometheus']) expect(log).toContain(`${name} output failed`);
      expect(log).not.toContain(KEY);
      expect(log).not.toContain(PASSWORD);
    } finally {
      await blackhole.close();
    }
  });

  it('blackout-notify-test pings Svitlobot once and shows the result', async () => {
    const result = await runEntrypoint('notify-test', ['flat', '4', 'test', '--log-dir', join(temp.dir, 'logs')], {
      env: { BLACKOUT_SVITLOBOT_KEY: KEY, BLACKOUT_SVITLOBOT_URL: pings.url },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^svitlobot +http:\/\/127\.0\.0\.1:\d+ +ok \(HTTP 200\)$/m);
    expect(result.stdout).not.toContain(KEY);
    expect(pings.keys).toEqual([KEY]);
  });

  it('a refused option value never echoes the secret', async () => {
    const result = await readPin(1, ['--mqtt-url', `http://monitor:${PASSWORD}@host`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^read-pin: invalid --mqtt-url: an mqtt:\/\/ or mqtts:\/\/ URL/);
    expect(result.stderr).not.toContain(PASSWORD);
  });
});
