import { UsageError } from '../domain/validate.js';
import { FileSensor } from './file-sensor.js';
import { GpioSensor } from './gpio-sensor.js';
import type { Sensor } from './sensor.js';
import { SimulatedSensor } from './simulated-sensor.js';

export type { Sensor } from './sensor.js';
export { SensorError } from './sensor.js';

export interface SensorChoice {
  /** `gpio`, `simulate` or `file:PATH`. */
  spec: string;
  pin: number;
  activeLow: boolean;
}

/** Checks a `--sensor` value without touching hardware (usage errors come before any I/O). */
export function parseSensorSpec(spec: string): string {
  if (spec === 'gpio' || spec === 'simulate') return spec;
  if (spec.startsWith('file:') && spec.length > 5) return spec;
  throw new UsageError(`invalid sensor ${JSON.stringify(spec)}: gpio, simulate or file:PATH`);
}

export function createSensor(choice: SensorChoice): Sensor {
  if (choice.spec === 'simulate') return new SimulatedSensor();
  if (choice.spec.startsWith('file:')) return new FileSensor(choice.spec.slice(5));
  return new GpioSensor({ pin: choice.pin, activeLow: choice.activeLow });
}
