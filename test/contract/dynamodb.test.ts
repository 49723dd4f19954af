import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REGISTRY_PK, type Series } from '../../src/domain/keys.js';
import { minuteRecord } from '../../src/domain/records.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { tableDefinition } from '../../src/stores/dynamodb/tables.js';
import type { StoreConfig } from '../../src/stores/open-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { SERIES } from '../support/data.js';
import { useDynalite } from '../support/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../support/dynamo-proxy.js';
import { defineStoreContract } from './store-contract.js';

const dynalite = useDynalite();
let n = 0;
const client = () => new DynamoDBClient({ endpoint: dynalite().endpoint });

/** The mode's tables with their item counts. */
async function tablesOf(mode: string): Promise<Record<string, number>> {
  const dynamo = client();
  try {
    const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
    const out: Record<string, number> = {};
    for (const name of TableNames.filter((t) => t.startsWith(`${mode}-`))) {
      out[name] = (await dynamo.send(new ScanCommand({ TableName: name, Select: 'COUNT' }))).Count ?? 0;
    }
    return out;
  } finally {
    dynamo.destroy();
  }
}

defineStoreContract('dynamodb (dynalite)', {
  // A fresh mode is a fresh set of tables.
  freshConfig: (): StoreConfig => ({ store: 'dynamodb', mode: `contract${n++}`, endpoint: dynalite().endpoint }),
  unreachableConfig: () => ({ store: 'dynamodb', mode: 'unreachable', endpoint: 'http://127.0.0.1:9' }),
  breakSchema: async (config) => {
    // Recreated by hand the way a console user might: pk only, no index.
    const dynamo = client();
    const name = `${config.mode}-blackout-monitor-minutes`;
    await dynamo.send(new DeleteTableCommand({ TableName: name }));
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    dynamo.destroy();
    return `${name} key pk:HASH (want pk:HASH,sk:RANGE); ${name} has no index sk_status-index`;
  },
  footprint: async (config) => tablesOf(config.mode),
});

describe('DynamoDB: a deadline cancels the requests themselves', () => {
  let proxy: DynamoProxy;
  beforeAll(async () => {
    proxy = await startDynamoProxy(dynalite().endpoint);
  });
  afterAll(() => proxy.close());

  const slow = (ms: number) => proxy.setPolicy(() => ({ kind: 'delay', ms }));
  const minute = (m: number) => minuteRecord(SERIES, `2025-06-21T19:${String(m).padStart(2, '0')}:03.000000+00:00`, 1);

  it("a call past its signal's deadline rejects then, and its request is destroyed (not left running)", async () => {
    const store = new DynamoStore({ mode: `cancel${n++}`, endpoint: proxy.endpoint });
    try {
      await store.putMinutes([minute(0)]);
      slow(3000);
      const cancelsBefore = proxy.clientCancels();
      const requestsBefore = proxy.totalRequests();
      // The deadline passes once the request is held by the proxy (however slow the machine is to send it).
      const deadline = new AbortController();
      const call = store.putMinutes([minute(1)], { signal: deadline.signal }).catch((error: unknown) => error);
      await vi.waitFor(() => expect(proxy.totalRequests()).toBe(requestsBefore + 1), { timeout: 10_000 });
      const aborted = Date.now();
      deadline.abort(new DOMException('deadline', 'TimeoutError'));
      const failure = await call;
      expect(Date.now() - aborted).toBeLessThan(2000);
      expect(failure).toMatchObject({ name: 'AbortError' });
      await vi.waitFor(() => expect(proxy.clientCancels()).toBe(cancelsBefore + 1), { timeout: 10_000 });
    } finally {
      proxy.setPolicy(undefined);
      await store.close();
    }
  });

  it("aborting the store's signal cancels every call in flight, and later calls send nothing", async () => {
    const controller = new AbortController();
    const mode = `cancel${n++}`;
    const store = new DynamoStore({ mode, endpoint: proxy.endpoint, signal: controller.signal });
    try {
      await store.putMinutes([minute(0), minute(1)]);
      slow(3000);
      const cancelsBefore = proxy.clientCancels();
      const requestsBefore = proxy.totalRequests();
      const calls = [
        store.readPartitions('minutes', [minute(0).pk]),
        store.pendingPartitions('minutes', SERIES),
        store.putMinutes([minute(2), minute(3)]),
      ].map((call) =>
        call.then(
          () => 'finished',
          (error: Error) => error.name,
        ),
      );
      // One request each (a Query, a Query, a BatchGetItem), all held by the proxy.
      await vi.waitFor(() => expect(proxy.totalRequests()).toBe(requestsBefore + 3), { timeout: 10_000 });
      controller.abort();
      expect(await Promise.all(calls)).toEqual(['AbortError', 'AbortError', 'AbortError']);
      await vi.waitFor(() => expect(proxy.clientCancels()).toBe(cancelsBefore + 3), { timeout: 10_000 });
      const requests = proxy.totalRequests();
      await expect(store.readPartitions('minutes', [minute(0).pk])).rejects.toMatchObject({ name: 'AbortError' });
      expect(proxy.totalRequests()).toBe(requests);
    } finally {
      proxy.setPolicy(undefined);
      await store.close();
    }
    expect(Object.keys(await tablesOf(mode))).toEqual([`${mode}-blackout-monitor-minutes`]);
  });
});

