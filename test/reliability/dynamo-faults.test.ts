/**
 * read-pin and aggregate against DynamoDB (dynalite) behind the fault-injecting proxy: every fault
 * ends with the reading stored or buffered, a warning in the log and exit 0; a clean run catches up.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { partitionKey } from '../../src/domain/keys.js';
import { type MinuteRecord, minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { FileBuffer } from '../../src/utils/buffer.js';
import { tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { AWS_TEST_ENV, type RunningDynalite, startDynalite, useTestAwsEnv } from '../support/dynalite.js';
import { type DynamoProxy, type FaultAction, type FaultPolicy, startDynamoProxy } from '../support/dynamo-proxy.js';
import { logLines, runDist } from './support.js';

let dynalite: RunningDynalite;
let proxy: DynamoProxy;
const tmp = tempDir('blackout-dyn-faults-');
let modeCounter = 0;

beforeAll(async () => {
  useTestAwsEnv();
  dynalite = await startDynalite();
  proxy = await startDynamoProxy(dynalite.endpoint);
});
afterEach(() => proxy.setPolicy(undefined));
afterAll(async () => {
  await proxy.close();
  await dynalite.close();
  tmp.cleanup();
});

interface Case {
  mode: string;
  dir: string;
  sensor: string;
  read(at: string, value: 0 | 1, extra?: string[]): ReturnType<typeof runDist>;
  aggregate(): ReturnType<typeof runDist>;
  buffered(): string[];
  stored(hourOf: string): Promise<MinuteRecord[]>;
  warnings(): string[];
}

function newCase(): Case {
  const mode = `faults${++modeCounter}`;
  const dir = join(tmp.dir, mode);
  const sensor = join(tmp.dir, `${mode}.sensor`);
  const common = [
    SERIES.device,
    String(SERIES.pin),
    mode,
    '--store',
    'dynamodb',
    '--endpoint',
    proxy.endpoint,
    '--buffer-dir',
    join(dir, 'buffer'),
    '--log-dir',
    join(dir, 'logs'),
  ];
  return {
    mode,
    dir,
    sensor,
    read: (at, value, extra = []) => {
      writeFileSync(sensor, `${value}\n`);
      return runDist('read-pin', [...common, '--sensor', `file:${sensor}`, '--at', at, ...extra], {
        env: AWS_TEST_ENV,
      });
    },
    aggregate: () => runDist('aggregate', common, { env: AWS_TEST_ENV }),
    buffered: () => {
      try {
        return readdirSync(join(dir, 'buffer', mode)).filter((f) => f.endsWith('.json'));
      } catch {
        return [];
      }
    },
    stored: async (hourOf) => {
      const store = new DynamoStore({ mode, endpoint: dynalite.endpoint });
      try {
        const pk = partitionKey('minutes', SERIES, new Date(hourOf));
        return (await store.readPartitions('minutes', [pk])).get(pk) ?? [];
      } finally {
        await store.close();
      }
    },
    warnings: () =>
      logLines(join(dir, 'logs'))
        .filter((l) => l.level === 40)
        .map((l) => l.msg),
  };
}

/** Fails every request of the given operations with `action`; passes the rest. */
const failing =
  (action: FaultAction, operations?: string[]): FaultPolicy =>
  (operation) =>
    !operations || operations.includes(operation) ? action : { kind: 'pass' };

const PERSISTENT_FAULTS: [string, FaultAction][] = [
  ['throttling', { kind: 'throttle' }],
  ['HTTP 500', { kind: 'server-error' }],
  ['HTTP 503', { kind: 'server-error', status: 503 }],
  ['connection resets', { kind: 'reset' }],
  ['a store that never answers (request timeout)', { kind: 'delay', ms: 60_000 }],
];

