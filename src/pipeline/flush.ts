/**
 * Buffer → store. Files are deleted only after the store accepted (or already held) their reading;
 * invalid files and conflicting readings go to `rejected/` so they never block the rest.
 */
import type { MinuteRecord } from '../domain/records.js';
import { chunk, type Store } from '../stores/store.js';
import type { BufferedFile, FileBuffer } from '../utils/buffer.js';
import type { Logger } from '../utils/log.js';

export interface FlushResult {
  stored: number;
  duplicates: number;
  rejected: number;
  /** Files left for the next run (deadline reached). */
  remaining: number;
}

export interface FlushOptions {
  /** Stop starting new batches after this time (ms since epoch), leaving the rest for the next run. */
  deadline?: number;
  /** Readings per store call. */
  batchSize?: number;
}

export async function flushBuffer(
  buffer: FileBuffer,
  store: Store,
  log: Logger,
  options: FlushOptions = {},
): Promise<FlushResult> {
  const result: FlushResult = { stored: 0, duplicates: 0, rejected: 0, remaining: 0 };
  const files = buffer.list();
  const valid: { record: MinuteRecord; file: BufferedFile }[] = [];
  for (const file of files) {
    const read = buffer.read(file);
    if (read.ok) {
      valid.push({ record: read.record, file });
      continue;
    }
    const target = buffer.reject(file);
    result.rejected++;
    log.warn({ file: file.name, reason: read.reason, movedTo: target }, `rejected buffered file: ${read.reason}`);
  }
  const batches = chunk(valid, options.batchSize ?? 1000);
  for (const [i, batch] of batches.entries()) {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      result.remaining = batches.slice(i).reduce((n, b) => n + b.length, 0);
      log.warn({ remaining: result.remaining }, 'flush deadline reached; the rest stays buffered for the next run');
      break;
    }
    const fileOf = new Map(batch.map(({ record, file }) => [record, file]));
    const put = await store.putMinutes(batch.map((b) => b.record));
    for (const record of [...put.stored, ...put.duplicates]) {
      const file = fileOf.get(record);
      if (file) buffer.remove(file);
    }
    for (const { incoming, existing } of put.conflicts) {
      const file = fileOf.get(incoming);
      if (!file) continue;
      const target = buffer.reject(file);
      result.rejected++;
      log.warn(
        {
          file: file.name,
          key: `${incoming.pk} ${incoming.sk}`,
          bufferedTs: incoming.ts,
          storedTs: existing.ts,
          movedTo: target,
        },
        `minute already holds another reading (stored ${existing.ts}, buffered ${incoming.ts}); kept the stored one`,
      );
    }
    result.stored += put.stored.length;
    result.duplicates += put.duplicates.length;
  }
  return result;
}
