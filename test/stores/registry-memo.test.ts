/**
 * The minute job's registry memo: a series seen registered is not looked up again for a day, in a
 * later process too (a fresh store with the same memo file); a damaged or unwritable memo only
 * costs the lookup, never the reading.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { fileRegistryMemo } from '../../src/stores/dynamodb/registry-memo-file.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { useDynalite } from '../support/dynalite.js';
import { type DynamoProxy, startDynamoProxy } from '../support/dynamo-proxy.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const HOUR_MS = 3_600_000;

describe('fileRegistryMemo', () => {
  let temp: ReturnType<typeof tempDir> | undefined;
  afterEach(() => temp?.cleanup());

  it('remembers a key for a day, across instances, and forgets it after', () => {
    temp = tempDir('blackout-memo-');
    const path = join(temp.dir, '.registered-series');
    expect(fileRegistryMemo(path, NOW).has('a')).toBe(false);
    fileRegistryMemo(path, NOW).remember('a');
    expect(fileRegistryMemo(path, new Date(NOW.getTime() + 23 * HOUR_MS)).has('a')).toBe(true);
    expect(fileRegistryMemo(path, new Date(NOW.getTime() + 24 * HOUR_MS)).has('a')).toBe(false);
    // A clock set back before the entry does not make it last forever.
    expect(fileRegistryMemo(path, new Date(NOW.getTime() - HOUR_MS)).has('a')).toBe(false);
    // Stale entries are dropped when another is written.
    fileRegistryMemo(path, new Date(NOW.getTime() + 25 * HOUR_MS)).remember('b');
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')))).toEqual(['b']);
  });

  it('a damaged file is no memo, and is rewritten by the next registration', () => {
    temp = tempDir('blackout-memo-');
    const path = join(temp.dir, '.registered-series');
    for (const junk of ['{"a": 12', '[1,2]', '{"a": 5}', 'null']) {
      writeFileSync(path, junk);
      expect(fileRegistryMemo(path, NOW).has('a'), junk).toBe(false);
    }
    fileRegistryMemo(path, NOW).remember('a');
    expect(fileRegistryMemo(path, NOW).has('a')).toBe(true);
  });

  it('a memo that cannot be written does not throw', () => {
    temp = tempDir('blackout-memo-');
    // A file where its folder should be: no write can succeed, not even as root.
    writeFileSync(join(temp.dir, 'not-a-folder'), '');
    const memo = fileRegistryMemo(join(temp.dir, 'not-a-folder', '.registered-series'), NOW);
    expect(() => memo.remember('a')).not.toThrow();
    expect(memo.has('a')).toBe(false);
  });
});

describe('DynamoDB store with a registry memo (dynalite)', () => {
  const dynalite = useDynalite();
  let proxy: DynamoProxy;
  let temp: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    proxy = await startDynamoProxy(dynalite().endpoint);
  });
  afterAll(async () => {
    await proxy?.close();
  });
  afterEach(() => temp?.cleanup());

  it('the first reading registers the series; later processes store a reading in one request', async () => {
    temp = tempDir('blackout-memo-');
    const path = join(temp.dir, '.registered-series');
    const [first, second, third] = generateMinutes(SERIES, NOW, 3, () => 1);
    if (!first || !second || !third) throw new Error('no minutes');
    const run = async (record: typeof first, at: Date): Promise<number> => {
      const store = new DynamoStore({
        mode: 'memo',
        endpoint: proxy.endpoint,
        registryMemo: fileRegistryMemo(path, at),
      });
      try {
        proxy.resetCounts();
        expect((await store.putMinutes([record])).stored).toHaveLength(1);
        return proxy.totalRequests();
      } finally {
        await store.close();
      }
    };
    // Creates the tables, stores the minute, looks the series up and registers it.
    await run(first, NOW);
    expect(proxy.counts.get('GetItem')).toBeGreaterThanOrEqual(1);
    expect(await run(second, new Date(NOW.getTime() + 60_000))).toBe(1);
    // A day later the registry is asked again (one GetItem beside the minute).
    expect(await run(third, new Date(NOW.getTime() + 25 * HOUR_MS))).toBe(2);
    expect(proxy.counts.get('GetItem')).toBe(1);

    // The same memo file for another mode's tables: not trusted there, the series is looked up and registered.
    const other = new DynamoStore({
      mode: 'memo2',
      endpoint: proxy.endpoint,
      registryMemo: fileRegistryMemo(path, NOW),
    });
    try {
      await other.putMinutes([third]);
      proxy.resetCounts();
      await other.putMinutes(generateMinutes(SERIES, new Date(NOW.getTime() + 10 * 60_000), 1, () => 0));
      expect(proxy.totalRequests()).toBe(1);
    } finally {
      await other.close();
    }
    const otherReader = new DynamoStore({ mode: 'memo2', endpoint: proxy.endpoint, access: 'read' });
    try {
      expect((await otherReader.listSeries()).map((s) => ({ device: s.device, pin: s.pin }))).toEqual([SERIES]);
    } finally {
      await otherReader.close();
    }

    const reader = new DynamoStore({ mode: 'memo', endpoint: proxy.endpoint, access: 'read' });
    try {
      expect((await reader.listSeries()).map((s) => ({ device: s.device, pin: s.pin }))).toEqual([SERIES]);
    } finally {
      await reader.close();
    }
  });
});
