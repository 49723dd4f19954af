/**
 * read-pin and aggregate started together, many times, on both stores: two read-pins and two
 * aggregates at once each round. No run fails; afterwards every reading is stored once and the
 * stored hours and days equal a fresh recompute from the minutes.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDay, countHour } from '../../src/domain/aggregate.js';
import { partitionKeysBetween } from '../../src/domain/keys.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../../src/stores/store.js';
import { tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { AWS_TEST_ENV, type RunningDynalite, startDynalite, useTestAwsEnv } from '../support/dynalite.js';
import { logLines, type RunResult, runDist } from './support.js';

const ROUNDS = 12;
const START = Date.parse('2025-06-21T22:50:00Z'); // crosses an hour and a day boundary
const reading = (minute: number): 0 | 1 => (minute % 7 < 4 ? 1 : 0);
const atOf = (minute: number): string => new Date(START + minute * 60_000 + 2_000).toISOString();

let dynalite: RunningDynalite;
const tmp = tempDir('blackout-concurrency-');
beforeAll(async () => {
  useTestAwsEnv();
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
  tmp.cleanup();
});

interface Setup {
  name: string;
  args(dir: string): string[];
  open(dir: string): Store;
}

const SETUPS: Setup[] = [
  {
    name: 'sqlite',
    args: (dir) => ['--store', 'sqlite', '--db', join(dir, 'store.sqlite')],
    open: (dir) => new SqliteStore({ file: join(dir, 'store.sqlite') }),
  },
  {
    name: 'dynamodb',
    args: () => ['--store', 'dynamodb', '--endpoint', dynalite.endpoint],
    open: () => new DynamoStore({ mode: 'conc', endpoint: dynalite.endpoint }),
  },
];

describe.each(SETUPS)('read-pin and aggregate together on $name', (setup) => {
  it(`${ROUNDS} rounds of 2 read-pins + 2 aggregates at once: no failure, aggregates equal a recompute`, async () => {
    const dir = join(tmp.dir, setup.name);
    const common = [
      SERIES.device,
      String(SERIES.pin),
      'conc',
      ...setup.args(dir),
      '--buffer-dir',
      join(dir, 'buffer'),
      '--log-dir',
      join(dir, 'logs'),
    ];
    const env = AWS_TEST_ENV;
    const readPin = (minute: number): Promise<RunResult> => {
      const sensor = join(tmp.dir, `${setup.name}-sensor-${minute}`);
      writeFileSync(sensor, `${reading(minute)}\n`);
      return runDist('read-pin', [...common, '--sensor', `file:${sensor}`, '--at', atOf(minute)], { env });
    };
    const aggregate = (): Promise<RunResult> => runDist('aggregate', common, { env });

    const runs: RunResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      runs.push(...(await Promise.all([readPin(2 * round), aggregate(), readPin(2 * round + 1), aggregate()])));
    }
    for (const run of runs) expect(run).toMatchObject({ code: 0, signal: null, stdout: '', stderr: '' });
    const messages = logLines(join(dir, 'logs')).map((l) => l.msg);
    const count = (prefix: string): number => messages.filter((m) => m.startsWith(prefix)).length;
    console.info(
      `${setup.name}: ${count('another run is flushing')} read-pins and ${count('another aggregate run')} aggregates found the lock taken`,
    );

    // Settle: flush what a locked-out read-pin left buffered, then aggregate once more.
    expect(await runDist('read-pin', [...common, '--flush-only'], { env })).toMatchObject({ code: 0, stderr: '' });
    expect(await aggregate()).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(join(dir, 'buffer', 'conc')).filter((f) => f.endsWith('.json'))).toEqual([]);

    const store = setup.open(dir);
    try {
      const from = new Date(START);
      const to = new Date(START + 2 * ROUNDS * 60_000);
      const minutes = [
        ...(await store.readPartitions('minutes', partitionKeysBetween('minutes', SERIES, from, to))).values(),
      ].flat();
      expect(minutes.map((m) => [m.ts, m.reading])).toEqual(
        Array.from({ length: 2 * ROUNDS }, (_, i) => [atOf(i).replace('Z', '000+00:00'), reading(i)]),
      );
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
      expect(await store.pendingPartitions('hours', SERIES)).toEqual([]);

      const minutesByHour = await store.readPartitions('minutes', partitionKeysBetween('minutes', SERIES, from, to));
      const hourPks = partitionKeysBetween('hours', SERIES, from, to);
      const hours = [...(await store.readPartitions('hours', hourPks)).values()].flat();
      const expectedHours = [...minutesByHour.values()].filter((m) => m.length > 0).map((m) => countHour(m));
      expect(
        hours.map((h) => ({ on: h.on, off: h.off, unknown: h.unknown, expected: h.expected, count: h.count })),
      ).toEqual(
        expectedHours.map((c) => ({ on: c.on, off: c.off, unknown: c.unknown, expected: c.expected, count: c.count })),
      );
      const hoursByDay = await store.readPartitions('hours', hourPks);
      const days = [
        ...(await store.readPartitions('days', partitionKeysBetween('days', SERIES, from, to))).values(),
      ].flat();
      const expectedDays = [...hoursByDay.values()].filter((h) => h.length > 0).map((h) => countDay(h));
      expect(days.map((d) => ({ on: d.on, off: d.off, unknown: d.unknown, count: d.count }))).toEqual(
        expectedDays.map((c) => ({ on: c.on, off: c.off, unknown: c.unknown, count: c.count })),
      );
      expect(hours.reduce((n, h) => n + h.count, 0)).toBe(2 * ROUNDS);
    } finally {
      await store.close();
    }
  });
});
