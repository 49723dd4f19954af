/** File helpers shared by the buffer, the notification outbox, reports and the installer. */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Names in `dir`; none when the folder does not exist (yet). Other errors are thrown. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Writes `data` to `path` so that a crash leaves either the whole file or none: temp, fsync, rename.
 * The temp file is `<path>.<pid>.tmp`; the buffer recognises that name to clean up after killed runs.
 */
export function writeFileAtomic(path: string, data: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    const bytes = Buffer.from(data);
    // writeSync may write less than asked; a short write must never be renamed into place.
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
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
