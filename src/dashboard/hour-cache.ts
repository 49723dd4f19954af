/**
 * The server's memory of complete hours' minute states (HourStatesCache of report/load.ts): a
 * report of 30 days reads the same finished hours on every request; this keeps them.
 */
import type { HourStatesCache } from '../report/load.js';

/** A year of hours for one series with every hour mixed: about 2.5 MB at most. */
export const HOUR_CACHE_ENTRIES = 9_000;

/** Least recently used entries leave first once `capacity` is reached. */
export class BoundedHourCache implements HourStatesCache {
  private readonly entries = new Map<string, Uint8Array>();

  constructor(private readonly capacity = HOUR_CACHE_ENTRIES) {}

  get(key: string): Uint8Array | undefined {
    const states = this.entries.get(key);
    if (states) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(key);
      this.entries.set(key, states);
    }
    return states;
  }

  set(key: string, states: Uint8Array): void {
    this.entries.delete(key);
    this.entries.set(key, states);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
