import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { minuteRecord } from '../../src/domain/records.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import type { StoreConfig } from '../../src/stores/open-store.js';
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
      const started = Date.now();
      const failure = await store
        .putMinutes([minute(1)], { signal: AbortSignal.timeout(300) })
        .catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(failure).toMatchObject({ name: 'AbortError' });
      await vi.waitFor(() => expect(proxy.clientCancels()).toBe(cancelsBefore + 1));
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
      await vi.waitFor(() => expect(proxy.totalRequests()).toBe(requestsBefore + 3));
      controller.abort();
      expect(await Promise.all(calls)).toEqual(['AbortError', 'AbortError', 'AbortError']);
      await vi.waitFor(() => expect(proxy.clientCancels()).toBe(cancelsBefore + 3));
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
