/**
 * GPIO through the kernel's sysfs interface (onoff), BCM numbering. Since kernel 6.6 sysfs numbers
 * lines from the gpiochip's base (Pi 4: 512, Pi 5: 571), so BCM 4 is found through the chip whose
 * label is the Pi's pin controller.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '../domain/records.js';
import { type Sensor, SensorError } from './sensor.js';

export const PI_GPIO_LABELS = ['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1'];

export interface GpioOptions {
  pin: number;
  /** Invert: the relay pulls the pin low while there is power. */
  activeLow?: boolean;
  /** Root of sysfs, `/sys` on a real system; a temp tree in tests. */
  sysfsRoot?: string;
}

export interface GpioChip {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

export async function listGpioChips(sysfsRoot: string): Promise<GpioChip[]> {
  const dir = join(sysfsRoot, 'class', 'gpio');
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const chips: GpioChip[] = [];
  for (const name of entries.filter((e) => /^gpiochip\d+$/.test(e))) {
    const read = (f: string) => readFile(join(dir, name, f), 'utf8').then((s) => s.trim());
    try {
      const [label, base, ngpio] = await Promise.all([read('label'), read('base'), read('ngpio')]);
      chips.push({ name, label, base: Number(base), ngpio: Number(ngpio) });
    } catch {
      // A chip folder without the usual files is not one we can use.
    }
  }
  return chips;
}

/** The sysfs number of BCM `pin`: base of the Pi's pin controller + pin; the pin itself on old kernels. */
export async function sysfsLineFor(pin: number, sysfsRoot = '/sys'): Promise<number> {
  const chips = await listGpioChips(sysfsRoot);
  const pi = chips.find((c) => PI_GPIO_LABELS.includes(c.label));
  if (!pi) return pin;
  if (pin >= pi.ngpio) {
    throw new SensorError(`GPIO ${pin} is out of range: ${pi.label} has lines 0-${pi.ngpio - 1}`);
  }
  return pi.base + pin;
}

function explain(error: unknown, pin: number, line: number): SensorError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new SensorError(
      `no permission for GPIO ${pin} (sysfs ${line}): add the user to the gpio group (sudo adduser $USER gpio) and log in again`,
    );
  }
  if (code === 'EBUSY') return new SensorError(`GPIO ${pin} (sysfs ${line}) is busy: another program holds it`);
  if (code === 'EINVAL') return new SensorError(`GPIO ${pin} (sysfs ${line}) is not a valid line on this machine`);
  if (code === 'ENOENT') {
    return new SensorError(
      `no sysfs GPIO on this machine (/sys/class/gpio missing): use --sensor file:PATH or simulate`,
    );
  }
  return new SensorError(`cannot read GPIO ${pin} (sysfs ${line}): ${(error as Error).message}`);
}

export class GpioSensor implements Sensor {
  readonly description: string;

  constructor(private readonly options: GpioOptions) {
    this.description = `gpio BCM ${options.pin}${options.activeLow ? ' active-low' : ''}`;
  }

  async read(): Promise<Reading> {
    const { pin, activeLow = false, sysfsRoot = '/sys' } = this.options;
    const line = await sysfsLineFor(pin, sysfsRoot);
    // onoff is loaded only when a GPIO is really read: it needs a native module and sysfs.
    const { Gpio } = await import('onoff');
    if (!Gpio.accessible) throw explain(Object.assign(new Error('no GPIO'), { code: 'ENOENT' }), pin, line);
    let gpio: InstanceType<typeof Gpio> | undefined;
    try {
      gpio = new Gpio(line, 'in', 'none', { activeLow });
      return gpio.readSync() === 1 ? 1 : 0;
    } catch (error) {
      throw explain(error, pin, line);
    } finally {
      gpio?.unexport();
    }
  }
}
