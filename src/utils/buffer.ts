/**
 * The file buffer: every reading is written to `buffer/<mode>/<ts>.json` before any network is
 * touched, and a file is deleted only after the store has accepted its reading. Names and JSON are
 * the Python version's, so its leftover files flush the same way.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Series } from '../domain/keys.js';
import { type MinuteRecord, validateMinuteRecord } from '../domain/records.js';

export const REJECTED_DIR = 'rejected';

export interface BufferedFile {
  /** File name inside the mode folder, e.g. `2025-06-21T19:00:03.241969+00:00.json`. */
  name: string;
  path: string;
}

export type BufferedRead =
  | { ok: true; file: BufferedFile; record: MinuteRecord }
  | { ok: false; file: BufferedFile; reason: string };

/** Writes `data` to `path` so that a crash leaves either the whole file or none: temp, fsync, rename. */
export function writeFileAtomic(path: string, data: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(path.slice(0, path.lastIndexOf('/')) || '.');
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  }
}

export class FileBuffer {
  readonly dir: string;

  constructor(root: string, mode: string) {
    this.dir = join(root, mode);
  }

  /** Buffers one reading atomically and returns its file. Throws on disk errors (no space, no permission). */
  write(record: MinuteRecord): BufferedFile {
    mkdirSync(this.dir, { recursive: true });
    const name = `${record.ts}.json`;
    const path = join(this.dir, name);
    writeFileAtomic(path, JSON.stringify(record));
    return { name, path };
  }

  /** Buffered files, oldest first (names are timestamps). */
  list(): BufferedFile[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((name) => ({ name, path: join(this.dir, name) }));
  }

  /** Reads and validates a buffered file; a bad file is reported, never thrown. */
  read(file: BufferedFile, expected?: Series): BufferedRead {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file.path, 'utf8'));
    } catch (error) {
      return { ok: false, file, reason: `unreadable JSON: ${(error as Error).message}` };
    }
    const checked = validateMinuteRecord(raw, expected);
    return checked.ok ? { ok: true, file, record: checked.value } : { ok: false, file, reason: checked.reason };
  }

  remove(file: BufferedFile): void {
    rmSync(file.path, { force: true });
  }

  /** Moves a file out of the way into `rejected/` so it never blocks the files after it. */
  reject(file: BufferedFile): string {
    const dir = join(this.dir, REJECTED_DIR);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, file.name);
    renameSync(file.path, target);
    return target;
  }

  rejected(): string[] {
    try {
      return readdirSync(join(this.dir, REJECTED_DIR)).sort();
    } catch {
      return [];
    }
  }
}
