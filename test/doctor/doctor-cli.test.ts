/** blackout-doctor as a user runs it: a fresh process on a temp system root, temp store and fake tools. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';
import { cronFile, EXAMPLE_SETTINGS } from '../../src/install/templates.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { runEntrypoint } from '../support/cli.js';
import { type FakeSystem, fakeSystem, pinctrlLine } from './fake-system.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface JsonReport {
  ok: boolean;
  checks: { name: string; status: string; message: string; fix?: string }[];
}

/** A healthy Pi: pin reads 1, pull-down, clock synced, a fresh reading stored, cron installed. */
async function healthySystem(): Promise<{ sys: FakeSystem; args: string[]; env: Record<string, string> }> {
  const sys = fakeSystem();
  cleanups.push(sys.cleanup);
  const power = sys.file('power', '1\n');
  const db = join(sys.dir, 'prod.sqlite');
  const store = new SqliteStore({ file: db });
  await store.putMinutes([minuteRecord({ device: 'alex_rpi', pin: 4 }, formatTimestamp(new Date()), 1)]);
  await store.close();
  sys.file('etc/cron.d/blackout-monitor', cronFile(EXAMPLE_SETTINGS));
  sys.file('run/systemd/timesync/synchronized', '');
  const env = {
    BLACKOUT_PINCTRL: sys.script('pinctrl', `echo '${pinctrlLine('ip', 'pd')}'`),
    BLACKOUT_TIMEDATECTL: sys.script('timedatectl', 'echo NTPSynchronized=yes'),
    BLACKOUT_SYSTEMCTL: join(sys.bin, 'no-systemctl'),
    BLACKOUT_CRONTAB: join(sys.bin, 'no-crontab'),
    BLACKOUT_SYSTEM_ROOT: sys.root,
  };
  const args = [
    ...['alex_rpi', '4', 'prod', '--sensor', `file:${power}`, '--db', db],
    ...['--buffer-dir', join(sys.dir, 'buffer'), '--log-dir', join(sys.dir, 'logs')],
  ];
  return { sys, args, env };
}

describe('blackout-doctor', () => {
  it('a healthy set-up: every line ✓, exit 0', async () => {
    const { args, env } = await healthySystem();
    const result = await runEntrypoint('doctor', args, { env });
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      '✓ node',
      '✓ sensor',
      '✓ pin',
      '✓ clock',
      '✓ store',
      '✓ tables',
      '✓ buffer',
      '✓ logs',
      '✓ freshness',
      '✓ schedule',
      '✓ settings',
      '✓ svitlobot',
      '✓ disk',
    ]);
    expect(lines.find((l) => l.includes('svitlobot'))).toMatch(/not configured/);
    expect(lines.at(-1)).toBe('13 passed, 0 warnings, 0 failed');
    expect(result.code).toBe(0);
  });

  it('the outputs: when the last Svitlobot ping succeeded, the Prometheus file and the broker (no secret shown)', async () => {
    const { sys, args, env } = await healthySystem();
    const key = 'doctor-svitlo-k3y';
    const pingedAt = new Date(Date.now() - 60_000);
    const notifyDir = join(sys.dir, 'buffer', 'prod', 'notify');
    mkdirSync(notifyDir, { recursive: true });
    writeFileSync(
      join(notifyDir, 'svitlobot-alex_rpi-pin4.json'),
      JSON.stringify({ lastSuccessAt: pingedAt.toISOString() }),
    );
    const result = await runEntrypoint(
      'doctor',
      [
        ...args,
        '--json',
        '--mqtt-url',
        'mqtt://ha:br0ker-pw@127.0.0.1:1883',
        '--prometheus-file',
        join(sys.dir, 'no', 'b.prom'),
      ],
      { env: { ...env, BLACKOUT_SVITLOBOT_KEY: key } },
    );
    const report = JSON.parse(result.stdout) as { checks: { name: string; status: string; message: string }[] };
    const check = (name: string) => report.checks.find((c) => c.name === name);
    expect(check('svitlobot')).toMatchObject({ status: 'ok', message: expect.stringMatching(/last ping succeeded/) });
    expect(check('mqtt')).toMatchObject({ status: 'ok', message: expect.stringContaining('127.0.0.1:1883') });
    expect(check('prometheus')).toMatchObject({ status: 'fail', message: expect.stringMatching(/does not exist/) });
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).not.toContain('br0ker-pw');
  });

  it('--json: the same checks as data; a failure (clock, stale reading) exits 1', async () => {
    const { sys, args, env } = await healthySystem();
    const unsynced = sys.script('unsynced', 'echo NTPSynchronized=no');
    const result = await runEntrypoint('doctor', [...args, '--json', '--device', 'alex_rpi'], {
      env: { ...env, BLACKOUT_TIMEDATECTL: unsynced },
    });
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'clock')).toMatchObject({ status: 'fail' });
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['clock']);
    expect(result.code).toBe(1);

    const other = await runEntrypoint('doctor', [...args.slice(3), 'other_pi', '--json'], { env });
    const otherReport = JSON.parse(other.stdout) as JsonReport;
    expect(otherReport.checks.find((c) => c.name === 'freshness')).toMatchObject({
      status: 'fail',
      message: 'no reading stored for device other_pi pin 4 in the last 24.0 h',
    });
  });

  it('DynamoDB without credentials: the store fails with the aws configure fix, later checks say why they were skipped', async () => {
    const { sys, args, env } = await healthySystem();
    const result = await runEntrypoint(
      'doctor',
      [...args, '--store', 'dynamodb', '--region', 'eu-central-1', '--endpoint', 'http://127.0.0.1:9', '--json'],
      { env: { ...env, HOME: sys.dir } },
    );
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.checks.find((c) => c.name === 'store')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('aws configure'),
    });
    expect(report.checks.find((c) => c.name === 'tables')?.message).toBe('not checked: the store is not reachable');
    expect(result.code).toBe(1);
  });

  it('a bad option is a usage error: exit 2, one line', async () => {
    const { args, env } = await healthySystem();
    const result = await runEntrypoint('doctor', [...args, '--min-free-mb', 'lots'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('doctor: invalid --min-free-mb "lots": a whole number 1-1000000\n');
  });
});
