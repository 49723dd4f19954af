/** Readings waiting on disk: normal for a few minutes during an outage, a problem when they pile up. */
import { join } from 'node:path';
import { parseTimestamp } from '../domain/time.js';
import { FileBuffer, REJECTED_DIR } from '../utils/buffer.js';
import { messageOf } from '../utils/errors.js';
import { type CheckResult, fail, formatAge, ok, warn } from './check.js';
import { checkFolder, type JobUser } from './folder-check.js';

export interface BufferInput {
  bufferDir: string;
  mode: string;
  now: Date;
  /** Oldest buffered reading older than this is a warning (the store is not taking them). */
  staleMs: number;
  /** The user the installed jobs run as, when known. */
  jobUser?: JobUser | undefined;
}

export function checkBuffer(input: BufferInput): CheckResult {
  const buffer = new FileBuffer(input.bufferDir, input.mode);
  // An unwritable buffer is not "empty": the readings could not be kept at all.
  const writable = checkFolder('buffer', buffer.dir, input.jobUser);
  if (writable.status !== 'ok') return writable;
  let files: ReturnType<FileBuffer['list']>;
  try {
    files = buffer.list();
  } catch (error) {
    return fail('buffer', `cannot list ${buffer.dir}: ${messageOf(error)}`, `check the folder's owner and permissions`);
  }
  const rejected = buffer.rejected();
  const oldest = files[0] ? parseTimestamp(files[0].name.replace(/\.json$/, '')) : undefined;
  const age = oldest ? input.now.getTime() - oldest.getTime() : 0;
  const parts = [
    files.length === 0
      ? 'empty'
      : `${files.length} waiting, oldest ${oldest ? `${formatAge(age)} old` : files[0]?.name}`,
  ];
  if (rejected.length > 0) parts.push(`${rejected.length} rejected in ${join(buffer.dir, REJECTED_DIR)}`);
  const message = `${buffer.dir}: ${parts.join('; ')}`;
  if (files.length > 0 && age > input.staleMs) {
    return warn('buffer', message, 'the store is not taking readings: run blackout-read-pin --flush-only --verbose');
  }
  if (rejected.length > 0) {
    return warn('buffer', message, 'inspect the rejected files (see the log for why) and delete them when done');
  }
  return ok('buffer', message);
}
