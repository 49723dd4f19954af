/**
 * Benchmark data, written with the project's own code (FileBuffer, minuteRecord, the store
 * adapters) so the fixtures are exactly what a real Pi leaves behind.
 */
import { DeleteTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { type Series, TABLES } from '../src/domain/keys.js';
import type { MinuteRecord } from '../src/domain/records.js';
import { DynamoStore } from '../src/stores/dynamodb/dynamodb-store.js';
import { createTableAndWait, tableName } from '../src/stores/dynamodb/tables.js';
import { SqliteStore } from '../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../src/stores/store.js';
import { chunk } from '../src/stores/store.js';
import { FileBuffer } from '../src/utils/buffer.js';
import { generateMinutes } from '../test/support/data.js';

export const MINUTE_MS = 60_000;
export const DAY_MINUTES = 1440;

/** Deterministic pseudo-random in [0, 1) for minute `i` (Mulberry32 step). */
function noise(i: number): number {
  let t = (i + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * `minutes` readings from `from`: power off two hours a day, and some minutes missing (about 2 %
 * at random plus, when `withGap`, a 3-hour stretch on the second day when the Pi itself was down).
 */
export function readings(series: Series, from: Date, minutes: number, withGap = true): MinuteRecord[] {
  return generateMinutes(series, from, minutes, (i) => {
    if (withGap && i >= 1440 + 600 && i < 1440 + 780) return null;
    if (noise(i) < 0.02) return null;
    return i % 1440 >= 18 * 60 && i % 1440 < 20 * 60 ? 0 : 1;
  });
}

/** Writes readings into the buffer folder as read-pin would have during an outage. */
export function fillBuffer(bufferRoot: string, mode: string, records: readonly MinuteRecord[]): void {
  const buffer = new FileBuffer(bufferRoot, mode);
  for (const record of records) buffer.write(record);
}

/** Stores readings (all with status `new`), in large batches. */
export async function populate(store: Store, records: readonly MinuteRecord[]): Promise<void> {
  for (const part of chunk(records, 5000)) {
    const put = await store.putMinutes(part);
    if (put.conflicts.length > 0) throw new Error(`fixture conflict: ${put.conflicts.length} minutes already held`);
  }
}

export function openSqlite(file: string): SqliteStore {
  return new SqliteStore({ file });
}

export function openDynamo(endpoint: string, mode: string): DynamoStore {
  return new DynamoStore({ mode, endpoint, region: 'us-east-1' });
}

/** Creates the three tables of `mode` as `read-pin` would on its first run. */
export async function createDynamoTables(endpoint: string, mode: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  try {
    for (const table of TABLES) await createTableAndWait(client, tableName(mode, table));
  } finally {
    client.destroy();
  }
}

/** Drops the three tables of `mode` (missing ones are fine): frees the emulator of a finished run's items. */
export async function dropDynamoTables(endpoint: string, mode: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  try {
    for (const table of TABLES) {
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName(mode, table) }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }
  } finally {
    client.destroy();
  }
}
