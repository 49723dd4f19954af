/**
 * Bad input on every entrypoint: exit 2, one line on stderr naming the bad value, nothing on
 * stdout, and nothing written: no buffer file, no log file, no database, no DynamoDB request.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { AWS_TEST_ENV, type RunningDynalite, startDynalite } from '../support/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../support/dynamo-proxy.js';
import { runDist, snapshot } from './support.js';

type Entrypoint = 'read-pin' | 'aggregate' | 'report' | 'devices';

interface BadInput {
  entry: Entrypoint;
  args: string[];
  env?: Record<string, string>;
  /** What the one stderr line must contain (the bad value, quoted as the program quotes it). */
  message: string | RegExp;
  /** Talk to DynamoDB (through the counting proxy) instead of SQLite. */
  dynamodb?: boolean;
}

const SENSOR = ['--sensor', 'simulate'];
const long = (n: number, c = 'a'): string => c.repeat(n);
const SENSOR_OF: Record<Entrypoint, string[]> = { 'read-pin': SENSOR, aggregate: [], report: [], devices: [] };

const CASES: BadInput[] = [
  // Device alias: it becomes part of every key, so `#`, `/`, spaces and length are refused.
  { entry: 'read-pin', args: ['a#b', '4', 'dev', ...SENSOR], message: 'invalid device "a#b"' },
  { entry: 'read-pin', args: ['--device', '', ...SENSOR], message: 'invalid --device ""' },
  { entry: 'read-pin', args: [long(65), '4', 'dev', ...SENSOR], message: `invalid device "${long(65)}"` },
  { entry: 'read-pin', args: ['rpi/kitchen', ...SENSOR], message: 'invalid device "rpi/kitchen"' },
  { entry: 'read-pin', args: ['kitchen pi', ...SENSOR], message: 'invalid device "kitchen pi"' },
  { entry: 'read-pin', args: ['héllo', ...SENSOR], message: 'invalid device "héllo"' },
  { entry: 'aggregate', args: ['--device', 'x#y'], message: 'invalid --device "x#y"' },
  { entry: 'read-pin', args: [...SENSOR], env: { BLACKOUT_DEVICE: 'x#y' }, message: 'invalid BLACKOUT_DEVICE "x#y"' },
  // Pin: an integer 0-53.
  { entry: 'read-pin', args: ['pi', '54', ...SENSOR], message: 'invalid pin "54"' },
  { entry: 'read-pin', args: ['--pin=-1', ...SENSOR], message: 'invalid --pin "-1"' },
  { entry: 'read-pin', args: ['pi', '4.5', ...SENSOR], message: 'invalid pin "4.5"' },
  { entry: 'read-pin', args: ['pi', 'four', ...SENSOR], message: 'invalid pin "four"' },
  { entry: 'read-pin', args: ['pi', '004', ...SENSOR], message: 'invalid pin "004"' },
  { entry: 'aggregate', args: ['pi', '60'], message: 'invalid pin "60"' },
  { entry: 'read-pin', args: [...SENSOR], env: { BLACKOUT_PIN: '99' }, message: 'invalid BLACKOUT_PIN "99"' },
  // Mode: a path and a table name, so no traversal, no upper case, no spaces.
  { entry: 'read-pin', args: ['pi', '4', 'Prod', ...SENSOR], message: 'invalid mode "Prod"' },
  { entry: 'read-pin', args: ['pi', '4', '../etc', ...SENSOR], message: 'invalid mode "../etc"' },
  { entry: 'read-pin', args: ['--mode', 'a b', ...SENSOR], message: 'invalid --mode "a b"' },
  { entry: 'read-pin', args: ['--mode', long(33), ...SENSOR], message: `invalid --mode "${long(33)}"` },
  { entry: 'aggregate', args: ['pi', '4', 'x;rm'], message: 'invalid mode "x;rm"' },
  { entry: 'aggregate', args: [], env: { BLACKOUT_MODE: '../up' }, message: 'invalid BLACKOUT_MODE "../up"' },
  // Dates: strict ISO, real calendar days, a zone on date-times.
  { entry: 'read-pin', args: ['--at', '2025-13-01', ...SENSOR], message: 'invalid --at "2025-13-01"' },
  {
    entry: 'read-pin',
    args: ['--at', '2025-02-30T10:00:00Z', ...SENSOR],
    message: 'invalid --at "2025-02-30T10:00:00Z"',
  },
  { entry: 'read-pin', args: ['--at', '2025-06-21 10:00', ...SENSOR], message: 'invalid --at "2025-06-21 10:00"' },
  {
    entry: 'read-pin',
    args: ['--at', '2999-01-01T00:00:00Z', ...SENSOR],
    message: 'invalid --at "2999-01-01T00:00:00Z": in the future',
  },
  {
    entry: 'read-pin',
    args: ['--at', '2025-06-21T10:00:00', ...SENSOR],
    message: 'invalid --at "2025-06-21T10:00:00"',
  },
  {
    entry: 'read-pin',
    args: ['--at', '2025-06-21T10:00:00+25:00', ...SENSOR],
    message: 'invalid --at "2025-06-21T10:00:00+25:00"',
  },
  { entry: 'read-pin', args: ['--at', 'yesterday', ...SENSOR], message: 'invalid --at "yesterday"' },
  { entry: 'aggregate', args: ['--from', '2025-06-31', '--to', '2025-07-01'], message: 'invalid --from "2025-06-31"' },
  { entry: 'aggregate', args: ['--from', '2025-06-01', '--to', 'June'], message: 'invalid --to "June"' },
  { entry: 'aggregate', args: ['--from', '2025-06-01'], message: '--from and --to go together' },
  {
    entry: 'aggregate',
    args: ['--from', '2025-07-02', '--to', '2025-07-01'],
    message: '--from 2025-07-02 is not before --to 2025-07-01',
  },
  // Unknown options and extra arguments.
  { entry: 'read-pin', args: ['--frobnicate', ...SENSOR], message: "unknown option '--frobnicate'" },
  { entry: 'aggregate', args: ['--fro', '2025-01-01'], message: "unknown option '--fro' (Did you mean --from?)" },
  { entry: 'read-pin', args: ['pi', '4', 'dev', 'extra', ...SENSOR], message: 'too many arguments' },
  { entry: 'read-pin', args: ['--at'], message: "option '--at <time>' argument missing" },
  // Other options and their environment variables.
  { entry: 'read-pin', args: ['--sensor', 'bogus'], message: 'invalid --sensor "bogus"' },
  { entry: 'read-pin', args: [], env: { BLACKOUT_SENSOR: 'x' }, message: 'invalid BLACKOUT_SENSOR "x"' },
  { entry: 'read-pin', args: ['--store', 'mysql', ...SENSOR], message: 'invalid --store "mysql"' },
  { entry: 'aggregate', args: [], env: { BLACKOUT_STORE: 'oracle' }, message: 'invalid BLACKOUT_STORE "oracle"' },
  { entry: 'read-pin', args: ['--log-keep-days', '0', ...SENSOR], message: 'invalid --log-keep-days "0"' },
  {
    entry: 'aggregate',
    args: [],
    env: { BLACKOUT_LOG_KEEP_DAYS: '-3' },
    message: 'invalid BLACKOUT_LOG_KEEP_DAYS "-3"',
  },
  { entry: 'read-pin', args: ['--endpoint', 'ftp://x', ...SENSOR], message: 'invalid --endpoint "ftp://x"' },
  { entry: 'read-pin', args: ['--region', 'moon', ...SENSOR], message: 'invalid --region "moon"' },
  { entry: 'aggregate', args: ['--db', ''], message: 'invalid --db ""' },
  { entry: 'read-pin', args: [...SENSOR], env: { BLACKOUT_BUFFER_DIR: '' }, message: 'invalid BLACKOUT_BUFFER_DIR ""' },
  {
    entry: 'read-pin',
    args: [...SENSOR],
    env: { BLACKOUT_VERBOSE: 'maybe' },
    message: 'invalid BLACKOUT_VERBOSE "maybe"',
  },
  {
    entry: 'read-pin',
    args: [...SENSOR],
    env: { BLACKOUT_ACTIVE_LOW: 'perhaps' },
    message: 'invalid BLACKOUT_ACTIVE_LOW "perhaps"',
  },
  { entry: 'read-pin', args: ['a', '--device', 'b', ...SENSOR], message: 'device given twice: "a" and --device "b"' },
  // --active-low inverts a GPIO pin; a file or the simulation says the power state itself.
  {
    entry: 'read-pin',
    args: ['--active-low', ...SENSOR],
    message: '--active-low inverts a GPIO pin (sensors gpio, onoff, gpiod), not --sensor simulate',
  },
  {
    entry: 'read-pin',
    args: ['--sensor', 'file:/sys/class/power_supply/AC/online'],
    env: { BLACKOUT_ACTIVE_LOW: '1' },
    message: 'BLACKOUT_ACTIVE_LOW inverts a GPIO pin (sensors gpio, onoff, gpiod), not --sensor file:/sys/',
  },
  // A mistyped mode: a backfill of a database that does not exist creates none, nor a log or a lock.
  {
    entry: 'aggregate',
    args: ['alex_rpi', '4', 'prdo', '--from', '2025-06-01', '--to', '2025-06-02'],
    message: /^aggregate: no database \/.*\/data\/store\.sqlite, and no other in \//,
  },
  {
    entry: 'read-pin',
    args: [...SENSOR],
    env: { BLACKOUT_AT: '21/06/2025' },
    message: 'invalid BLACKOUT_AT "21/06/2025"',
  },
  {
    entry: 'read-pin',
    args: [...SENSOR],
    env: { BLACKOUT_FLUSH_ONLY: '2' },
    message: 'invalid BLACKOUT_FLUSH_ONLY "2"',
  },
  // A device or mode starting with `-` would read as an option in the jobs' command lines.
  ...(['read-pin', 'aggregate', 'report'] as const).flatMap((entry): BadInput[] => [
    { entry, args: ['--device=-rpi', ...SENSOR_OF[entry]], message: 'invalid --device "-rpi"' },
    { entry, args: ['--mode=--flush-only', ...SENSOR_OF[entry]], message: 'invalid --mode "--flush-only"' },
    { entry, args: [...SENSOR_OF[entry], '--', '-rpi', '4', 'dev'], message: 'invalid device "-rpi"' },
    { entry, args: [...SENSOR_OF[entry], '--', 'pi', '4', '-dev'], message: 'invalid mode "-dev"' },
    {
      entry,
      args: [...SENSOR_OF[entry]],
      env: { BLACKOUT_MODE: '--active-low' },
      message: 'invalid BLACKOUT_MODE "--active-low"',
    },
  ]),
  // DynamoDB: a bad value must not reach the network (no table created, not even a request).
  { entry: 'read-pin', args: ['pi', '4', 'UP', ...SENSOR], dynamodb: true, message: 'invalid mode "UP"' },
  { entry: 'aggregate', args: ['a#b', '4', 'dev'], dynamodb: true, message: 'invalid device "a#b"' },
  {
    entry: 'aggregate',
    args: ['--from', '2025-02-29', '--to', '2025-03-01'],
    dynamodb: true,
    message: 'invalid --from "2025-02-29"',
  },
];

