/**
 * Finding the Raspberry Pi's pin controller. BCM numbering is an offset on that controller; what
 * the kernel calls the line depends on the interface:
 * - sysfs: base + offset. Since kernel 6.6 bases start at 512 (Pi 3/4: 512, Pi 5: 571); before,
 *   bases were 0 (Pi 3/4) or allocated downward from 512 (Pi 5: 399).
 * - character device (libgpiod): chip `gpiochipN` + offset; on a Pi 5 the controller is gpiochip4
 *   on older kernels and gpiochip0 on newer ones.
 * Other chips (the Pi 4's firmware expander, the Pi 5's brcmstb banks) are skipped.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SensorError } from './sensor.js';

const PI_GPIO_LABELS = ['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1'];

export interface GpioChip {
  /** `gpiochip512` (sysfs, named by base) or `gpiochip0` (character device). */
  name: string;
  label: string;
  /** sysfs base; 0 for character-device chips, which have none. */
  base: number;
  ngpio: number;
}

/** The sysfs GPIO interface is present (and not removed from the kernel). */
export function sysfsGpioAvailable(sysfsRoot: string): boolean {
  return existsSync(join(sysfsRoot, 'class', 'gpio', 'export'));
}

export async function listSysfsChips(sysfsRoot: string): Promise<GpioChip[]> {
  const dir = join(sysfsRoot, 'class', 'gpio');
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const chips: GpioChip[] = [];
  for (const name of entries.filter((e) => /^gpiochip\d+$/.test(e)).sort()) {
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

/** Parses `gpiodetect` output (same in libgpiod v1 and v2): `gpiochip0 [pinctrl-bcm2711] (58 lines)`. */
export function parseGpiodetect(output: string): GpioChip[] {
  const chips: GpioChip[] = [];
  for (const line of output.split('\n')) {
    const m = /^\s*(\S+)\s+\[([^\]]*)\]\s+\((\d+) lines?\)/.exec(line);
    if (m) chips.push({ name: m[1] ?? '', label: m[2] ?? '', base: 0, ngpio: Number(m[3]) });
  }
  return chips;
}

/** The Pi's pin controller among `chips`, with `pin` checked against its line count. */
export function piChipFor(chips: readonly GpioChip[], pin: number, where: string): GpioChip {
  const chip = chips.find((c) => PI_GPIO_LABELS.includes(c.label));
  if (!chip) {
    const found = chips.map((c) => `${c.name} [${c.label}]`).join(', ') || 'none';
    throw new SensorError(
      `no Raspberry Pi GPIO controller (${PI_GPIO_LABELS.join(', ')}) in ${where}; found: ${found}`,
      'missing',
    );
  }
  if (pin >= chip.ngpio) {
    throw new SensorError(`GPIO ${pin} is out of range: ${chip.label} has lines 0-${chip.ngpio - 1}`, 'range');
  }
  return chip;
}

/**
 * The sysfs number of BCM `pin`: the Pi controller's base + pin. A tree with no gpiochip entries
 * at all (very old kernels) numbers lines by BCM directly.
 */
export async function sysfsLineFor(pin: number, sysfsRoot = '/sys'): Promise<number> {
  const chips = await listSysfsChips(sysfsRoot);
  if (chips.length === 0) return pin;
  return piChipFor(chips, pin, join(sysfsRoot, 'class', 'gpio')).base + pin;
}
