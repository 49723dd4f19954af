/**
 * A per-mode lock file, so two runs never flush the same buffer (or aggregate the same series) at
 * once. Non-blocking: a run that does not get the lock does not wait.
 *
 * The file is created with O_EXCL and names its holder: pid, the process start time (from /proc)
 * and the boot id. A lock is stale, and is taken over, when its holder is gone: the pid no longer
 * exists or is a zombie, the pid now belongs to another process (a different start time: pid
 * reuse), or the machine rebooted since (a different boot id). A file left empty by a SIGKILL
 * between create and write is stale once it is a few seconds old. Take-overs are serialised by a
 * short-lived guard file, so two runs that both see a stale lock cannot both end up holding it.
 */

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  openSync,
  readFileSync,
  type Stats,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { readRegularFile } from './files.js';

export interface LockOwner {
  pid: number;
  /** Process start time in clock ticks since boot (`/proc/<pid>/stat` field 22); absent off Linux. */
  start?: number;
  /** `/proc/sys/kernel/random/boot_id`; absent off Linux. */
  boot?: string;
  host: string;
  /** When the lock was taken (ISO). */
  since: string;
}

export interface HeldLock {
  path: string;
  owner: LockOwner;
  /** The stale owner this lock was taken over from, if any (for the log). */
  tookOverFrom?: LockOwner | 'unreadable';
  /**
   * Says the holder is still at work: `maxHoldMs` and the held-for time count from the lock file's
   * time, which this sets to now (a long run refreshes its lock so it is not taken for stuck).
   * False when the lock is no longer ours.
   */
  refresh(): boolean;
  release(): void;
}

export type LockAttempt =
  | { acquired: true; lock: HeldLock }
  | { acquired: false; holder: LockOwner | 'unreadable' /** How long the holder has had it. */; heldForMs?: number };

export interface LockOptions {
  /**
   * A lock held longer than this is stale whatever its holder's pid says: a run stuck that long (a
   * read that never returns) must not stop every later run.
   */
  maxHoldMs?: number;
}

/** A lock file without a readable owner younger than this is being written right now. */
const UNREADABLE_GRACE_MS = 5_000;
/** A take-over guard older than this was left by a killed process (a take-over takes microseconds). */
const GUARD_STALE_MS = 10_000;
/** A lock held on another host cannot be checked; it is trusted for this long. */
const FOREIGN_HOST_MAX_MS = 15 * 60_000;

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

let bootId: string | undefined | null = null;
function currentBootId(): string | undefined {
  if (bootId === null) bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
  return bootId;
}

interface ProcStat {
  state: string;
  start: number;
}

/** State and start time of a process from `/proc/<pid>/stat`, or undefined (gone, or no /proc). */
function procStat(pid: number): ProcStat | undefined {
  const text = readProc(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const start = Number(fields[19]);
  return { state: fields[0] ?? '?', start };
}

export function currentOwner(): LockOwner {
  const start = procStat(process.pid)?.start;
  const boot = currentBootId();
  return {
    pid: process.pid,
    ...(start !== undefined && Number.isFinite(start) ? { start } : {}),
    ...(boot ? { boot } : {}),
    host: hostname(),
    since: new Date().toISOString(),
  };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const raw = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isInteger(raw.pid) || (raw.pid ?? 0) <= 0 || typeof raw.host !== 'string') return undefined;
    if (typeof raw.since !== 'string') return undefined;
    return raw as LockOwner;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `owner` still runs. */
export function ownerAlive(owner: LockOwner, now = Date.now()): boolean {
  if (owner.host !== hostname()) {
    const age = now - Date.parse(owner.since);
    return Number.isFinite(age) && age < FOREIGN_HOST_MAX_MS;
  }
  const boot = currentBootId();
  if (owner.boot && boot && owner.boot !== boot) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if (errno(error) !== 'EPERM') return false;
  }
  const stat = procStat(owner.pid);
  // The pid exists; no stat file means no /proc, or /proc hides it (hidepid): nothing more to check.
  if (!stat) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  if (owner.start !== undefined && Number.isFinite(stat.start) && stat.start !== owner.start) return false;
  return true;
}

