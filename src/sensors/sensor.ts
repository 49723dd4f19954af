import type { Reading } from '../domain/records.js';

/** Anything that can tell, right now, whether grid power is present. */
export interface Sensor {
  /** Human-readable description for logs (`gpio BCM 4 (sysfs 516)`, `file /sys/...`). */
  readonly description: string;
  /** Reads once. `at` is the reading's timestamp (used by the simulated sensor). */
  read(at: Date): Promise<Reading>;
}

/** Why a sensor could not be read, for callers that react differently (fallback, doctor fixes). */
export type SensorFailure = 'permission' | 'busy' | 'range' | 'missing' | 'other';

/** A sensor failure the user can act on: the message says what to do. */
export class SensorError extends Error {
  override name = 'SensorError';

  constructor(
    message: string,
    readonly reason: SensorFailure = 'other',
  ) {
    super(message);
  }
}
