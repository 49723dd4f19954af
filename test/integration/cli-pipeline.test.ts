/**
 * read-pin and aggregate as cron runs them (fresh processes on the compiled entrypoints), against
 * both stores: SQLite on a temp file and DynamoDB on dynalite.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { partitionKey } from '../../src/domain/keys.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../../src/stores/store.js';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { AWS_TEST_ENV, useDynalite } from '../support/dynalite.js';

const tmp = tempDir();
let n = 0;

const dynalite = useDynalite();
afterAll(() => tmp.cleanup());

interface StoreSetup {
  name: string;
  /** CLI arguments selecting this store for a test's mode. */
  args(mode: string, dir: string): string[];
  /** The same store opened in-process to check what the CLI wrote. */
  open(mode: string, dir: string): Store;
  /** Arguments pointing at a store that cannot be reached. */
  downArgs(dir: string): string[];
}

const STORES: StoreSetup[] = [
  {
    name: 'sqlite',
    args: (_mode, dir) => ['--store', 'sqlite', '--db', join(dir, 'store.sqlite')],
    open: (_mode, dir) => new SqliteStore({ file: join(dir, 'store.sqlite') }),
    // A database path below a regular file can never be opened.
    downArgs: (dir) => {
      writeFileSync(join(dir, 'not-a-dir'), '');
      return ['--store', 'sqlite', '--db', join(dir, 'not-a-dir', 'store.sqlite')];
    },
  },
  {
    name: 'dynamodb',
    args: () => ['--store', 'dynamodb', '--endpoint', dynalite().endpoint],
    open: (mode) => new DynamoStore({ mode, endpoint: dynalite().endpoint }),
    // Nothing listens on port 9 of loopback: connection refused at once.
    downArgs: () => ['--store', 'dynamodb', '--endpoint', 'http://127.0.0.1:9'],
  },
];

const ENV = { ...AWS_TEST_ENV };

