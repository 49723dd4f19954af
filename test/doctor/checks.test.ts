/** Each doctor check, passing and failing, on a temp environment with real files, databases and programs. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkPinBias, parsePinctrl } from '../../src/doctor/bias-check.js';
import { checkBuffer } from '../../src/doctor/buffer-check.js';
import { type CheckResult, formatAge, runCommand } from '../../src/doctor/check.js';
import { checkClock } from '../../src/doctor/clock-check.js';
import { checkDisk } from '../../src/doctor/disk-check.js';
import { checkFreshness } from '../../src/doctor/freshness-check.js';
import { checkNode } from '../../src/doctor/node-check.js';
import { allPassed, formatResults } from '../../src/doctor/run-doctor.js';
import { checkSchedule } from '../../src/doctor/schedule-check.js';
import { checkSensor } from '../../src/doctor/sensor-check.js';
import { checkStore } from '../../src/doctor/store-check.js';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';
import { cronFile, EXAMPLE_SETTINGS, plannedFiles } from '../../src/install/templates.js';
import { FileSensor } from '../../src/sensors/file-sensor.js';
import { GpiodSensor } from '../../src/sensors/gpiod-sensor.js';
import { SimulatedSensor } from '../../src/sensors/simulated-sensor.js';
import { createTableAndWait, tableDefinition, tableName } from '../../src/stores/dynamodb/tables.js';
import { openStore, type StoreConfig } from '../../src/stores/open-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { FileBuffer } from '../../src/utils/buffer.js';
import { GPIOD_ERRORS, GPIODETECT, writeFakeGpiod } from '../sensors/fake-gpio.js';
import { type RunningDynalite, startDynalite, useTestAwsEnv } from '../support/dynalite.js';
import { type FakeSystem, fakeSystem, pinctrlLine } from './fake-system.js';

let sys: FakeSystem;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function newSystem(): FakeSystem {
  sys = fakeSystem();
  cleanups.push(sys.cleanup);
  return sys;
}

const run = runCommand();
const NOW = new Date('2026-03-10T12:30:00Z');
const series = { device: 'pi4', pin: 4 };
const status = (r: CheckResult) => r.status;
// The doctor's store and tables lines for a config, through the store's own check (opened for reading).
const storeLines = (config: StoreConfig) => checkStore(() => openStore(config, { access: 'read' }));
const sqliteLines = (file: string) => storeLines({ store: 'sqlite', mode: 'prod', db: file });
const checkSqliteWritable = async (file: string) => (await sqliteLines(file)).store;
const checkSqliteTables = async (file: string) => (await sqliteLines(file)).tables;
const checkStoreReachable = async (config: StoreConfig) => (await storeLines(config)).store;
const checkTables = async (config: StoreConfig) => (await storeLines(config)).tables;

describe('node', () => {
  it('20 or newer passes, older fails with the install fix', () => {
    expect(checkNode('v20.20.0').status).toBe('ok');
    expect(checkNode('v22.1.0').status).toBe('ok');
    const old = checkNode('v18.19.1');
    expect(old).toMatchObject({ status: 'fail', message: 'Node.js v18.19.1 is too old (20 or newer needed)' });
    expect(old.fix).toContain('deb.nodesource.com/setup_20.x');
  });
});

describe('sensor', () => {
  it('a readable sensor passes with its reading', async () => {
    const s = newSystem();
    const file = s.file('power', '1\n');
    const result = await checkSensor(new FileSensor(file), `file:${file}`, NOW);
    expect(result).toMatchObject({ status: 'ok', message: `file ${file}: reading 1 (power ON)` });
  });

  it('a busy GPIO fails with the message and a fix', async () => {
    const s = newSystem();
    const fake = writeFakeGpiod(s.bin, {
      version: 2,
      detect: GPIODETECT.pi4,
      value: 1,
      failWith: GPIOD_ERRORS.busy[2],
    });
    const result = await checkSensor(new GpiodSensor({ pin: 4, gpioget: fake.gpioget }), 'gpiod', NOW);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/is busy/);
    expect(result.fix).toMatch(/gpioinfo/);
  });

  it('a missing sensor file fails; the simulated sensor only warns', async () => {
    const s = newSystem();
    expect((await checkSensor(new FileSensor(join(s.dir, 'nope')), 'file:nope', NOW)).status).toBe('fail');
    expect((await checkSensor(new SimulatedSensor(), 'simulate', NOW)).status).toBe('warn');
  });
});

describe('pin bias', () => {
  const bias = (pinctrl: string, extra: Partial<Parameters<typeof checkPinBias>[0]> = {}) =>
    checkPinBias({ pin: 4, sensorSpec: 'gpio', activeLow: false, run, pinctrl, ...extra });

  it('input with pull-down passes', async () => {
    const pinctrl = newSystem().script('pinctrl', `echo '${pinctrlLine('ip', 'pd')}'`);
    expect(await bias(pinctrl)).toMatchObject({ status: 'ok', message: 'GPIO 4 input with pull-down' });
  });

  it('pull-up (the reset default of GPIO 0-8) warns with the config.txt line', async () => {
    const pinctrl = newSystem().script('pinctrl', `echo '${pinctrlLine('ip', 'pu', 'hi')}'`);
    const result = await bias(pinctrl);
    expect(result.status).toBe('warn');
    expect(result.message).toBe('GPIO 4 has pull-up: an open relay contact still reads 1 (power ON)');
    expect(result.fix).toBe('add gpio=4=ip,pd to /boot/firmware/config.txt and reboot (now: pinctrl set 4 ip pd)');
  });

  it('active-low wiring wants pull-up; an output pin or no pull warns', async () => {
    const s = newSystem();
    expect((await bias(s.script('pu', `echo '${pinctrlLine('ip', 'pu')}'`), { activeLow: true })).status).toBe('ok');
    expect((await bias(s.script('op', `echo '${pinctrlLine('op', 'pn')}'`))).status).toBe('warn');
    expect((await bias(s.script('pn', `echo '${pinctrlLine('ip', 'pn')}'`))).message).toContain('no pull');
  });

  it('active-low wiring with a pull-down warns that outages are missed, with the pull-up line', async () => {
    const pinctrl = newSystem().script('pinctrl', `echo '${pinctrlLine('ip', 'pd')}'`);
    const result = await bias(pinctrl, { activeLow: true });
    expect(result.status).toBe('warn');
    expect(result.message).toBe(
      'GPIO 4 has pull-down: with --active-low an open relay contact reads 0 → power ON, outages are missed',
    );
    expect(result.fix).toBe('add gpio=4=ip,pu to /boot/firmware/config.txt and reboot (now: pinctrl set 4 ip pu)');
    const floating = await bias(newSystem().script('pinctrl', `echo '${pinctrlLine('ip', 'pn')}'`), {
      activeLow: true,
    });
    expect(floating.message).toBe('GPIO 4 has no pull: an open relay contact floats, readings are random');
  });

  it('without pinctrl, or with a non-GPIO sensor, it is not checked', async () => {
    const s = newSystem();
    const missing = await bias(join(s.bin, 'pinctrl'));
    // Not checked is a warning, never a ✓.
    expect(missing).toMatchObject({ status: 'warn', message: 'not checked (pinctrl not installed)' });
    expect(missing.fix).toContain('gpio=4=ip,pd');
    expect((await bias(join(s.bin, 'pinctrl'), { sensorSpec: 'simulate' })).message).toBe(
      'not applicable (sensor simulate)',
    );
  });

  it('parses pinctrl output', () => {
    expect(parsePinctrl(pinctrlLine('ip', 'pd'))).toEqual({ func: 'ip', pull: 'pd' });
    expect(parsePinctrl('garbage')).toEqual({});
  });
});

describe('clock', () => {
  const flag = (s: FakeSystem) => join(s.root, 'run/systemd/timesync/synchronized');

  it('timedatectl yes passes, no fails', async () => {
    const s = newSystem();
    const yes = s.script('yes', 'echo NTPSynchronized=yes');
    const no = s.script('no', 'echo NTPSynchronized=no');
    expect(await checkClock({ run, timedatectl: yes, syncFlag: flag(s) })).toMatchObject({ status: 'ok' });
    const result = await checkClock({ run, timedatectl: no, syncFlag: flag(s) });
    expect(result).toMatchObject({ status: 'fail', message: 'not synchronised (timedatectl: NTPSynchronized=no)' });
    expect(result.fix).toContain('sudo timedatectl set-ntp true');
  });

  it('without an answer from timedatectl, the timesyncd flag file decides', async () => {
    const s = newSystem();
    const noBus = s.script('timedatectl', 'echo "Failed to connect to bus: No such file or directory" >&2; exit 1');
    expect((await checkClock({ run, timedatectl: noBus, syncFlag: flag(s) })).status).toBe('fail');
    expect((await checkClock({ run, timedatectl: join(s.bin, 'missing'), syncFlag: flag(s) })).status).toBe('fail');
    s.file('run/systemd/timesync/synchronized', '');
    expect(await checkClock({ run, timedatectl: noBus, syncFlag: flag(s) })).toMatchObject({ status: 'ok' });
  });
});

describe('store (SQLite)', () => {
  it('a writable database or folder passes; a path through a file fails', async () => {
    const s = newSystem();
    expect(await checkSqliteWritable(join(s.dir, 'data', 'prod.sqlite'))).toMatchObject({ status: 'ok' });
    new SqliteStore({ file: join(s.dir, 'data', 'prod.sqlite') }).close();
    expect((await checkSqliteWritable(join(s.dir, 'data', 'prod.sqlite'))).message).toMatch(/writable/);
    const blocker = s.file('blocker', 'x');
    expect(await checkSqliteWritable(join(blocker, 'prod.sqlite'))).toMatchObject({ status: 'fail' });
  });

  it.skipIf(process.getuid?.() === 0)('a read-only folder fails (not testable as root)', async () => {
    const s = newSystem();
    const { chmodSync } = await import('node:fs');
    mkdirSync(join(s.dir, 'ro'));
    chmodSync(join(s.dir, 'ro'), 0o555);
    expect(await checkSqliteWritable(join(s.dir, 'ro', 'x.sqlite'))).toMatchObject({ status: 'fail' });
  });

  it('tables: the store-made schema passes; missing database, missing or foreign tables fail', async () => {
    const s = newSystem();
    const file = join(s.dir, 'prod.sqlite');
    expect(await checkSqliteTables(file)).toMatchObject({ status: 'fail', message: `no database yet at ${file}` });
    new SqliteStore({ file }).close();
    expect(await checkSqliteTables(file)).toMatchObject({ status: 'ok' });

    const foreign = join(s.dir, 'foreign.sqlite');
    const db = new Database(foreign);
    db.exec('CREATE TABLE minutes (pk TEXT, reading INTEGER)');
    db.close();
    const result = await checkSqliteTables(foreign);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('table minutes differs');
    expect(result.message).toContain('table hours missing');
    expect(result.message).toContain('index days_status missing');
  });
});

describe('store and tables (DynamoDB on dynalite)', () => {
  let dynalite: RunningDynalite;
  beforeAll(async () => {
    useTestAwsEnv();
    dynalite = await startDynalite();
  });
  afterAll(() => dynalite.close());

  const config = (mode: string) => ({ store: 'dynamodb' as const, mode, endpoint: dynalite.endpoint });

  it('reachable with credentials; missing tables fail the tables check', async () => {
    expect(await checkStoreReachable(config('empty'))).toMatchObject({ status: 'ok' });
    const tables = await checkTables(config('empty'));
    expect(tables.status).toBe('fail');
    expect(tables.message).toBe(
      'empty-blackout-monitor-minutes missing; empty-blackout-monitor-hours missing; empty-blackout-monitor-days missing',
    );
  });

  it('tables created from tableDefinition pass', async () => {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({ endpoint: dynalite.endpoint });
    for (const t of ['minutes', 'hours', 'days'] as const) await createTableAndWait(client, tableName('good', t));
    client.destroy();
    expect(await checkTables(config('good'))).toMatchObject({
      status: 'ok',
      message: 'good-blackout-monitor-{minutes,hours,days} with pk/sk and sk_status-index',
    });
  });

  it('a table with another key schema and without the index fails, naming what differs', async () => {
    const { CreateTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({ endpoint: dynalite.endpoint });
    for (const t of ['minutes', 'hours', 'days'] as const) await createTableAndWait(client, tableName('bad', t));
    // Recreate minutes the way a hand-made table might look: pk only, no index.
    const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
    await client.send(new DeleteTableCommand({ TableName: 'bad-blackout-monitor-minutes' }));
    await client.send(
      new CreateTableCommand({
        TableName: 'bad-blackout-monitor-minutes',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
    const result = await checkTables(config('bad'));
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'bad-blackout-monitor-minutes key pk:HASH (want pk:HASH,sk:RANGE); bad-blackout-monitor-minutes has no index sk_status-index',
    );
    expect(tableDefinition('x').GlobalSecondaryIndexes?.[0]?.IndexName).toBe('sk_status-index');
  });

  it('an endpoint nobody listens on fails the store check', async () => {
    const result = await checkStoreReachable({ store: 'dynamodb', mode: 'x', endpoint: 'http://127.0.0.1:9' });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^DynamoDB at http:\/\/127\.0\.0\.1:9 not reachable/);
  });
});

describe('buffer', () => {
  const record = (at: Date) => minuteRecord(series, formatTimestamp(at), 1);

  it('empty and recent backlog pass; an old backlog or rejected files warn; an unreadable folder fails', () => {
    const s = newSystem();
    const input = { bufferDir: join(s.dir, 'buffer'), mode: 'prod', now: NOW, staleMs: 5 * 60_000 };
    expect(checkBuffer(input)).toMatchObject({ status: 'ok', message: `${join(s.dir, 'buffer', 'prod')}: empty` });

    const buffer = new FileBuffer(input.bufferDir, 'prod');
    buffer.write(record(new Date(NOW.getTime() - 60_000)));
    expect(checkBuffer(input)).toMatchObject({ status: 'ok', message: `${buffer.dir}: 1 waiting, oldest 60 s old` });

    buffer.write(record(new Date(NOW.getTime() - 3 * 3_600_000)));
    const old = checkBuffer(input);
    expect(old).toMatchObject({ status: 'warn', message: `${buffer.dir}: 2 waiting, oldest 3.0 h old` });
    expect(old.fix).toContain('--flush-only');

    for (const file of buffer.list()) buffer.reject(file);
    const rejected = checkBuffer(input);
    expect(rejected).toMatchObject({
      status: 'warn',
      message: `${buffer.dir}: empty; 2 rejected in ${buffer.dir}/rejected`,
    });

    writeFileSync(join(s.dir, 'not-a-folder'), '');
    mkdirSync(join(s.dir, 'b2'));
    writeFileSync(join(s.dir, 'b2', 'prod'), 'a file where the folder should be');
    expect(checkBuffer({ ...input, bufferDir: join(s.dir, 'b2') }).status).toBe('fail');
  });
});

describe('freshness', () => {
  async function storeWith(file: string, times: Date[]) {
    const store = new SqliteStore({ file });
    await store.putMinutes(times.map((t) => minuteRecord(series, formatTimestamp(t), 1)));
    await store.close();
  }
  const check = (file: string) =>
    checkFreshness({
      openStore: async () => new SqliteStore({ file }),
      series,
      now: NOW,
      tz: 'Europe/Kyiv',
      staleMs: 5 * 60_000,
      lookBackMs: 24 * 3_600_000,
    });

  it('a reading from 2 minutes ago passes', async () => {
    const file = join(newSystem().dir, 'db.sqlite');
    await storeWith(file, [new Date(NOW.getTime() - 60 * 60_000), new Date(NOW.getTime() - 2 * 60_000)]);
    expect(await check(file)).toMatchObject({
      status: 'ok',
      // In local time (Kyiv is UTC+2 in March before the change).
      message: 'newest reading for device pi4 pin 4 is 2 min old (2026-03-10T14:28:00+02:00)',
    });
  });

  it('a reading from 10 minutes ago, or 5 hours ago, fails', async () => {
    const s = newSystem();
    await storeWith(join(s.dir, 'a.sqlite'), [new Date(NOW.getTime() - 10 * 60_000)]);
    expect(await check(join(s.dir, 'a.sqlite'))).toMatchObject({ status: 'fail' });
    await storeWith(join(s.dir, 'b.sqlite'), [new Date(NOW.getTime() - 5 * 3_600_000)]);
    const result = await check(join(s.dir, 'b.sqlite'));
    expect(result).toMatchObject({ status: 'fail' });
    expect(result.message).toContain('is 5.0 h old');
  });

  it('no reading in 24 h (or only another device) fails', async () => {
    const file = join(newSystem().dir, 'db.sqlite');
    const store = new SqliteStore({ file });
    await store.putMinutes([minuteRecord({ device: 'other', pin: 4 }, formatTimestamp(NOW), 1)]);
    await store.close();
    expect(await check(file)).toMatchObject({
      status: 'fail',
      message: 'no reading stored for device pi4 pin 4 in the last 24.0 h',
    });
  });
});

describe('schedule', () => {
  const schedule = (s: FakeSystem, systemctl = join(s.bin, 'systemctl'), crontab = join(s.bin, 'crontab')) =>
    checkSchedule({ systemRoot: s.root, run, systemctl, crontab });

  it('nothing scheduled fails', async () => {
    const result = await schedule(newSystem());
    expect(result).toMatchObject({ status: 'fail', message: 'no read-pin or aggregate job in cron or systemd' });
  });

  it('the installed cron.d file passes; commented-out jobs do not count', async () => {
    const s = newSystem();
    s.file('etc/cron.d/blackout-monitor', cronFile(EXAMPLE_SETTINGS));
    expect(await schedule(s)).toMatchObject({ status: 'ok' });
    const commented = cronFile(EXAMPLE_SETTINGS).replace(/^(\*|5) /gm, '# $1 ');
    s.file('etc/cron.d/blackout-monitor', commented);
    expect((await schedule(s)).status).toBe('fail');
  });

  it("the Python version's layout (cron.minutes.pi / cron.hourly.pi scripts) and a user crontab count", async () => {
    const s = newSystem();
    for (const dir of ['cron.minutes.pi/blackout-monitor', 'cron.hourly.pi/aggregate_blackout_readings']) {
      s.file(`etc/${dir}`, readFileSync(join(import.meta.dirname, '../../cron_example', dir), 'utf8'));
    }
    const unrun = await schedule(s);
    expect(unrun).toMatchObject({
      status: 'warn',
      message: `${join(s.root, 'etc/cron.minutes.pi/blackout-monitor')} is never run: no cron line runs run-parts /etc/cron.minutes.pi`,
    });
    s.file('etc/crontab', readFileSync(join(import.meta.dirname, '../../cron_example/crontab'), 'utf8'));
    expect(await schedule(s)).toMatchObject({ status: 'ok' });

    const user = newSystem();
    const crontab = user.script('crontab', `echo '* * * * * node /home/pi/b/dist/read-pin.js'`);
    const onlyRead = await schedule(user, undefined, crontab);
    expect(onlyRead).toMatchObject({ status: 'warn', message: 'read-pin scheduled (crontab -l) but no aggregate job' });
  });

  it('systemd units pass when the timers are enabled, warn when not', async () => {
    const s = newSystem();
    for (const f of plannedFiles('systemd', EXAMPLE_SETTINGS)) s.file(f.path, f.content);
    const enabled = s.script('systemctl-on', 'echo enabled');
    const disabled = s.script('systemctl-off', 'echo disabled; exit 1');
    expect(await schedule(s, enabled)).toMatchObject({ status: 'ok' });
    expect(await schedule(s, disabled)).toMatchObject({
      status: 'warn',
      message: 'blackout-read-pin.timer is disabled',
      fix: 'sudo systemctl enable --now blackout-read-pin.timer',
    });
  });
});

describe('disk', () => {
  it('passes above the threshold, warns below ten times it, fails below it', () => {
    const s = newSystem();
    const path = join(s.dir, 'buffer', 'not-yet-created');
    expect(checkDisk({ path, minFreeBytes: 1, lowFreeBytes: 1 })).toMatchObject({ status: 'ok' });
    expect(checkDisk({ path, minFreeBytes: 1, lowFreeBytes: 2 ** 60 }).status).toBe('warn');
    const full = checkDisk({ path, minFreeBytes: 2 ** 60, lowFreeBytes: 2 ** 60 });
    expect(full.status).toBe('fail');
    expect(full.message).toContain(`free on the file system of ${s.dir}`);
  });
});

describe('report', () => {
  it('one line per check with ✓ ! ✗ and the fix; passes only without failures', () => {
    const results: CheckResult[] = [
      { name: 'node', status: 'ok', message: 'Node.js v20' },
      { name: 'pin bias', status: 'warn', message: 'pull-up', fix: 'gpio=4=ip,pd' },
      { name: 'clock', status: 'fail', message: 'not synchronised', fix: 'set-ntp' },
    ];
    expect(formatResults(results)).toBe(
      [
        '✓ node      Node.js v20',
        '! pin bias  pull-up → fix: gpio=4=ip,pd',
        '✗ clock     not synchronised → fix: set-ntp',
        '1 passed, 1 warning, 1 failed',
        '',
      ].join('\n'),
    );
    expect(allPassed(results)).toBe(false);
    expect(allPassed(results.slice(0, 2))).toBe(true);
    expect(results.map(status)).toEqual(['ok', 'warn', 'fail']);
    expect(formatAge(90_000)).toBe('90 s');
  });
});
