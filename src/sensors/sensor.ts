import type { Reading } from '../domain/records.js';

/** Anything that can tell, right now, whether grid power is present. */
export interface Sensor {
  /** Human-readable description for logs (`gpio BCM 4 (sysfs 516)`, `file /sys/...`). */
  readonly description: string;
  /** Reads once. `at` is the reading's timestamp (used by the simulated sensor). */
  read(at: Date): Promise<Reading>;
}

/** A sensor failure the user can act on: the message says what to do. */
export class SensorError extends Error {
  override name = 'SensorError';
}