describe.each(STORES)('read-pin and aggregate on $name', (setup) => {
  let dir: string;
  let mode: string;
  let sensorFile: string;
  const common = () => ['--buffer-dir', join(dir, 'buffer'), '--log-dir', join(dir, 'logs'), ...setup.args(mode, dir)];
  const readPin = (value: 0 | 1, at: string, extra: string[] = []) => {
    writeFileSync(sensorFile, `${value}\n`);
    return runEntrypoint(
      'read-pin',
      ['alex_rpi', '4', mode, '--sensor', `file:${sensorFile}`, '--at', at, ...common(), ...extra],
      {
        env: ENV,
      },
    );
  };
  const buffered = () => {
    const folder = join(dir, 'buffer', mode);
    return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')) : [];
  };

  beforeEach(() => {
    dir = join(tmp.dir, `t${n++}`);
    mkdirSync(dir);
    mode = `cli${n}`;
    sensorFile = join(dir, 'sensor');
  });

  it('reads, buffers and stores one minute silently, with a log line', async () => {
    const run = await readPin(1, '2025-06-21T19:00:03.241Z');
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(buffered()).toEqual([]);
    const store = setup.open(mode, dir);
    const pk = 'device#alex_rpi#sensor#4#date#2025-06-21-19';
    expect((await store.readPartitions('minutes', [pk])).get(pk)).toEqual([
      {
        pk,
        sk: 'time#00',
        pk_status: 'device#alex_rpi#sensor#4#status#new',
        ts: '2025-06-21T19:00:03.241000+00:00',
        reading: 1,
      },
    ]);
    await store.close();
    const logs = readdirSync(join(dir, 'logs'));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^\d{4}-\d{2}-\d{2}_log\.txt$/);
    expect(readFileSync(join(dir, 'logs', logs[0] ?? ''), 'utf8')).toContain('"msg":"reading ON"');
  });

  it('keeps readings buffered while the store is down (exit 0) and flushes them on the next run', async () => {
    const down = setup.downArgs(dir);
    for (const [i, at] of ['2025-06-21T19:01:02Z', '2025-06-21T19:02:02Z'].entries()) {
      writeFileSync(sensorFile, `${i % 2}\n`);
      const run = await runEntrypoint(
        'read-pin',
        [
          'alex_rpi',
          '4',
          mode,
          '--sensor',
          `file:${sensorFile}`,
          '--at',
          at,
          '--buffer-dir',
          join(dir, 'buffer'),
          '--log-dir',
          join(dir, 'logs'),
          ...down,
        ],
        { env: ENV },
      );
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    }
    expect(buffered()).toHaveLength(2);
    const log = readdirSync(join(dir, 'logs'))
      .map((f) => readFileSync(join(dir, 'logs', f), 'utf8'))
      .join('');
    expect(log).toContain('store unreachable');
    // Power and network are back.
    const run = await readPin(1, '2025-06-21T19:03:02Z');
    expect(run.code).toBe(0);
    expect(buffered()).toEqual([]);
    const store = setup.open(mode, dir);
    const pk = 'device#alex_rpi#sensor#4#date#2025-06-21-19';
    const stored = (await store.readPartitions('minutes', [pk])).get(pk);
    expect(stored?.map((r) => [r.sk, r.reading])).toEqual([
      ['time#01', 0],
      ['time#02', 1],
      ['time#03', 1],
    ]);
    await store.close();
  });

  it('flushes buffer files left by the Python version', async () => {
    const folder = join(dir, 'buffer', mode);
    mkdirSync(folder, { recursive: true });
    // Exactly what Python's json.dump wrote, including a stamp without microseconds.
    const python = [
      ['2025-06-21T19:00:03.241969+00:00', 1],
      ['2025-06-21T19:01:00+00:00', 0],
    ] as const;
    for (const [ts, reading] of python) {
      const minute = ts.slice(14, 16);
      writeFileSync(
        join(folder, `${ts}.json`),
        `{"pk": "device#alex_rpi#sensor#4#date#2025-06-21-19", "sk": "time#${minute}", "pk_status": "device#alex_rpi#sensor#4#status#new", "ts": "${ts}", "reading": ${reading}}`,
      );
    }
    const run = await runEntrypoint('read-pin', ['alex_rpi', '4', mode, '--flush-only', ...common()], { env: ENV });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(buffered()).toEqual([]);
    const store = setup.open(mode, dir);
    const pk = 'device#alex_rpi#sensor#4#date#2025-06-21-19';
    expect((await store.readPartitions('minutes', [pk])).get(pk)?.map((r) => [r.sk, r.ts, r.reading])).toEqual([
      ['time#00', '2025-06-21T19:00:03.241969+00:00', 1],
      ['time#01', '2025-06-21T19:01:00.000000+00:00', 0],
    ]);
    await store.close();
  });

  it('aggregates, re-aggregates a late reading and backfills a range', async () => {
    // 19:00-19:09 on, 19:10-19:19 off; minute 19:05 arrives late.
    for (let m = 0; m < 20; m++) {
      if (m === 5) continue;
      const run = await readPin(m < 10 ? 1 : 0, `2025-06-21T19:${String(m).padStart(2, '0')}:04Z`);
      expect(run.code).toBe(0);
    }
    const aggregate = (extra: string[] = []) =>
      runEntrypoint('aggregate', ['alex_rpi', '4', mode, ...common(), ...extra], { env: ENV });
    expect(await aggregate()).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const store = setup.open(mode, dir);
    const dayPk = partitionKey('hours', { device: 'alex_rpi', pin: 4 }, new Date('2025-06-21T00:00:00Z'));
    const monthPk = partitionKey('days', { device: 'alex_rpi', pin: 4 }, new Date('2025-06-21T00:00:00Z'));
    const hour = async () => (await store.readPartitions('hours', [dayPk])).get(dayPk)?.[0];
    const day = async () => (await store.readPartitions('days', [monthPk])).get(monthPk)?.[0];
    expect(await hour()).toMatchObject({ sk: 'time#19', on: 9, off: 10, unknown: 41, expected: 60, count: 19 });
    expect(await day()).toMatchObject({ sk: 'time#21', on: 9, off: 10, unknown: 1421, expected: 1440, count: 19 });

    expect((await readPin(1, '2025-06-21T19:05:04Z')).code).toBe(0);
    expect((await aggregate()).code).toBe(0);
    expect(await hour()).toMatchObject({ on: 10, off: 10, unknown: 40, count: 20 });
    expect(await day()).toMatchObject({ on: 10, off: 10, unknown: 1420, count: 20 });

    expect((await aggregate(['--from', '2025-06-21', '--to', '2025-06-21'])).code).toBe(0);
    expect(await day()).toMatchObject({ on: 10, off: 10, unknown: 1420, count: 20 });
    await store.close();
  });
});

