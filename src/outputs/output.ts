/**
 * An output: somewhere the minute job reports the power besides the store (Svitlobot, Home Assistant
 * over MQTT, a Prometheus textfile). Outputs run after the flush, side by side, each bounded by the
 * run's remaining budget; they return or throw, and the runner logs with secrets removed.
 */
import type { Series } from '../domain/keys.js';
import type { PowerState } from '../domain/power-events.js';
import type { MinuteRecord } from '../domain/records.js';
import { parseTimestamp } from '../domain/time.js';

export type OutputName = 'svitlobot' | 'mqtt' | 'prometheus';

/** A reading older than this is no news about the power now (a backlog flush, an `--at` backfill). */
export const FRESH_READING_MS = 2 * 60_000;

/** Taken at most two minutes before `now` (and not from a clock far ahead of it). */
export function isFreshReading(ts: string, now: Date): boolean {
  const at = parseTimestamp(ts);
  if (!at) return false;
  const age = now.getTime() - at.getTime();
  return age <= FRESH_READING_MS && age >= -FRESH_READING_MS;
}

/** What the run knows when the outputs go: its own reading and the power state after it. */
export interface OutputSnapshot {
  series: Series;
  /** The run's clock. */
  now: Date;
  /** This run's reading (none for --flush-only). */
  record?: MinuteRecord;
  /** The power state the notifier keeps, after this run's readings; undefined before the first one. */
  power?: PowerState;
  /** Readings still in the buffer after the flush. */
  bufferedReadings(): number;
}

export interface OutputLimits {
  /** Aborted when the run's budget is spent: whatever is in flight is dropped. */
  signal: AbortSignal;
  /** Per request (connect, HTTP call), never past the budget. */
  timeoutMs: number;
}

export interface Output {
  readonly name: OutputName;
  /** Where it goes, safe to log (no keys, no passwords). */
  readonly target: string;
  /** Values that must never appear in a log line. */
  readonly secrets: readonly string[];
  /** Whether it needs the power state (the notifier then keeps one even without channels). */
  readonly needsPowerState: boolean;
  /** Sends; resolves with a reason when there was nothing to send, throws when it failed. */
  publish(snapshot: OutputSnapshot, limits: OutputLimits): Promise<{ skipped?: string }>;
}