const REPORT_CASES: BadInput[] = [
  // Only reads: a database that does not exist is said, and created no more than a log.
  {
    entry: 'report',
    args: ['alex_rpi', '4', 'prdo'],
    message: /^report: no database \/.*\/data\/store\.sqlite, and no other in \//,
  },
  { entry: 'devices', args: ['prdo'], message: /^devices: no database \/.*\/data\/store\.sqlite, and no other in \// },
  { entry: 'devices', args: ['--format', 'csv'], message: 'invalid --format "csv"' },
  { entry: 'devices', args: ['Prod'], message: 'invalid mode "Prod"' },
  { entry: 'devices', args: ['--tz', 'Mars/Base'], message: 'invalid --tz "Mars/Base"' },
  { entry: 'report', args: ['--day', '2025-02-30'], message: 'invalid --day "2025-02-30"' },
  { entry: 'report', args: ['--month', '2025-13'], message: 'invalid --month "2025-13"' },
  { entry: 'report', args: ['--format', 'pdf'], message: 'invalid --format "pdf"' },
  { entry: 'report', args: ['--tz', 'Mars/Base'], message: 'invalid --tz "Mars/Base"' },
  { entry: 'report', args: ['--last', '7x'], message: 'invalid --last "7x"' },
  { entry: 'report', args: ['a#b'], message: 'invalid device "a#b"' },
  { entry: 'report', args: ['pi', '4', '../x'], message: 'invalid mode "../x"' },
  { entry: 'report', args: ['--from', '2025-06-01T25:00'], message: 'invalid --from "2025-06-01T25:00"' },
  { entry: 'report', args: ['--source', 'guess'], message: 'invalid --source "guess"' },
  { entry: 'report', args: ['--bogus'], message: "unknown option '--bogus'" },
  // An unknown zone in TZ is not a silent UTC; a period that has not begun is a typo, not an empty report.
  { entry: 'report', args: [], env: { TZ: 'Mars/Olympus' }, message: 'invalid TZ "Mars/Olympus"' },
  { entry: 'report', args: ['--day', '2999-01-01'], message: 'the period starts in the future (2999-01-01)' },
  { entry: 'report', args: ['--month', '2999-01'], message: 'the period starts in the future' },
  {
    entry: 'report',
    args: ['--day', '2025-06-01'],
    dynamodb: true,
    env: { BLACKOUT_PIN: 'x' },
    message: 'invalid BLACKOUT_PIN "x"',
  },
];

const reportBuilt = existsSync(join(ROOT, 'dist', 'report.js')) && existsSync(join(ROOT, 'dist', 'devices.js'));
const ALL = [...CASES, ...(reportBuilt ? REPORT_CASES : [])];

let dynalite: RunningDynalite;
let proxy: DynamoProxy;
const tmp = tempDir('blackout-bad-input-');
beforeAll(async () => {
  dynalite = await startDynalite();
  proxy = await startDynamoProxy(dynalite.endpoint);
});
afterAll(async () => {
  await proxy.close();
  await dynalite.close();
  tmp.cleanup();
});

describe('bad input: exit 2, one line naming the value, nothing written', () => {
  it('covers at least 40 cases across read-pin, aggregate and report', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(40);
    const entries = new Set(ALL.map((c) => c.entry));
    expect(entries.has('read-pin') && entries.has('aggregate')).toBe(true);
    if (reportBuilt) expect(entries.has('report')).toBe(true);
  });

  it.each(ALL.map((c, i) => [i + 1, c.entry, c.args.join(' ') || JSON.stringify(c.env), c] as const))(
    '#%i %s %s',
    async (i, entry, _label, c) => {
      const dir = join(tmp.dir, `case-${i}`);
      mkdirSync(dir);
      // Every place a run could write goes into this folder (defaults included, via the env).
      const paths = { buffer: join(dir, 'buffer'), logs: join(dir, 'logs'), db: join(dir, 'data', 'store.sqlite') };
      writeFileSync(join(dir, 'marker'), '');
      const env: Record<string, string> = {
        ...AWS_TEST_ENV,
        BLACKOUT_BUFFER_DIR: paths.buffer,
        BLACKOUT_LOG_DIR: paths.logs,
        BLACKOUT_DB: paths.db,
        ...(c.dynamodb ? { BLACKOUT_STORE: 'dynamodb', BLACKOUT_DYNAMODB_ENDPOINT: proxy.endpoint } : {}),
        ...c.env,
      };
      const requestsBefore = proxy.totalRequests();
      const run = await runDist(entry, c.args, { env });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.split('\n');
      expect(lines).toHaveLength(2); // one line and its newline
      expect(lines[0]?.startsWith(`${entry}: `)).toBe(true);
      if (typeof c.message === 'string') expect(lines[0]).toContain(c.message);
      else expect(lines[0]).toMatch(c.message);
      expect(snapshot(dir)).toEqual(['marker']);
      expect(proxy.totalRequests()).toBe(requestsBefore);
    },
  );
});