describe('DynamoDB tables', () => {
  it("are created on first use with exactly the Python version's schema", async () => {
    const { DescribeTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const dir = join(tmp.dir, 'schema');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sensor'), '1');
    const mode = 'schema';
    const common = [
      '--buffer-dir',
      join(dir, 'buffer'),
      '--log-dir',
      join(dir, 'logs'),
      '--store',
      'dynamodb',
      '--endpoint',
      dynalite().endpoint,
    ];
    expect(
      (
        await runEntrypoint('read-pin', ['alex_rpi', '4', mode, '--sensor', `file:${join(dir, 'sensor')}`, ...common], {
          env: ENV,
        })
      ).code,
    ).toBe(0);
    expect((await runEntrypoint('aggregate', ['alex_rpi', '4', mode, ...common], { env: ENV })).code).toBe(0);
    const client = new DynamoDBClient({ endpoint: dynalite().endpoint });
    for (const table of ['minutes', 'hours', 'days']) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: `${mode}-blackout-monitor-${table}` }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(Table?.AttributeDefinitions).toEqual(
        expect.arrayContaining([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'pk_status', AttributeType: 'S' },
          { AttributeName: 'ts', AttributeType: 'S' },
        ]),
      );
      expect(
        Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection?.ProjectionType]),
      ).toEqual([
        [
          'sk_status-index',
          [
            { AttributeName: 'pk_status', KeyType: 'HASH' },
            { AttributeName: 'ts', KeyType: 'RANGE' },
          ],
          'ALL',
        ],
      ]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    }
    client.destroy();
  });

  it('are not created by reads (a report or doctor run leaves no tables behind)', async () => {
    const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
    const store = new DynamoStore({ mode: 'readonly', endpoint: dynalite().endpoint });
    expect(await store.pendingPartitions('minutes', { device: 'alex_rpi', pin: 4 })).toEqual([]);
    const pk = 'device#alex_rpi#sensor#4#date#2025-06-21';
    expect(await store.readPartitions('hours', [pk])).toEqual(new Map([[pk, []]]));
    await store.close();
    const client = new DynamoDBClient({ endpoint: dynalite().endpoint });
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    expect(TableNames.filter((t) => t.startsWith('readonly-'))).toEqual([]);
    client.destroy();
  });

  it("keeps working on the Python version's table set and its items", async () => {
    const { CreateTableCommand, DynamoDBClient, PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { tableDefinition } = await import('../../src/stores/dynamodb/tables.js');
    const client = new DynamoDBClient({ endpoint: dynalite().endpoint });
    const mode = 'legacy';
    for (const table of ['minutes', 'hours', 'days']) {
      await client.send(new CreateTableCommand(tableDefinition(`${mode}-blackout-monitor-${table}`)));
    }
    // Items exactly as boto3 wrote them (numbers as N), including a day whose count is the
    // number of hour items, as the Python version stored it.
    const s = (v: string) => ({ S: v });
    const num = (v: number) => ({ N: String(v) });
    for (const [minute, reading] of [
      ['00', 1],
      ['01', 0],
    ] as const) {
      await client.send(
        new PutItemCommand({
          TableName: `${mode}-blackout-monitor-minutes`,
          Item: {
            pk: s('device#alex_rpi#sensor#4#date#2025-06-21-19'),
            sk: s(`time#${minute}`),
            pk_status: s('device#alex_rpi#sensor#4#status#new'),
            ts: s(`2025-06-21T19:${minute}:03.241969+00:00`),
            reading: num(reading),
          },
        }),
      );
    }
    await client.send(
      new PutItemCommand({
        TableName: `${mode}-blackout-monitor-days`,
        Item: {
          pk: s('device#alex_rpi#sensor#4#date#2025-06'),
          sk: s('time#20'),
          pk_status: s('device#alex_rpi#sensor#4#status#done'),
          ts: s('2025-06-21T01:05:04.419859+00:00'),
          unknown: num(1380),
          on: num(60),
          off: num(0),
          expected: num(1440),
          count: num(1),
        },
      }),
    );
    const dir = join(tmp.dir, 'legacy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sensor'), '1');
    const common = [
      '--buffer-dir',
      join(dir, 'buffer'),
      '--log-dir',
      join(dir, 'logs'),
      '--store',
      'dynamodb',
      '--endpoint',
      dynalite().endpoint,
    ];
    const read = await runEntrypoint(
      'read-pin',
      ['alex_rpi', '4', mode, '--sensor', `file:${join(dir, 'sensor')}`, '--at', '2025-06-21T19:02:03Z', ...common],
      { env: ENV },
    );
    expect(read).toMatchObject({ code: 0, stderr: '' });
    expect((await runEntrypoint('aggregate', ['alex_rpi', '4', mode, ...common], { env: ENV })).code).toBe(0);
    const store = new DynamoStore({ mode, endpoint: dynalite().endpoint });
    const hours = await store.readPartitions('hours', ['device#alex_rpi#sensor#4#date#2025-06-21']);
    expect(hours.get('device#alex_rpi#sensor#4#date#2025-06-21')).toMatchObject([
      { sk: 'time#19', on: 2, off: 1, unknown: 57, count: 3 },
    ]);
    const days = await store.readPartitions('days', ['device#alex_rpi#sensor#4#date#2025-06']);
    expect(days.get('device#alex_rpi#sensor#4#date#2025-06')?.map((d) => [d.sk, d.count])).toEqual([
      ['time#20', 1],
      ['time#21', 3],
    ]);
    await store.close();
    client.destroy();
  });
});
