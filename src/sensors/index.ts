import { AutoGpioSensor } from './auto-gpio-sensor.js';
import { FileSensor } from './file-sensor.js';
import { GpiodSensor } from './gpiod-sensor.js';
import type { Sensor } from './sensor.js';
import { SimulatedSensor } from './simulated-sensor.js';
import { SysfsGpioSensor } from './sysfs-sensor.js';

export type { Sensor } from './sensor.js';

/** GPIO drivers: `gpio` picks sysfs or gpiod by what the machine offers; the others force one. */
const GPIO_SENSORS = ['gpio', 'onoff', 'gpiod'] as const;

export interface SensorChoice {
  /** `gpio`, `onoff`, `gpiod`, `simulate` or `file:PATH`. */
  spec: string;
  pin: number;
  activeLow: boolean;
  /** sysfs root for the gpiochip lookup (default `/sys`). */
  sysfsRoot?: string;
  /** `gpioget` binary (default: looked up in PATH). */
  gpioget?: string;
}

export const SENSOR_RULE = 'gpio, onoff, gpiod, simulate or file:PATH';

/** A `--sensor` value, checked without touching hardware (usage errors come before any I/O). */
export function isSensorSpec(spec: string): boolean {
  return (
    (GPIO_SENSORS as readonly string[]).includes(spec) ||
    spec === 'simulate' ||
    (spec.startsWith('file:') && spec.length > 5)
  );
}

export function isGpioSensor(spec: string): boolean {
  return (GPIO_SENSORS as readonly string[]).includes(spec);
}

export function createSensor(choice: SensorChoice): Sensor {
  if (choice.spec === 'simulate') return new SimulatedSensor();
  if (choice.spec.startsWith('file:')) return new FileSensor(choice.spec.slice(5));
  const options = {
    pin: choice.pin,
    activeLow: choice.activeLow,
    ...(choice.sysfsRoot ? { sysfsRoot: choice.sysfsRoot } : {}),
    ...(choice.gpioget ? { gpioget: choice.gpioget } : {}),
  };
  if (choice.spec === 'onoff') return new SysfsGpioSensor(options);
  if (choice.spec === 'gpiod') return new GpiodSensor(options);
  return new AutoGpioSensor(options);
}
