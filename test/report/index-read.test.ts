/**
 * The auto source draws complete mixed hours from their hours items where these spell their minutes
 * (by_minute); hours items without it (the Python version's) aggregated a while ago are read from
 * ranges of the status index (readMinutesBetween) instead of one partition each, on both stores, with
 * the same minute states as the raw source; an hour whose index minutes do not add up to its hours
 * item is read from its partition instead.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { partitionKey, partitionKeysBetween } from '../../src/domain/keys.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { type Loaded, loadMinuteStates, type Source } from '../../src/report/load.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../../src/stores/store.js';
import { silentLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { useDynalite } from '../support/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../support/dynamo-proxy.js';

const FROM = new Date('2025-06-01T00:00:00Z');
const DAYS = 4;
const TO = new Date(FROM.getTime() + DAYS * 86_400_000);
// Long after the data and its aggregation: every hour is over and settled in the index.
const NOW = new Date('2100-01-01T00:00:00Z');
// Off for the first 20 minutes of every hour, one minute in 7 missing: every hour is mixed.
const minutes = () => generateMinutes(SERIES, FROM, DAYS * 1440, (i) => (i % 7 === 3 ? null : i % 60 < 20 ? 0 : 1));

const load = (store: Store, source: Source) =>
  loadMinuteStates(store, { series: SERIES, from: FROM, to: TO, tz: 'UTC', source, now: NOW });

const sameStates = (a: Loaded, b: Loaded): boolean =>
  Buffer.from(a.minuteStates.states).equals(Buffer.from(b.minuteStates.states));

async function checkIndexRead(store: Store, requests?: () => number): Promise<void> {
  await store.putMinutes(minutes());
  await aggregate(store, SERIES, silentLogger());
  const raw = await load(store, 'raw');

  // This version's hours items spell their minutes (by_minute): no minute is read at all.
  let before = requests?.();
  const spelled = await load(store, 'auto');
  expect(sameStates(spelled, raw)).toBe(true);
  expect(spelled.stats).toMatchObject({
    hoursFromAggregates: DAYS * 24,
    hoursFromIndex: 0,
    minuteRangesRead: 0,
    minutePartitionsRead: 0,
  });
  // 4 days of hours partitions (one query each) and the pending minutes.
  if (requests && before !== undefined) expect(requests() - before).toBeLessThanOrEqual(DAYS + 1);

  // Hours items as the Python version (or an earlier one) wrote them: without by_minute.
  const dayPks = partitionKeysBetween('hours', SERIES, FROM, TO);
  const hours = [...(await store.readPartitions('hours', dayPks)).values()].flat();
  await store.putAggregates(
    'hours',
    hours.map(({ by_minute, ...item }) => item),
  );
  before = requests?.();
  const auto = await load(store, 'auto');
  expect(sameStates(auto, raw)).toBe(true);
  expect(auto.stats).toMatchObject({
    hoursFromIndex: DAYS * 24,
    minuteRangesRead: DAYS / 2,
    minutePartitionsRead: 0,
  });
  // 4 days of hours partitions (one query each) and the pending minutes, then 2 index ranges.
  if (requests && before !== undefined) expect(requests() - before).toBeLessThanOrEqual(DAYS + 1 + DAYS / 2 + 2);

  // An hours item that no longer matches its minutes (rewritten since, or the index behind): that
  // hour comes from its partition, the rest still from the index.
  const dayPk = partitionKey('hours', SERIES, FROM);
  const hour = (await store.readPartitions('hours', [dayPk])).get(dayPk)?.find((h) => h.sk === 'time#05');
  if (!hour) throw new Error('no hours item for 05:00');
  await store.putAggregates('hours', [{ ...hour, on: hour.on - 1, off: hour.off + 1 }]);
  const checked = await load(store, 'auto');
  expect(sameStates(checked, raw)).toBe(true);
  expect(checked.stats).toMatchObject({ hoursFromIndex: DAYS * 24 - 1, minutePartitionsRead: 1 });
}

describe('auto source: settled mixed hours from the status index', () => {
  let temp: ReturnType<typeof tempDir> | undefined;
  afterEach(() => temp?.cleanup());

  it('SQLite: the same states as raw, from two ranges', async () => {
    temp = tempDir('blackout-index-read-');
    const store = new SqliteStore({ file: join(temp.dir, 'test.sqlite') });
    try {
      await checkIndexRead(store);
    } finally {
      await store.close();
    }
  });

  describe('DynamoDB (dynalite)', () => {
    const dynalite = useDynalite();
    let proxy: DynamoProxy;
    beforeAll(async () => {
      proxy = await startDynamoProxy(dynalite().endpoint);
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('the same states as raw, in a few queries instead of one per hour', async () => {
      const store = new DynamoStore({ mode: 'indexread', endpoint: proxy.endpoint });
      try {
        await checkIndexRead(store, () => proxy.totalRequests());
      } finally {
        await store.close();
      }
    });
  });
});
