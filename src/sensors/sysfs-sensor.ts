/**
 * GPIO through the kernel's sysfs interface, read with onoff. The line number comes from the
 * gpiochip base under `sysfsRoot` (see gpio-chips.ts). onoff itself always talks to
 * /sys/class/gpio, so a different `sysfsRoot` only changes the lookup, never where onoff writes.
 */
import type { Reading } from '../domain/records.js';
import { messageOf } from '../utils/errors.js';
import { sysfsGpioAvailable, sysfsLineFor } from './gpio-chips.js';
import { type Sensor, SensorError } from './sensor.js';

export interface SysfsGpioOptions {
  pin: number;
  /** Invert: the relay pulls the pin low while there is power. */
  activeLow?: boolean;
  /** Root of sysfs, `/sys` on a real system; a temp tree in tests. */
  sysfsRoot?: string;
}

export const NO_PERMISSION_FIX = 'add the user to the gpio group (sudo adduser $USER gpio) and log in again';

/** Turns an errno from writing/reading sysfs GPIO files into a message that says what to do. */
export function explainSysfsError(error: unknown, pin: number, line: number): SensorError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `GPIO ${pin} (sysfs ${line})`;
  if (code === 'EACCES' || code === 'EPERM') {
    return new SensorError(`no permission for ${where}: ${NO_PERMISSION_FIX}`, 'permission');
  }
  if (code === 'EBUSY') {
    return new SensorError(`${where} is busy: another program or driver holds it (see gpioinfo)`, 'busy');
  }
  if (code === 'EINVAL') return new SensorError(`${where} is not a valid line on this machine`, 'range');
  if (code === 'ENOENT') {
    return new SensorError('no sysfs GPIO on this machine (/sys/class/gpio/export missing)', 'missing');
  }
  return new SensorError(`cannot read ${where}: ${messageOf(error)}`);
}

export class SysfsGpioSensor implements Sensor {
  description: string;

  constructor(private readonly options: SysfsGpioOptions) {
    this.description = `gpio BCM ${options.pin} via sysfs${options.activeLow ? ' active-low' : ''}`;
  }

  /** The sysfs line number for the pin (throws SensorError when the pin is out of range). */
  line(): Promise<number> {
    return sysfsLineFor(this.options.pin, this.options.sysfsRoot ?? '/sys');
  }

  async read(): Promise<Reading> {
    const { pin, activeLow = false, sysfsRoot = '/sys' } = this.options;
    if (!sysfsGpioAvailable(sysfsRoot)) {
      throw new SensorError(`no sysfs GPIO on this machine (${sysfsRoot}/class/gpio/export missing)`, 'missing');
    }
    const line = await this.line();
    this.description = `gpio BCM ${pin} (sysfs ${line})${activeLow ? ' active-low' : ''}`;
    // onoff is loaded only when a GPIO is really read: it needs a native module and sysfs.
    let Gpio: typeof import('onoff').Gpio;
    try {
      ({ Gpio } = await import('onoff'));
    } catch (error) {
      throw new SensorError(`cannot load onoff (sysfs GPIO): ${messageOf(error)}`, 'missing');
    }
    if (!Gpio.accessible) throw explainSysfsError(Object.assign(new Error('no GPIO'), { code: 'ENOENT' }), pin, line);
    let gpio: InstanceType<typeof Gpio> | undefined;
    try {
      gpio = new Gpio(line, 'in', 'none', { activeLow });
      return gpio.readSync() === 1 ? 1 : 0;
    } catch (error) {
      throw explainSysfsError(error, pin, line);
    } finally {
      try {
        gpio?.unexport();
      } catch {
        // Leaving the line exported is harmless; the reading is what matters.
      }
    }
  }
}
