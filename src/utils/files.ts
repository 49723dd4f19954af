/** File helpers shared by the buffer, the notification outbox, reports and the installer. */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Names in `dir`; none when the folder does not exist (yet). Other errors are thrown. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Created new (never an existing file or a planted symlink), for this process only. */
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes `data` to `path` so that a crash leaves either the whole file or none: temp, fsync, rename.
 * The temp file `<path>.<pid>.<random>.tmp` is created exclusively in the target folder, so a name
 * planted there (a symlink to another file, in a shared folder) makes the write fail instead of
 * writing through it; the buffer recognises the name to clean up after killed runs. `mode` is the new
 * file's permission (0600 for files that may name secrets).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, EXCLUSIVE, options.mode ?? 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
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

/**
 * Moves `path` into `dir` as `name`, or `name.1`, `name.2`, … when that is taken: an earlier file
 * moved aside under the same name is never replaced (both are evidence). Returns the new path.
 */
export function moveAside(path: string, dir: string, name: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let n = 0; ; n++) {
    const target = join(dir, n === 0 ? name : `${name}.${n}`);
    try {
      // link fails when the name exists (rename would replace it); the path then goes.
      linkSync(path, target);
      unlinkSync(path);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // A folder cannot be hard-linked: renamed onto a name that is free.
      if (code !== 'EPERM' || existsSync(target)) throw error;
    }
    renameSync(path, target);
    return target;
  }
}

/**
 * Why a file could not be read as JSON, without quoting any of it: JSON.parse's message shows the
 * text near the error, and a file may be anything (a symlink to /etc/shadow).
 */
export function unreadableReason(error: unknown): string {
  if (error instanceof SyntaxError) return 'not valid JSON';
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `cannot read it (${code})` : 'cannot read it';
}

export type RegularFileRead = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Reads a regular file of at most `maxBytes`, and nothing else: a FIFO would block the event loop
 * (so no deadline could fire), a device or socket is not data, a symlink may point anywhere (it is
 * not followed), and a huge file is refused unread.
 */
export function readRegularFile(
  path: string,
  maxBytes: number,
  options: { followSymlinks?: boolean } = {},
): RegularFileRead {
  const follow = options.followSymlinks === true;
  // What the name is, without following it (a socket cannot even be opened); the open below refuses
  // anything swapped in since (O_NOFOLLOW, and fstat of what was opened).
  try {
    const entry = follow ? statSync(path) : lstatSync(path);
    if (entry.isSymbolicLink()) return { ok: false, reason: 'a symbolic link (not followed)' };
    if (!entry.isFile()) return { ok: false, reason: `not a regular file (${fileKind(entry)})` };
  } catch (error) {
    return { ok: false, reason: `cannot open it (${(error as NodeJS.ErrnoException).code})` };
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (follow ? 0 : constants.O_NOFOLLOW));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ELOOP' ? 'a symbolic link (not followed)' : `cannot open it (${code})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: `not a regular file (${fileKind(stat)})` };
    if (stat.size > maxBytes) return { ok: false, reason: `too large (${stat.size} bytes, at most ${maxBytes})` };
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, text: bytes.subarray(0, read).toString('utf8') };
  } catch (error) {
    return { ok: false, reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}

function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a file';
}
