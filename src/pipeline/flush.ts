/**
 * Buffer → store. Files are deleted only after the store accepted (or already held) their reading;
 * invalid files and conflicting readings go to `rejected/` so they never block the rest.
 */

import { existsSync } from 'node:fs';
import { keyText } from '../domain/keys.js';
import type { MinuteRecord } from '../domain/records.js';
import { chunk, type PutMinutesResult, type Store } from '../stores/store.js';
import type { BufferedFile, FileBuffer } from '../utils/buffer.js';
import type { Logger } from '../utils/log.js';

/**
 * Readings per store call, unless told otherwise (also `blackout-import`'s batches). A day offline
 * (1,440) and then some fit one call: on DynamoDB one round of BatchGetItem and two of BatchWriteItem
 * instead of two calls of (1 + 2) and (1 + 1) rounds one after the other.
 */
export const FLUSH_BATCH_SIZE = 1500;

export interface FlushResult {
  stored: number;
  duplicates: number;
  rejected: number;
  /** Files left for the next run (deadline reached). */
  remaining: number;
}

export interface FlushOptions {
  /**
   * Time (ms since epoch) after which no store call is started, and one under way is cancelled (its
   * requests aborted): the rest stays buffered for the next run. A call cut short may or may not have
   * stored its readings; their files stay, and the next run finds them stored (a no-op) or stores them.
   */
  deadline?: number;
  /** Readings per store call. */
  batchSize?: number;
  /** The clock buffered files are checked against (a file dated after it is refused). */
  now?: Date;
}

export async function flushBuffer(
  buffer: FileBuffer,
  store: Store,
  log: Logger,
  options: FlushOptions = {},
): Promise<FlushResult> {
  const result: FlushResult = { stored: 0, duplicates: 0, rejected: 0, remaining: 0 };
  const abandoned = buffer.removeAbandonedTemps();
  if (abandoned.length > 0) log.warn({ files: abandoned }, 'removed temp files of runs killed mid-write');
  const files = buffer.list();
  const valid: { record: MinuteRecord; file: BufferedFile }[] = [];
  for (const file of files) {
    if (!existsSync(file.path)) continue;
    const read = buffer.read(file, undefined, options.now ?? new Date());
    if (read.ok) {
      valid.push({ record: read.record, file });
      continue;
    }
    rejectFile(buffer, file, `rejected buffered file: ${read.reason}`, log, { reason: read.reason });
    result.rejected++;
  }
  const batches = chunk(valid, options.batchSize ?? FLUSH_BATCH_SIZE);
  for (const [i, batch] of batches.entries()) {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      result.remaining = batches.slice(i).reduce((n, b) => n + b.length, 0);
      log.warn({ remaining: result.remaining }, 'flush deadline reached; the rest stays buffered for the next run');
      break;
    }
    const fileOf = new Map(batch.map(({ record, file }) => [record, file]));
    const signal =
      options.deadline === undefined ? undefined : AbortSignal.timeout(Math.max(0, options.deadline - Date.now()));
    let put: PutMinutesResult;
    try {
      put = await store.putMinutes(
        batch.map((b) => b.record),
        { signal },
      );
    } catch (error) {
      // Whatever the call failed with once the deadline fired, it was the deadline that stopped it.
      if (!signal?.aborted) throw error;
      result.remaining = batches.slice(i).reduce((n, b) => n + b.length, 0);
      log.warn({ remaining: result.remaining }, 'flush deadline reached; the rest stays buffered for the next run');
      break;
    }
    const accepted = [...put.stored, ...put.duplicates].map((record) => fileOf.get(record));
    await buffer.removeAll(accepted.filter((file): file is BufferedFile => file !== undefined));
    for (const { incoming, existing } of put.conflicts) {
      const file = fileOf.get(incoming);
      if (!file) continue;
      const state = (r: MinuteRecord): string => `${r.reading === 1 ? 'ON' : 'OFF'} at ${r.ts}`;
      const message = `minute already holds another reading (stored ${state(existing)}, buffered ${state(incoming)}); kept the stored one`;
      rejectFile(buffer, file, message, log, {
        key: keyText(incoming),
        bufferedTs: incoming.ts,
        bufferedReading: String(incoming.reading),
        storedTs: existing.ts,
        storedReading: String(existing.reading),
      });
      result.rejected++;
    }
    result.stored += put.stored.length;
    result.duplicates += put.duplicates.length;
  }
  return result;
}

/**
 * Moves a file into `rejected/`, logging `message`. One file's problem never stops the others: a
 * file that cannot be moved (a plain file named `rejected`, a folder owned by root) is left where it
 * is, said in the log, and the flush goes on.
 */
function rejectFile(
  buffer: FileBuffer,
  file: BufferedFile,
  message: string,
  log: Logger,
  fields: Record<string, string> = {},
): void {
  try {
    const movedTo = buffer.reject(file);
    log.warn({ file: file.name, movedTo, ...fields }, message);
  } catch (error) {
    log.warn({ file: file.name, err: error, ...fields }, `${message} (left in place: cannot move it to rejected/)`);
  }
}
