/**
 * `--sensor gpio`: sysfs (onoff) where the kernel still offers it, libgpiod's gpioget where sysfs
 * is missing or refuses the line. The description says which one answered.
 */
import type { Reading } from '../domain/records.js';
import { sysfsGpioAvailable } from './gpio-chips.js';
import { GpiodSensor } from './gpiod-sensor.js';
import { type Sensor, SensorError } from './sensor.js';
import { SysfsGpioSensor } from './sysfs-sensor.js';

export interface GpioDriverOptions {
  pin: number;
  activeLow?: boolean;
  sysfsRoot?: string;
  gpioget?: string;
  gpiodetect?: string;
}

export class AutoGpioSensor implements Sensor {
  private readonly sysfs: SysfsGpioSensor;
  private readonly gpiod: GpiodSensor;
  private last: Sensor;

  constructor(private readonly options: GpioDriverOptions) {
    this.sysfs = new SysfsGpioSensor(options);
    this.gpiod = new GpiodSensor(options);
    this.last = this.sysfs;
  }

  get description(): string {
    return this.last.description;
  }

  async read(): Promise<Reading> {
    if (!sysfsGpioAvailable(this.options.sysfsRoot ?? '/sys')) return this.readGpiod(undefined);
    // A pin past the controller's lines is past them for gpiod too: that error is final.
    await this.sysfs.line();
    try {
      this.last = this.sysfs;
      return await this.sysfs.read();
    } catch (error) {
      // Anything sysfs says now (EINVAL from a kernel that refuses the export, EBUSY, no onoff) may
      // not hold for the character device.
      return this.readGpiod(error as Error);
    }
  }

  private async readGpiod(sysfsError: Error | undefined): Promise<Reading> {
    this.last = this.gpiod;
    try {
      return await this.gpiod.read();
    } catch (error) {
      if (!(error instanceof SensorError)) throw error;
      if (sysfsError === undefined) {
        if (error.reason !== 'missing') throw error;
        throw new SensorError(`no GPIO interface: sysfs GPIO is missing and ${error.message}`, 'missing');
      }
      // sysfs said something useful; gpiod is not installed: report the sysfs problem only.
      if (error.reason === 'missing') throw sysfsError;
      throw new SensorError(`${sysfsError.message}; gpiod fallback: ${error.message}`, error.reason);
    }
  }
}
