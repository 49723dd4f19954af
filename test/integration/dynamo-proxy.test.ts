import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { useDynalite } from '../support/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../support/dynamo-proxy.js';

const dynalite = useDynalite();
let proxy: DynamoProxy;
beforeAll(async () => {
  proxy = await startDynamoProxy(dynalite().endpoint);
});
afterAll(async () => {
  await proxy.close();
});

describe('DynamoDB store behind the fault-injecting proxy', () => {
  it('retries partial batches (UnprocessedItems) until every minute is stored', async () => {
    const store = new DynamoStore({ mode: 'partial', endpoint: proxy.endpoint });
    const minutes = generateMinutes(SERIES, new Date('2025-06-21T00:00:00Z'), 300, (i) => (i % 3 ? 1 : 0));
    await store.putMinutes(minutes.slice(0, 1)); // creates the table
    proxy.resetCounts();
    proxy.setPolicy(() => ({ kind: 'unprocessed', fraction: 0.5 }));
    const put = await store.putMinutes(minutes);
    proxy.setPolicy(undefined);
    expect(put.stored).toHaveLength(299);
    expect(put.duplicates).toHaveLength(1);
    expect(proxy.faults.get('unprocessed')).toBeGreaterThan(12);
    const read = await store.readPartitions('minutes', await store.pendingPartitions('minutes', SERIES));
    expect([...read.values()].flat()).toHaveLength(300);
    await store.close();
  });

  it('rides out throttling and 5xx answers with the SDK retries', async () => {
    const store = new DynamoStore({ mode: 'flaky', endpoint: proxy.endpoint, maxAttempts: 5 });
    let n = 0;
    proxy.setPolicy((operation) => {
      if (operation !== 'PutItem') return { kind: 'pass' };
      n++;
      return n % 3 === 1 ? { kind: 'throttle' } : n % 3 === 2 ? { kind: 'server-error' } : { kind: 'pass' };
    });
    const [first] = generateMinutes(SERIES, new Date('2025-06-21T05:00:00Z'), 1, () => 1);
    const put = await store.putMinutes(first ? [first] : []);
    proxy.setPolicy(undefined);
    expect(put.stored).toHaveLength(1);
    expect(proxy.faults.get('throttle')).toBeGreaterThanOrEqual(1);
    await store.close();
  });
});
