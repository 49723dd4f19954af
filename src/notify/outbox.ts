/**
 * On-disk notification state for one mode, device and pin, next to the reading buffer:
 *
 *   <buffer-dir>/<mode>/notify/state-<device>-pin<pin>.json     last known power state (PowerState)
 *   <buffer-dir>/<mode>/notify/outbox-<device>-pin<pin>/<seq>.json   one event + its per-channel delivery state
 *   <buffer-dir>/<mode>/notify/lock-…, deliver-lock-…         held while a run updates the state / delivers
 *
 * Every write is atomic (temp file, fsync, rename), so a kill at any moment leaves the old or the new file.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { zeroPad } from '../domain/format.js';
import type { Series } from '../domain/keys.js';
import { type PowerEvent, type PowerState, parsePowerEvent, parsePowerState } from '../domain/power-events.js';
import { FileBuffer } from '../utils/buffer.js';
import { listDir, moveAside, readRegularFile, unreadableReason, writeFileAtomic } from '../utils/files.js';
import { tryLock } from '../utils/lock.js';
import type { ChannelId } from './channels/channel.js';
import type { ScheduleNote } from './messages.js';

const NOTIFY_DIR = 'notify';

export interface Delivery {
  attempts: number;
  sentAt?: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  lastError?: string;
  /** Set when the event was dropped for this channel (too old); the reason. */
  gaveUp?: string;
}

export interface OutboxEntry {
  event: PowerEvent;
  createdAt: string;
  /** What the outage schedule said when the event was queued (`--notify-unplanned`). */
  schedule?: ScheduleNote;
  deliveries: Partial<Record<ChannelId, Delivery>>;
}

export interface OutboxFile {
  name: string;
  path: string;
  seq: number;
}

export type OutboxRead =
  | { ok: true; file: OutboxFile; entry: OutboxEntry }
  | { ok: false; file: OutboxFile; reason: string };

const SEQ_FILE_RE = /^(\d{10})\.json$/;

function parseEntry(raw: unknown): OutboxEntry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { event, createdAt, deliveries } = raw as Record<string, unknown>;
  const parsed = parsePowerEvent(event);
  if (!parsed || typeof createdAt !== 'string' || typeof deliveries !== 'object' || deliveries === null)
    return undefined;
  const { schedule, ...entry } = raw as OutboxEntry;
  // A damaged note is dropped, not the event: the message then says nothing of the schedule.
  return isScheduleNote(schedule) ? { ...entry, schedule } : entry;
}

function isScheduleNote(value: unknown): value is ScheduleNote {
  if (typeof value !== 'object' || value === null) return false;
  const { group, window } = value as Record<string, unknown>;
  if (group !== null && typeof group !== 'string') return false;
  if (window === null) return true;
  if (typeof window !== 'object' || window === undefined) return false;
  const { start, end } = window as Record<string, unknown>;
  return (
    typeof start === 'string' &&
    typeof end === 'string' &&
    !Number.isNaN(Date.parse(start)) &&
    !Number.isNaN(Date.parse(end))
  );
}

/** State and outbox entries are a few KiB; anything larger is not one of them. */
const MAX_NOTIFY_FILE_BYTES = 256 * 1024;

export class NotifyFiles {
  readonly dir: string;
  readonly statePath: string;
  readonly outboxDir: string;
  readonly lockPath: string;
  readonly deliveryLockPath: string;

  constructor(bufferDir: string, mode: string, series: Series) {
    const name = `${series.device}-pin${series.pin}`;
    this.dir = join(bufferDir, mode, NOTIFY_DIR);
    this.statePath = join(this.dir, `state-${name}.json`);
    this.outboxDir = join(this.dir, `outbox-${name}`);
    this.lockPath = join(this.dir, `lock-${name}`);
    this.deliveryLockPath = join(this.dir, `deliver-lock-${name}`);
  }

