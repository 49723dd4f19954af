/**
 * The series a store holds, as the commands see them (fresh processes on the compiled entrypoints),
 * on both stores: `blackout-devices` lists them, and report, a backfill and copy refuse a device, pin or
 * mode the store never saw with one line naming what it holds, creating nothing.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { AWS_TEST_ENV, useDynalite } from '../support/dynalite.js';

const tmp = tempDir('blackout-series-');
const dynalite = useDynalite();
afterAll(() => tmp.cleanup());

interface Setup {
  name: string;
  /** Arguments selecting this store for `mode`. */
  args(mode: string): string[];
  /** How messages name the store of `mode`. */
  location(mode: string): string;
  /** Whatever exists of `mode`'s store: files or tables. */
  footprint(mode: string): Promise<string[]>;
}

const SETUPS: Setup[] = [
  {
    name: 'sqlite',
    args: (mode) => ['--db', join(tmp.dir, 'db', `${mode}.sqlite`)],
    location: (mode) => join(tmp.dir, 'db', `${mode}.sqlite`),
    footprint: async (mode) =>
      existsSync(join(tmp.dir, 'db')) ? readdirSync(join(tmp.dir, 'db')).filter((f) => f.startsWith(mode)) : [],
  },
  {
    name: 'dynamodb',
    args: () => ['--store', 'dynamodb', '--endpoint', dynalite().endpoint],
    location: (mode) => `${mode}-blackout-monitor-* at ${dynalite().endpoint}`,
    footprint: async (mode) => {
      const client = new DynamoDBClient({ endpoint: dynalite().endpoint });
      try {
        const { TableNames = [] } = await client.send(new ListTablesCommand({}));
        return TableNames.filter((t) => t.startsWith(`${mode}-`));
      } finally {
        client.destroy();
      }
    },
  },
];