describe('DynamoDB: the series registry on tables of the Python version (an upgraded store)', () => {
  let proxy: DynamoProxy;
  beforeAll(async () => {
    proxy = await startDynamoProxy(dynalite().endpoint);
  });
  afterAll(() => proxy.close());

  const old: Series = { device: 'old_rpi', pin: 17 };
  const s = (v: string) => ({ S: v });
  const num = (v: number) => ({ N: String(v) });

  /** Tables and items exactly as boto3 wrote them: no registry. */
  async function pythonTables(mode: string): Promise<void> {
    const dynamo = client();
    try {
      for (const table of ['minutes', 'hours', 'days']) {
        await dynamo.send(new CreateTableCommand(tableDefinition(`${mode}-blackout-monitor-${table}`)));
      }
      const put = (table: string, item: Record<string, { S: string } | { N: string }>) =>
        dynamo.send(new PutItemCommand({ TableName: `${mode}-blackout-monitor-${table}`, Item: item }));
      const minute = (series: Series, hour: string, mm: string, ts: string, reading: number, status: string) =>
        put('minutes', {
          pk: s(`device#${series.device}#sensor#${series.pin}#date#${hour}`),
          sk: s(`time#${mm}`),
          pk_status: s(`device#${series.device}#sensor#${series.pin}#status#${status}`),
          ts: s(ts),
          reading: num(reading),
        });
      const aggregateItem = (
        table: string,
        series: Series,
        label: string,
        sk: string,
        on: number,
        off: number,
        count: number,
      ) =>
        put(table, {
          pk: s(`device#${series.device}#sensor#${series.pin}#date#${label}`),
          sk: s(sk),
          pk_status: s(`device#${series.device}#sensor#${series.pin}#status#done`),
          ts: s('2025-06-20T11:05:04.419859+00:00'),
          on: num(on),
          off: num(off),
          unknown: num((table === 'hours' ? 60 : 1440) - on - off),
          expected: num(table === 'hours' ? 60 : 1440),
          count: num(count),
        });
      // alex_rpi 4: three minutes rolled up (a stamp without microseconds among them), two pending.
      await minute(SERIES, '2025-06-20-10', '00', '2025-06-20T10:00:03+00:00', 1, 'done');
      await minute(SERIES, '2025-06-20-10', '01', '2025-06-20T10:01:03.100000+00:00', 1, 'done');
      await minute(SERIES, '2025-06-20-10', '02', '2025-06-20T10:02:03.100000+00:00', 0, 'done');
      await aggregateItem('hours', SERIES, '2025-06-20', 'time#10', 2, 1, 3);
      // The Python version's day: count is the number of hours items, on + off the minutes.
      await aggregateItem('days', SERIES, '2025-06', 'time#20', 2, 1, 1);
      await minute(SERIES, '2025-06-21-19', '00', '2025-06-21T19:00:03.241969+00:00', 1, 'new');
      await minute(SERIES, '2025-06-21-19', '01', '2025-06-21T19:01:03.241969+00:00', 1, 'new');
      // A retired device: May only, all rolled up.
      await minute(old, '2025-05-02-07', '30', '2025-05-02T07:30:02.000001+00:00', 0, 'done');
      await minute(old, '2025-05-02-07', '31', '2025-05-02T07:31:02.000001+00:00', 1, 'done');
      await aggregateItem('hours', old, '2025-05-02', 'time#07', 1, 1, 2);
      await aggregateItem('days', old, '2025-05', 'time#02', 1, 1, 1);
    } finally {
      dynamo.destroy();
    }
  }

  const alexSummary = (last: string, readings: number) => ({
    device: 'alex_rpi',
    pin: 4,
    firstReading: '2025-06-20T10:00:03.000000+00:00',
    lastReading: last,
    readings,
  });
  const oldSummary = {
    device: 'old_rpi',
    pin: 17,
    firstReading: '2025-05-02T07:30:02.000001+00:00',
    lastReading: '2025-05-02T07:31:02.000001+00:00',
    readings: 2,
  };

  async function registryItems(mode: string) {
    const dynamo = client();
    try {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: `${mode}-blackout-monitor-minutes`,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: REGISTRY_PK } },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((item) =>
        Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? v.N ?? v.BOOL])),
      );
    } finally {
      dynamo.destroy();
    }
  }

  it('before anything is written a reader finds a named series in the status index; the list waits for the registry', async () => {
    const mode = `upgraded${n++}`;
    await pythonTables(mode);
    const before = await tablesOf(mode);
    const reader = new DynamoStore({ mode, endpoint: proxy.endpoint, access: 'read' });
    try {
      proxy.resetCounts();
      // No Scan: the registry is one partition, and it is empty.
      expect(await reader.listSeries()).toEqual([]);
      expect(await reader.listSeries({ series: SERIES })).toEqual([alexSummary('2025-06-21T19:01:03.241969+00:00', 5)]);
      expect(await reader.listSeries({ series: old })).toEqual([oldSummary]);
      expect(proxy.counts.get('Scan')).toBeUndefined();
    } finally {
      await reader.close();
    }
    expect(await tablesOf(mode)).toEqual(before);
  });

  it('fills as it is written: the first reading stored registers its series, the first roll-up counts its history', async () => {
    const mode = `upgraded${n++}`;
    await pythonTables(mode);
    const log = silentLogger();
    const writer = new DynamoStore({ mode, endpoint: proxy.endpoint });
    try {
      proxy.resetCounts();
      // read-pin's first run after the upgrade.
      await writer.putMinutes([minuteRecord(SERIES, '2025-06-21T19:02:03.241969+00:00', 0)]);
      expect(await registryItems(mode)).toEqual([
        { pk: REGISTRY_PK, sk: 'device#alex_rpi#sensor#4', device: 'alex_rpi', pin: '4' },
      ]);
      const alex = alexSummary('2025-06-21T19:02:03.241969+00:00', 6);
      // Counted from the days partitions between its first and last reading until the registry has counts.
      expect(await writer.listSeries()).toEqual([alex]);
      // The hourly aggregate: the month counts of every month of its history, then `counted`.
      await aggregate(writer, SERIES, log);
      expect(await registryItems(mode)).toEqual([
        { pk: REGISTRY_PK, sk: 'device#alex_rpi#sensor#4', device: 'alex_rpi', pin: '4', counted: true },
        { pk: REGISTRY_PK, sk: 'device#alex_rpi#sensor#4#date#2025-06', readings: '6' },
      ]);
      expect(await writer.listSeries()).toEqual([alex]);
      // A retired device is registered by a roll-up of its range (blackout-aggregate old_rpi 17 --from … --to …).
      await aggregate(writer, old, log, {
        range: { from: new Date('2025-05-01T00:00:00Z'), to: new Date('2025-06-01T00:00:00Z') },
      });
      expect(await writer.listSeries()).toEqual([alex, oldSummary]);
      expect(proxy.counts.get('Scan')).toBeUndefined();
    } finally {
      await writer.close();
    }
  });

  it("stays out of the Python version's way: no status-index entry, no key it builds, nothing it aggregates", async () => {
    const mode = `upgraded${n++}`;
    await pythonTables(mode);
    const writer = new DynamoStore({ mode, endpoint: dynalite().endpoint });
    try {
      await writer.putMinutes([minuteRecord(SERIES, '2025-06-21T19:02:03.241969+00:00', 0)]);
      await aggregate(writer, SERIES, silentLogger());
    } finally {
      await writer.close();
    }
    const dynamo = client();
    try {
      const identity = await dynamo.send(
        new GetItemCommand({
          TableName: `${mode}-blackout-monitor-minutes`,
          Key: { pk: { S: REGISTRY_PK }, sk: { S: 'device#alex_rpi#sensor#4' } },
        }),
      );
      // Without pk_status and ts an item is not in the status index, which is all the Python aggregate queries.
      expect(Object.keys(identity.Item ?? {}).sort()).toEqual(['counted', 'device', 'pin', 'pk', 'sk']);
      for (const item of await registryItems(mode)) {
        expect(item.pk_status).toBeUndefined();
        expect(item.ts).toBeUndefined();
        expect(String(item.pk)).not.toMatch(/^device#/);
      }
      for (const status of ['new', 'done']) {
        const index = await dynamo.send(
          new QueryCommand({
            TableName: `${mode}-blackout-monitor-minutes`,
            IndexName: 'sk_status-index',
            KeyConditionExpression: 'pk_status = :s',
            ExpressionAttributeValues: { ':s': { S: `device#alex_rpi#sensor#4#status#${status}` } },
          }),
        );
        expect(index.Items?.every((item) => item.reading !== undefined && item.pk?.S?.startsWith('device#'))).toBe(
          true,
        );
      }
    } finally {
      dynamo.destroy();
    }
  });
});