interface LockFileState {
  text: string;
  owner?: LockOwner;
  ageMs: number;
}

function readLockFile(path: string): LockFileState | undefined {
  try {
    // A lock file is one short line; a FIFO or a folder in its place must not block or pass for one.
    const content = readRegularFile(path, 4096);
    if (!content.ok) {
      let entry: Stats;
      try {
        entry = lstatSync(path);
      } catch {
        return undefined; // released meanwhile
      }
      if (!entry.isFile()) throw new Error(`${path} is not a lock file: ${content.reason}`);
      // Replaced by a racer between our look and our open: a lock being written, to be respected.
      return { text: '', ageMs: 0 };
    }
    const text = content.text;
    const ageMs = Date.now() - statSync(path).mtimeMs;
    const owner = parseOwner(text);
    return { text, ageMs, ...(owner ? { owner } : {}) };
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(state: LockFileState, options: LockOptions): boolean {
  if (options.maxHoldMs !== undefined && state.ageMs > options.maxHoldMs) return true;
  return state.owner ? !ownerAlive(state.owner) : state.ageMs > UNREADABLE_GRACE_MS;
}

/** Creates `path` exclusively with `content`; false if it already exists. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
  return true;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw error;
  }
}

/**
 * Under the guard: if the lock file still holds exactly the stale content seen before, replace it
 * with ours. Returns true when we now hold the lock.
 */
function takeOver(path: string, stale: LockFileState, content: string): boolean {
  const guard = `${path}.takeover`;
  if (!createExclusive(guard, String(process.pid))) {
    let guardAge = 0;
    try {
      guardAge = Date.now() - statSync(guard).mtimeMs;
    } catch {
      return false;
    }
    if (guardAge < GUARD_STALE_MS) return false;
    unlinkQuietly(guard);
    if (!createExclusive(guard, String(process.pid))) return false;
  }
  try {
    const again = readLockFile(path);
    if (again && again.text !== stale.text) return false;
    if (again) unlinkQuietly(path);
    return createExclusive(path, content);
  } finally {
    unlinkQuietly(guard);
  }
}

/**
 * Tries once to take the lock at `path` (its folder must exist). Never waits for a live holder.
 * Throws on file-system errors other than "already locked" (no permission, no space).
 */
export function tryLock(path: string, options: LockOptions = {}): LockAttempt {
  const owner = currentOwner();
  // A token of this take: two takes by one process in one millisecond are still told apart.
  const content = `${JSON.stringify({ ...owner, token: randomBytes(6).toString('hex') })}\n`;
  let tookOverFrom: LockOwner | 'unreadable' | undefined;
  let acquired = createExclusive(path, content);
  for (let attempt = 0; !acquired && attempt < 3; attempt++) {
    const state = readLockFile(path);
    if (!state) {
      acquired = createExclusive(path, content); // released in between
      continue;
    }
    if (!isStale(state, options))
      return { acquired: false, holder: state.owner ?? 'unreadable', heldForMs: state.ageMs };
    if (takeOver(path, state, content)) {
      acquired = true;
      tookOverFrom = state.owner ?? 'unreadable';
    }
  }
  if (!acquired) {
    const state = readLockFile(path);
    return { acquired: false, holder: state?.owner ?? 'unreadable', ...(state ? { heldForMs: state.ageMs } : {}) };
  }
  let released = false;
  return {
    acquired: true,
    lock: {
      path,
      owner,
      ...(tookOverFrom ? { tookOverFrom } : {}),
      refresh: () => {
        if (released || readLockFile(path)?.text !== content) return false;
        const now = new Date();
        utimesSync(path, now, now);
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        // Remove the file only if it is still ours (never someone's who took it over meanwhile).
        const state = readLockFile(path);
        if (state?.text === content) unlinkQuietly(path);
      },
    },
  };
}
