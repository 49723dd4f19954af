/**
 * The every-minute job: read the sensor, buffer the reading on disk, then flush the whole buffer to
 * the store. A store that cannot be reached is normal during an outage: the reading stays buffered.
 */
import type { Series } from '../domain/keys.js';
import { type MinuteRecord, minuteRecord } from '../domain/records.js';
import { formatTimestamp, nowTimestamp } from '../domain/time.js';
import type { Sensor } from '../sensors/index.js';
import type { Store } from '../stores/store.js';
import type { FileBuffer } from '../utils/buffer.js';
import type { Logger } from '../utils/log.js';
import { type FlushResult, flushBuffer } from './flush.js';

export interface ReadPinInput {
  series: Series;
  sensor: Sensor;
  buffer: FileBuffer;
  openStore: () => Promise<Store>;
  log: Logger;
  /** Stamp the reading with this time instead of now (backfill, tests). */
  at?: Date;
  /** Only flush what is buffered; take no reading. */
  flushOnly?: boolean;
  /** How long the flush may run before leaving the rest for the next run. */
  flushBudgetMs?: number;
}

export interface ReadPinResult {
  record?: MinuteRecord;
  flush?: FlushResult;
  /** Set when the store could not be reached: the buffer keeps the readings. */
  storeError?: string;
}

export async function readPin(input: ReadPinInput): Promise<ReadPinResult> {
  const { series, sensor, buffer, log } = input;
  const result: ReadPinResult = {};
  const started = Date.now();
  if (!input.flushOnly) {
    const ts = input.at ? formatTimestamp(input.at) : nowTimestamp();
    const reading = await sensor.read(input.at ?? new Date());
    const record = minuteRecord(series, ts, reading);
    buffer.write(record);
    result.record = record;
    log.info(
      { ts, reading, sensor: sensor.description, pk: record.pk, sk: record.sk },
      `reading ${reading ? 'ON' : 'OFF'}`,
    );
  }
  let store: Store | undefined;
  try {
    store = await input.openStore();
    result.flush = await flushBuffer(buffer, store, log, { deadline: started + (input.flushBudgetMs ?? 40_000) });
    log.info({ ...result.flush, store: store.location }, 'buffer flushed');
  } catch (error) {
    result.storeError = (error as Error).message;
    log.warn(
      { err: error, buffered: buffer.list().length },
      'store unreachable; readings stay in the buffer until the next run',
    );
  } finally {
    await store?.close().catch(() => undefined);
  }
  return result;
}
