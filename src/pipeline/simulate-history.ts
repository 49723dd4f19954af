/**
 * Records a simulated history through the real path — simulated sensor → file buffer → store —
 * for demos and the fresh-machine quick start. Deterministic: every minute gets the same reading and
 * timestamp in every run that covers it, so running it again stores nothing new.
 */
import type { Series } from '../domain/keys.js';
import { minuteRecord } from '../domain/records.js';
import { formatTimestamp, MINUTE_MS } from '../domain/time.js';
import type { Sensor } from '../sensors/sensor.js';
import type { Store } from '../stores/store.js';
import type { FileBuffer } from '../utils/buffer.js';
import type { Logger } from '../utils/log.js';
import { type FlushResult, flushBuffer } from './flush.js';

export interface SimulateHistoryInput {
  series: Series;
  sensor: Sensor;
  buffer: FileBuffer;
  store: Store;
  log: Logger;
  from: Date;
  to: Date;
  /** True for minutes with no reading at all (the monitor itself was down). */
  monitorDown?: (at: Date) => boolean;
}

export interface SimulateHistoryResult {
  minutes: number;
  buffered: number;
  flush: FlushResult;
}

/** Readings are stamped a fixed few seconds into each minute, as a cron job would take them. */
const READING_OFFSET_MS = 3_241;
const READING_MICROS = 241_969;

export async function simulateHistory(input: SimulateHistoryInput): Promise<SimulateHistoryResult> {
  const { series, sensor, buffer, store, log } = input;
  let minutes = 0;
  let buffered = 0;
  for (let t = input.from.getTime(); t < input.to.getTime(); t += MINUTE_MS) {
    minutes++;
    const at = new Date(t + READING_OFFSET_MS);
    if (input.monitorDown?.(at)) continue;
    const reading = await sensor.read(at);
    buffer.write(minuteRecord(series, formatTimestamp(at, READING_MICROS), reading));
    buffered++;
  }
  log.info({ minutes, buffered }, 'simulated readings buffered');
  const flush = await flushBuffer(buffer, store, log);
  return { minutes, buffered, flush };
}