describe.each(SETUPS)('the series of a $name store', (setup) => {
  const mode = `series${setup.name}`;
  const dir = join(tmp.dir, setup.name);
  const sensor = join(dir, 'sensor');
  const folders = ['--buffer-dir', join(dir, 'buffer'), '--log-dir', join(dir, 'logs')];
  // Only the commands that keep a buffer take --buffer-dir (report, copy and devices only read the store).
  const withoutBuffer = (args: string[]): string[] =>
    args.filter((arg, i) => arg !== '--buffer-dir' && args[i - 1] !== '--buffer-dir');
  const run = (entry: string, args: string[]) =>
    runEntrypoint(entry, ['read-pin', 'aggregate'].includes(entry) ? args : withoutBuffer(args), { env: AWS_TEST_ENV });
  const read = (device: string, pin: string, at: string, value: 0 | 1) => {
    writeFileSync(sensor, `${value}\n`);
    return run('read-pin', [
      device,
      pin,
      mode,
      '--sensor',
      `file:${sensor}`,
      '--at',
      at,
      ...folders,
      ...setup.args(mode),
    ]);
  };

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    for (const [device, pin, at, value] of [
      ['alex_rpi', '4', '2025-06-21T19:00:03Z', 1],
      ['alex_rpi', '4', '2025-06-21T19:01:03Z', 0],
      ['alex_rpi', '4', '2025-06-22T07:30:03Z', 1],
      ['garage', '17', '2025-06-01T00:00:05Z', 1],
    ] as const) {
      expect(await read(device, pin, at, value)).toMatchObject({ code: 0, stderr: '' });
    }
    expect(await run('aggregate', ['alex_rpi', '4', mode, ...folders, ...setup.args(mode)])).toMatchObject({
      code: 0,
      stderr: '',
    });
  }, 120_000);

  it('blackout-devices lists every device and pin with first and last reading and the count', async () => {
    const json = await run('devices', [mode, '--format', 'json', ...setup.args(mode)]);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual([
      {
        device: 'alex_rpi',
        pin: 4,
        firstReading: '2025-06-21T19:00:03.000000+00:00',
        lastReading: '2025-06-22T07:30:03.000000+00:00',
        readings: 3,
      },
      {
        device: 'garage',
        pin: 17,
        firstReading: '2025-06-01T00:00:05.000000+00:00',
        lastReading: '2025-06-01T00:00:05.000000+00:00',
        readings: 1,
      },
    ]);
    const table = await run('devices', [mode, '--tz', 'Europe/Kyiv', ...setup.args(mode)]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout.split('\n')).toEqual([
      `${setup.location(mode)} holds 2 series (times in Europe/Kyiv):`,
      '',
      'device    pin  first reading     last reading      readings',
      'alex_rpi    4  2025-06-21 22:00  2025-06-22 10:30         3',
      'garage     17  2025-06-01 03:00  2025-06-01 03:00         1',
      '',
      `Report one: blackout-report alex_rpi 4 ${mode} ${setup.args(mode).join(' ')}`,
      '',
    ]);
  });

  it('report, a backfill and copy on a device or pin it never saw: exit 2, naming what it holds, creating nothing', async () => {
    const fresh = join(dir, 'fresh');
    const freshFolders = ['--buffer-dir', join(fresh, 'buffer'), '--log-dir', join(fresh, 'logs')];
    const holds = `in ${setup.location(mode)}; it holds: alex_rpi pin 4, garage pin 17`;
    const target = join(fresh, 'target.sqlite');
    for (const [entry, args] of [
      ['report', ['alexrpi', '4', mode]],
      ['aggregate', ['alexrpi', '4', mode, '--from', '2025-06-21', '--to', '2025-06-22']],
      ['copy', ['alexrpi', '4', mode, '--from', '2025-06-21', '--to', '2025-06-22', '--target', 'sqlite']],
    ] as const) {
      const extra = entry === 'copy' ? ['--target-db', target] : [];
      const result = await run(entry, [...args, ...freshFolders, ...setup.args(mode), ...extra]);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toBe(`${entry}: no readings for device "alexrpi" pin 4 ${holds}\n`);
    }
    const pin = await run('report', ['alex_rpi', '5', mode, ...freshFolders, ...setup.args(mode)]);
    expect(pin.stderr).toBe(`report: no readings for device "alex_rpi" pin 5 ${holds}\n`);
    expect(existsSync(fresh)).toBe(false);
    // The series it holds is copied as before.
    const copy = await run('copy', [
      ...['alex_rpi', '4', mode, '--from', '2025-06-21', '--to', '2025-06-22', '--target', 'sqlite'],
      ...[...freshFolders, ...setup.args(mode), '--target-db', target],
    ]);
    expect(copy).toMatchObject({ code: 0, stderr: '' });
    expect(copy.stdout).toContain('minutes 3 new');
  });

  it('a mistyped mode: report says the store holds none, devices lists none; nothing is created', async () => {
    const typo = `prdo${setup.name}`;
    const fresh = join(dir, 'typo');
    const freshFolders = ['--buffer-dir', join(fresh, 'buffer'), '--log-dir', join(fresh, 'logs')];
    const report = await run('report', ['alex_rpi', '4', typo, ...freshFolders, ...setup.args(typo)]);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe(
      setup.name === 'sqlite'
        ? `report: no database ${setup.location(typo)}; there is ${setup.location(mode)} (try: blackout-report alex_rpi 4 ${mode} ${setup.args(mode).join(' ')})\n`
        : `report: no readings for device "alex_rpi" pin 4 in ${setup.location(typo)}; it holds none yet (blackout-read-pin stores a reading every minute; blackout-copy brings them from another store)\n`,
    );
    const devices = await run('devices', [typo, ...setup.args(typo)]);
    if (setup.name === 'sqlite') {
      expect(devices).toMatchObject({ code: 2, stdout: '' });
      expect(devices.stderr).toBe(
        `devices: no database ${setup.location(typo)}; there is ${setup.location(mode)} (try: blackout-devices ${mode} ${setup.args(mode).join(' ')})\n`,
      );
    } else {
      expect(devices).toMatchObject({ code: 0, stderr: '' });
      expect(devices.stdout).toBe(
        `${setup.location(typo)} holds no readings yet (blackout-read-pin stores a reading every minute; blackout-copy brings them from another store).\n`,
      );
      expect(JSON.parse((await run('devices', [typo, '--format', 'json', ...setup.args(typo)])).stdout)).toEqual([]);
    }
    expect(existsSync(fresh)).toBe(false);
    expect(await setup.footprint(typo)).toEqual([]);
  });
});
