/**
 * The file buffer: every reading is written to `buffer/<mode>/<ts>.json` before any network is
 * touched, and a file is deleted only after the store has accepted its reading. Names and JSON are
 * the Python version's, so its leftover files flush the same way.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { parseItemKey, type Series } from '../domain/keys.js';
import { type MinuteRecord, type Validation, validateMinuteRecord } from '../domain/records.js';
import { parseTimestamp } from '../domain/time.js';
import { DEVICE_RULE, isDeviceAlias, isInTheFuture, PIN_RULE, parsePinNumber } from '../domain/validate.js';
import { listDir, moveAside, readRegularFile, unreadableReason, writeFileAtomic } from './files.js';
import { ownerAlive } from './lock.js';

export const REJECTED_DIR = 'rejected';
/** A reading's file is about 200 bytes; anything this large is not one, and is not read. */
export const MAX_BUFFER_FILE_BYTES = 64 * 1024;
/** Lock files inside the mode folder: one for flushing the buffer, one for aggregating the mode. */
export type LockName = 'flush' | 'aggregate';
/** A temp file of `writeFileAtomic`: `<name>.json.<pid>.<random>.tmp` (`<name>.json.<pid>.tmp` before). */
const TEMP_RE = /^(.+\.json|\.registered-series)\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/;
/** A temp file this old is abandoned even if its pid seems alive (pid reuse). */
const TEMP_STALE_MS = 10 * 60_000;

const DISK_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOTDIR: 'a path component is not a folder',
  EIO: 'input/output error',
};

export interface BufferedFile {
  /** File name inside the mode folder, e.g. `2025-06-21T19:00:03.241969+00:00.json`. */
  name: string;
  path: string;
}

export type BufferedRead =
  | { ok: true; file: BufferedFile; record: MinuteRecord }
  | { ok: false; file: BufferedFile; reason: string };

/**
 * `mkdir -p` that reports the real cause: Node's recursive mkdir says ENOENT where the parent
 * exists but is read-only, so the last step is repeated without `recursive` to get EROFS/EACCES.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(dirname(dir))) throw error;
    mkdirSync(dir);
  }
}

/** The rule of `read-pin --at`: a reading from the future could not have been taken. */
export function futureReason(record: MinuteRecord, now: Date): string | undefined {
  const at = parseTimestamp(record.ts);
  return at && isInTheFuture(at, now)
    ? `dated in the future (${record.ts}; the clock says ${now.toISOString()})`
    : undefined;
}

/**
 * The checks every buffered reading passes before it is stored (also those `blackout-import` reads):
 * a valid item of the series, if one is expected, in canonical form; the series in its key follows
 * the command line's rules (device alias, pin 0-53); and, given the clock, not dated in the future.
 */
export function checkBufferedRecord(raw: unknown, expected?: Series, now?: Date): Validation<MinuteRecord> {
  const checked = validateMinuteRecord(raw, expected);
  if (!checked.ok) return checked;
  const future = now && futureReason(checked.value, now);
  if (future) return { ok: false, reason: future };
  const series = parseItemKey('minutes', checked.value)?.series;
  const device = series?.device ?? '';
  if (!isDeviceAlias(device)) {
    return { ok: false, reason: `invalid device in pk ${JSON.stringify(device)}: ${DEVICE_RULE}` };
  }
  const pin = String(series?.pin ?? '');
  if (parsePinNumber(pin) === undefined) {
    return { ok: false, reason: `invalid pin in pk ${JSON.stringify(pin)}: ${PIN_RULE}` };
  }
  return checked;
}

export class FileBuffer {
  readonly dir: string;

  constructor(root: string, mode: string) {
    this.dir = join(root, mode);
  }

  /** Buffers one reading atomically and returns its file. Throws on disk errors (no space, no permission). */
  write(record: MinuteRecord): BufferedFile {
    const name = `${record.ts}.json`;
    const path = join(this.dir, name);
    try {
      makeDir(this.dir);
      writeFileAtomic(path, JSON.stringify(record));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason = DISK_ERRORS[e.code ?? ''] ?? e.message;
      throw Object.assign(
        new Error(`cannot buffer the reading in ${this.dir}: ${reason}${e.code ? ` (${e.code})` : ''}`),
        {
          code: e.code,
        },
      );
    }
    return { name, path };
  }

  /** Buffered files, oldest first (names are timestamps). */
  list(): BufferedFile[] {
    return listDir(this.dir)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((name) => ({ name, path: join(this.dir, name) }));
  }

  /**
   * Reads and validates a buffered file; a bad file is reported, never thrown. The series in its
   * key must follow the same rules as the command line (device alias, pin 0-53).
   */
  read(file: BufferedFile, expected?: Series, now?: Date): BufferedRead {
    const content = readRegularFile(file.path, MAX_BUFFER_FILE_BYTES);
    if (!content.ok) return { ok: false, file, reason: content.reason };
    let raw: unknown;
    try {
      raw = JSON.parse(content.text);
    } catch (error) {
      return { ok: false, file, reason: `unreadable JSON: ${unreadableReason(error)}` };
    }
    const checked = checkBufferedRecord(raw, expected, now);
    return checked.ok ? { ok: true, file, record: checked.value } : { ok: false, file, reason: checked.reason };
  }

  /** Path of a lock file for this mode (the folder is created). */
  lockPath(name: LockName): string {
    mkdirSync(this.dir, { recursive: true });
    return join(this.dir, `.${name}.lock`);
  }

  /** Path of a small state file of this mode (the folder is created): a dot file, never taken for a reading. */
  stateFilePath(name: 'registered-series'): string {
    mkdirSync(this.dir, { recursive: true });
    return join(this.dir, `.${name}`);
  }

  /**
   * Deletes temp files left by runs killed mid-write (their process is gone). A temp file is never
   * a reading yet: the reading exists only once renamed to `.json`. Returns the names removed.
   */
  removeAbandonedTemps(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const m = TEMP_RE.exec(name);
      if (!m) continue;
      const path = join(this.dir, name);
      let ageMs: number;
      try {
        ageMs = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue;
      }
      const pid = Number(m[2]);
      if (pid === process.pid) continue;
      const writerAlive = ownerAlive({ pid, host: hostname(), since: new Date().toISOString() });
      if (writerAlive && ageMs < TEMP_STALE_MS) continue;
      rmSync(path, { force: true });
      removed.push(name);
    }
    return removed;
  }

  remove(file: BufferedFile): void {
    rmSync(file.path, { force: true });
  }

  /**
   * Removes many files at once. Unlinks are issued in parallel on libuv's thread pool: each one waits
   * on the file system journal, and one at a time a day's backlog took seconds on slow disks.
   */
  async removeAll(files: readonly BufferedFile[]): Promise<void> {
    // unlink, not rm: rm stats every file first; a file already gone is fine, like rmSync's force.
    await Promise.all(
      files.map((file) =>
        unlink(file.path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        }),
      ),
    );
  }

  /** Moves a file out of the way into `rejected/` so it never blocks the files after it. */
  reject(file: BufferedFile): string {
    return moveAside(file.path, join(this.dir, REJECTED_DIR), file.name);
  }

  rejected(): string[] {
    try {
      return readdirSync(join(this.dir, REJECTED_DIR)).sort();
    } catch {
      return [];
    }
  }
}