  /** The saved state; `undefined` when there is none. A corrupt file is moved aside and reported. */
  loadState(): { state?: PowerState; problem?: string } {
    if (!existsSync(this.statePath)) return {};
    // Only a regular file is read (a FIFO would block the minute job); anything else is moved aside.
    const content = readRegularFile(this.statePath, MAX_NOTIFY_FILE_BYTES);
    const text = content.ok ? content.text : '';
    let state: PowerState | undefined;
    try {
      state = parsePowerState(JSON.parse(text));
    } catch {
      state = undefined;
    }
    if (state) return { state };
    const aside = moveAside(this.statePath, this.dir, `${basename(this.statePath)}.bad`);
    return { problem: `unreadable notification state moved to ${aside}; starting afresh` };
  }

  saveState(state: PowerState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.statePath, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  }

  private fileFor(seq: number): OutboxFile {
    const name = `${zeroPad(seq, 10)}.json`;
    return { name, path: join(this.outboxDir, name), seq };
  }

  /**
   * Queues an event. An event already queued under the same number is kept as it is: it was written by
   * a run that died before saving the state, and it may already carry delivery progress.
   */
  add(event: PowerEvent, createdAt: Date, schedule?: ScheduleNote): boolean {
    mkdirSync(this.outboxDir, { recursive: true, mode: 0o700 });
    const file = this.fileFor(event.seq);
    try {
      statSync(file.path);
      return false;
    } catch {
      // Not queued yet.
    }
    const entry: OutboxEntry = {
      event,
      createdAt: createdAt.toISOString(),
      ...(schedule ? { schedule } : {}),
      deliveries: {},
    };
    writeFileAtomic(file.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    return true;
  }

  /** Queued events, oldest first. */
  list(): OutboxFile[] {
    return listDir(this.outboxDir)
      .map((name) => SEQ_FILE_RE.exec(name)?.[1])
      .filter((seq): seq is string => seq !== undefined)
      .map((seq) => this.fileFor(Number(seq)))
      .sort((a, b) => a.seq - b.seq);
  }

  /** Highest queued event number, so a lost state file never reuses a queued number. */
  maxQueuedSeq(): number {
    return this.list().reduce((max, f) => Math.max(max, f.seq), 0);
  }

  read(file: OutboxFile): OutboxRead {
    try {
      const content = readRegularFile(file.path, MAX_NOTIFY_FILE_BYTES);
      if (!content.ok) return { ok: false, file, reason: content.reason };
      const entry = parseEntry(JSON.parse(content.text));
      return entry ? { ok: true, file, entry } : { ok: false, file, reason: 'not an outbox entry' };
    } catch (error) {
      return { ok: false, file, reason: `unreadable: ${unreadableReason(error)}` };
    }
  }

  update(file: OutboxFile, entry: OutboxEntry): void {
    writeFileAtomic(file.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  remove(file: OutboxFile): void {
    rmSync(file.path, { force: true });
  }

  /** Moves an unreadable entry aside so it never blocks the events after it. */
  reject(file: OutboxFile): string {
    return moveAside(file.path, join(this.outboxDir, 'rejected'), file.name);
  }

  /** Deletes temp files of runs killed mid-write (same rule as the reading buffer's). Returns their number. */
  removeAbandonedTemps(): number {
    // FileBuffer(root, name) works on `root/name`: reuse its temp-file rule for these two folders.
    const folders = [
      new FileBuffer(join(this.dir, '..'), NOTIFY_DIR),
      new FileBuffer(this.dir, basename(this.outboxDir)),
    ];
    return folders.reduce((n, folder) => n + folder.removeAbandonedTemps().length, 0);
  }

  /**
   * Takes a lock file, so two overlapping runs never lose a state update (`state`) or send the same
   * event twice (`delivery`). Returns the release function, or undefined while another live run holds it.
   * A lock left by a killed run is taken over (see utils/lock.ts).
   */
  lock(which: 'state' | 'delivery'): (() => void) | undefined {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const attempt = tryLock(which === 'state' ? this.lockPath : this.deliveryLockPath);
    return attempt.acquired ? () => attempt.lock.release() : undefined;
  }
}
