/**
 * The every-minute job: read the sensor, buffer the reading on disk, then flush the whole buffer to
 * the store. A store that cannot be reached is normal during an outage: the reading stays buffered.
 */
import type { Series } from '../domain/keys.js';
import { type MinuteRecord, minuteRecord } from '../domain/records.js';
import { formatTimestamp, nowTimestamp } from '../domain/time.js';
import type { Sensor } from '../sensors/index.js';
import type { Store } from '../stores/store.js';
import { isTransientStoreError } from '../stores/store-errors.js';
import type { FileBuffer } from '../utils/buffer.js';
import { messageOf } from '../utils/errors.js';
import { type HeldLock, tryLock } from '../utils/lock.js';
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
  /**
   * Power-change notifications (src/notify): `observe` records events from the readings (local files
   * only, before the flush, which removes the buffered readings it looks at); `deliver` sends queued
   * ones within its own budget, after the flush, so nothing a peer does can cost a reading.
   */
  notify?: {
    observe(record: MinuteRecord | undefined): Promise<void>;
    deliver(): Promise<void>;
  };
  /**
   * The outputs (src/outputs: Svitlobot, MQTT, Prometheus): after the flush, beside the deliveries,
   * within their own budget; they never throw into the job.
   */
  outputs?: (result: ReadPinResult) => Promise<unknown>;
  /**
   * Refreshes a published folder (`--publish-dir`) once the buffer is flushed to the store: last, so
   * it can cost no reading and delay no notification; `deadline` (ms since the epoch) bounds it.
   */
  publish?: (record: MinuteRecord | undefined, deadline: number) => Promise<void>;
  /** How long publishing may take at most (default DEFAULT_PUBLISH_BUDGET_MS). */
  publishBudgetMs?: number;
}

export interface ReadPinResult {
  record?: MinuteRecord;
  flush?: FlushResult;
  /** Set when the store could not be reached: the buffer keeps the readings. */
  storeError?: string;
  /** The store fault will not pass by itself (credentials, region, a corrupt or unwritable database). */
  storeNeedsAttention?: boolean;
  /** Another run held the flush lock (or it could not be taken): nothing flushed by this run. */
  flushSkipped?: boolean;
  /** The flush lock has been held for minutes and could not be taken over: flushing is stuck. */
  flushStuck?: boolean;
}

/**
 * The flush stops this long after the run started, leaving any rest for the next run: cron starts
 * the next run a minute later, and a run still flushing then would make it skip its flush.
 */
export const DEFAULT_FLUSH_BUDGET_MS = 30_000;

/**
 * Publishing ends by this long after the run started, and takes at most DEFAULT_PUBLISH_BUDGET_MS: the
 * next run starts a minute after this one (systemd stops the service at 55 s).
 */
export const RUN_BUDGET_MS = 50_000;
export const DEFAULT_PUBLISH_BUDGET_MS = 10_000;

/** A flush lock held this long is stuck: a warning and a failed heartbeat, not silence. */
const FLUSH_STUCK_MS = 3 * 60_000;

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
  // The notifier catches its own errors; these guards only keep a bug there from stopping the flush.
  await input.notify
    ?.observe(result.record)
    .catch((error: unknown) => log.error({ err: error }, 'notifications failed'));
  await flushWithLock(input, result, started);
  await Promise.all([
    input.notify?.deliver().catch((error: unknown) => log.error({ err: error }, 'notifications failed')),
    input.outputs?.(result).catch((error: unknown) => log.error({ err: error }, 'outputs failed')),
  ]);
  // Only after a flush: otherwise the store holds nothing new (or another run is flushing, and publishes).
  if (input.publish && result.flush) {
    const deadline = Math.min(
      started + RUN_BUDGET_MS,
      Date.now() + (input.publishBudgetMs ?? DEFAULT_PUBLISH_BUDGET_MS),
    );
    await input
      .publish(result.record, deadline)
      .catch((error: unknown) => log.warn({ err: error }, 'publishing failed'));
  }
  return result;
}

/** One flusher per buffer: a run that finds another one flushing leaves its reading buffered. */
async function flushWithLock(input: ReadPinInput, result: ReadPinResult, started: number): Promise<void> {
  const { buffer, log } = input;
  const budgetMs = input.flushBudgetMs ?? DEFAULT_FLUSH_BUDGET_MS;
  let lock: HeldLock;
  try {
    // A holder past twice the budget is stuck, whatever its pid says: taken over.
    const attempt = tryLock(buffer.lockPath('flush'), { maxHoldMs: 2 * budgetMs });
    if (!attempt.acquired) {
      result.flushSkipped = true;
      if ((attempt.heldForMs ?? 0) > FLUSH_STUCK_MS) {
        result.flushStuck = true;
        log.warn(
          { holder: attempt.holder, heldForMs: attempt.heldForMs },
          'the flush lock has been held for minutes and cannot be taken over; readings pile up in the buffer',
        );
      } else {
        log.info({ holder: attempt.holder }, 'another run is flushing this buffer; this reading stays buffered for it');
      }
      return;
    }
    lock = attempt.lock;
  } catch (error) {
    // Not a passing state: every later run would fail the same way, so the heartbeat says so.
    result.flushSkipped = true;
    result.flushStuck = true;
    log.warn({ err: error }, `cannot take the flush lock; readings stay buffered: ${messageOf(error)}`);
    return;
  }
  if (lock.tookOverFrom) log.warn({ staleHolder: lock.tookOverFrom }, 'took over the flush lock of a dead run');
  let store: Store | undefined;
  try {
    const deadline = started + budgetMs;
    store = await input.openStore();
    result.flush = await flushBuffer(buffer, store, log, { deadline });
    log.info({ ...result.flush, store: store.location }, 'buffer flushed');
  } catch (error) {
    result.storeError = messageOf(error);
    result.storeNeedsAttention = !isTransientStoreError(error);
    // A warning, not an error: the reading is recorded (buffered), and a cron line failing every
    // minute would flood the mailbox. `transient: false` marks faults that need a person.
    log.warn(
      { err: error, buffered: buffer.list().length, transient: !result.storeNeedsAttention },
      'store unreachable; readings stay in the buffer until the next run',
    );
  } finally {
    await store?.close().catch(() => undefined);
    lock.release();
  }
}