describe('read-pin on DynamoDB with the store failing', () => {
  it.each(PERSISTENT_FAULTS)(
    '%s: reading buffered, warning logged, exit 0; the next run catches up',
    async (_, action) => {
      const c = newCase();
      // The tables exist already (a store that worked yesterday).
      expect(await c.read('2025-06-21T10:00:02Z', 1)).toMatchObject({ code: 0, stderr: '' });
      proxy.setPolicy(failing(action));
      const faultsBefore = proxy.faults.get(action.kind) ?? 0;
      const down = await c.read('2025-06-21T10:01:02Z', 0);
      expect(down).toMatchObject({ code: 0, signal: null, stdout: '', stderr: '' });
      expect(proxy.faults.get(action.kind) ?? 0).toBeGreaterThan(faultsBefore);
      expect(c.buffered()).toEqual(['2025-06-21T10:01:02.000000+00:00.json']);
      expect(c.warnings()).toContain('store unreachable; readings stay in the buffer until the next run');
      proxy.setPolicy(undefined);
      expect(await c.read('2025-06-21T10:02:02Z', 1)).toMatchObject({ code: 0, stderr: '' });
      expect(c.buffered()).toEqual([]);
      const stored = await c.stored('2025-06-21T10:00:00Z');
      expect(stored.map((m) => [m.sk, m.reading])).toEqual([
        ['time#00', 1],
        ['time#01', 0],
        ['time#02', 1],
      ]);
    },
  );

  it('passing throttling, 5xx and resets are ridden out within the run by the retries', async () => {
    const c = newCase();
    expect(await c.read('2025-06-21T11:00:02Z', 1)).toMatchObject({ code: 0 });
    const sequence: FaultAction[] = [{ kind: 'throttle' }, { kind: 'server-error' }, { kind: 'reset' }];
    let i = 0;
    proxy.setPolicy((op) => (op === 'PutItem' && i < 2 ? (sequence[i++ % 3] as FaultAction) : { kind: 'pass' }));
    expect(await c.read('2025-06-21T11:01:02Z', 0)).toMatchObject({ code: 0, stderr: '' });
    expect(i).toBe(2);
    expect(c.buffered()).toEqual([]);
    expect((await c.stored('2025-06-21T11:00:00Z')).map((m) => m.reading)).toEqual([1, 0]);
  });

  it('a write that succeeded but whose answer was lost (reset after forwarding) is stored once, not conflicted', async () => {
    const c = newCase();
    expect(await c.read('2025-06-21T12:00:02Z', 1)).toMatchObject({ code: 0 });
    let once = true;
    proxy.setPolicy((op) => {
      if (op !== 'PutItem' || !once) return { kind: 'pass' };
      once = false;
      return { kind: 'reset-after' };
    });
    expect(await c.read('2025-06-21T12:01:02Z', 0)).toMatchObject({ code: 0, stderr: '' });
    expect(once).toBe(false);
    expect(c.buffered()).toEqual([]);
    expect(readdirSync(join(c.dir, 'buffer', c.mode))).not.toContain('rejected');
    const stored = await c.stored('2025-06-21T12:00:00Z');
    expect(stored.map((m) => [m.sk, m.ts, m.reading])).toEqual([
      ['time#00', '2025-06-21T12:00:02.000000+00:00', 1],
      ['time#01', '2025-06-21T12:01:02.000000+00:00', 0],
    ]);
  });

  it('a backlog flushed through partial batches (UnprocessedItems and UnprocessedKeys) stores every minute once', async () => {
    const c = newCase();
    expect(await c.read('2025-06-21T13:00:02Z', 1)).toMatchObject({ code: 0 });
    // Forty minutes of outage: the store cannot be reached (connection refused), readings pile up.
    // Two real runs show read-pin buffering them; the other 38 are written as those runs write them
    // (forty process starts with SDK retries would make the test's time depend on the host's speed).
    const reading = (m: number): 0 | 1 => (m % 3 === 0 ? 0 : 1);
    const at = (m: number) => `2025-06-21T13:${String(m).padStart(2, '0')}:02Z`;
    for (let m = 1; m <= 2; m++) {
      writeFileSync(c.sensor, `${reading(m)}\n`);
      const run = await runDist(
        'read-pin',
        [
          SERIES.device,
          String(SERIES.pin),
          c.mode,
          '--store',
          'dynamodb',
          '--endpoint',
          'http://127.0.0.1:9',
          '--buffer-dir',
          join(c.dir, 'buffer'),
          '--log-dir',
          join(c.dir, 'logs'),
          '--sensor',
          `file:${c.sensor}`,
          '--at',
          at(m),
        ],
        { env: AWS_TEST_ENV },
      );
      expect(run).toMatchObject({ code: 0, stderr: '' });
    }
    expect(c.buffered()).toHaveLength(2);
    const buffer = new FileBuffer(join(c.dir, 'buffer'), c.mode);
    for (let m = 3; m <= 40; m++) buffer.write(minuteRecord(SERIES, formatTimestamp(new Date(at(m))), reading(m)));
    expect(c.buffered()).toHaveLength(40);
    proxy.setPolicy((op) =>
      op === 'BatchWriteItem'
        ? { kind: 'unprocessed', fraction: 0.5 }
        : op === 'BatchGetItem'
          ? { kind: 'unprocessed-keys', fraction: 0.5 }
          : { kind: 'pass' },
    );
    expect(await c.read('2025-06-21T13:41:02Z', 1)).toMatchObject({ code: 0, stderr: '' });
    expect(proxy.faults.get('unprocessed')).toBeGreaterThan(0);
    expect(proxy.faults.get('unprocessed-keys')).toBeGreaterThan(0);
    expect(c.buffered()).toEqual([]);
    const stored = await c.stored('2025-06-21T13:00:00Z');
    expect(stored).toHaveLength(42);
    expect(new Set(stored.map((m) => m.sk)).size).toBe(42);
    expect(stored.filter((m) => m.reading === 0).map((m) => m.sk)).toEqual(
      Array.from({ length: 13 }, (_, k) => `time#${String(3 * (k + 1)).padStart(2, '0')}`),
    );
  });
});

describe('aggregate on DynamoDB with the store failing', () => {
  it('exits 0 with a warning while the store fails; the minutes stay pending and the next run aggregates them', async () => {
    const c = newCase();
    for (let m = 0; m < 5; m++) {
      expect(await c.read(`2025-06-21T14:0${m}:02Z`, (m % 2) as 0 | 1)).toMatchObject({ code: 0 });
    }
    proxy.setPolicy(failing({ kind: 'server-error', status: 503 }));
    expect(await c.aggregate()).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(c.warnings().some((w) => w.startsWith('store unreachable; aggregation left for the next run'))).toBe(true);
    proxy.setPolicy(undefined);
    expect(await c.aggregate()).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const store = new DynamoStore({ mode: c.mode, endpoint: dynalite.endpoint });
    try {
      const hourPk = partitionKey('hours', SERIES, new Date('2025-06-21T14:00:00Z'));
      const hours = (await store.readPartitions('hours', [hourPk])).get(hourPk) ?? [];
      expect(hours.map((h) => [h.sk, h.on, h.off, h.count])).toEqual([['time#14', 2, 3, 5]]);
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
