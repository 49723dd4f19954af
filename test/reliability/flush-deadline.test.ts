/**
 * The flush deadline: a slow store (every DynamoDB answer delayed) makes the flush stop at the
 * deadline, in the middle of a store call if need be, and leave the rest buffered; the next run
 * stores it, and a call cut short never stores a reading twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { partitionKey } from '../../src/domain/keys.js';
import { flushBuffer } from '../../src/pipeline/flush.js';
import { DEFAULT_FLUSH_BUDGET_MS } from '../../src/pipeline/read-pin.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { FileBuffer } from '../../src/utils/buffer.js';
import { silentLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { type RunningDynalite, startDynalite, useTestAwsEnv } from '../support/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../support/dynamo-proxy.js';

let dynalite: RunningDynalite;
let proxy: DynamoProxy;
const tmp = tempDir('blackout-deadline-');
beforeAll(async () => {
  useTestAwsEnv();
  dynalite = await startDynalite();
  proxy = await startDynamoProxy(dynalite.endpoint);
});
afterAll(async () => {
  await proxy.close();
  await dynalite.close();
  tmp.cleanup();
});

describe('flush deadline', () => {
  it('leaves the cron minute a wide margin', () => {
    expect(DEFAULT_FLUSH_BUDGET_MS).toBeLessThanOrEqual(40_000);
    expect(DEFAULT_FLUSH_BUDGET_MS).toBeGreaterThanOrEqual(10_000);
  });

  it('stops at the deadline during slow store calls, keeps the rest buffered; the next flush stores all once', async () => {
    const buffer = new FileBuffer(join(tmp.dir, 'buffer'), 'deadline');
    const minutes = generateMinutes(SERIES, new Date('2025-06-21T15:00:00Z'), 60, (i) => (i % 4 ? 1 : 0));
    for (const m of minutes) buffer.write(m);
    const store = new DynamoStore({ mode: 'deadline', endpoint: proxy.endpoint });
    proxy.setPolicy((op) =>
      op === 'BatchWriteItem' || op === 'BatchGetItem' ? { kind: 'delay', ms: 1500 } : { kind: 'pass' },
    );
    const first = await flushBuffer(buffer, store, silentLogger(), { deadline: Date.now() + 1000, batchSize: 10 });
    proxy.setPolicy(undefined);
    expect(first.remaining).toBeGreaterThan(0);
    // The call under way at the deadline was cancelled: its request destroyed, not left to finish.
    await vi.waitFor(() => expect(proxy.clientCancels()).toBeGreaterThan(0));
    expect(first.stored + first.remaining).toBe(60);
    expect(buffer.list().length).toBeGreaterThanOrEqual(first.remaining);
    const second = await flushBuffer(buffer, store, silentLogger(), { batchSize: 10 });
    expect(second.remaining).toBe(0);
    expect(buffer.list()).toEqual([]);
    expect(first.stored + second.stored + second.duplicates).toBe(60);
    const pk = partitionKey('minutes', SERIES, new Date('2025-06-21T15:00:00Z'));
    const stored = (await store.readPartitions('minutes', [pk])).get(pk) ?? [];
    expect(stored.map((m) => [m.ts, m.reading])).toEqual(minutes.map((m) => [m.ts, m.reading]));
    await store.close();
  });
});
