/** BCM pin → kernel line, on sysfs trees and gpiodetect outputs laid out as each Pi model has them. */
import { afterEach, describe, expect, it } from 'vitest';
import { listSysfsChips, parseGpiodetect, piChipFor, sysfsLineFor } from '../../src/sensors/gpio-chips.js';
import { SensorError } from '../../src/sensors/sensor.js';
import { tempDir } from '../support/cli.js';
import { GPIODETECT, SYSFS_LAYOUTS, writeSysfs } from './fake-gpio.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function sysfs(chips: Parameters<typeof writeSysfs>[1]): string {
  const temp = tempDir('blackout-sysfs-');
  cleanups.push(temp.cleanup);
  writeSysfs(temp.dir, chips);
  return temp.dir;
}

describe('sysfs line numbers', () => {
  for (const [layout, { chips, bcm4 }] of Object.entries(SYSFS_LAYOUTS)) {
    it(`${layout}: BCM 4 is sysfs ${bcm4}`, async () => {
      expect(await sysfsLineFor(4, sysfs(chips))).toBe(bcm4);
    });
  }

  it('Pi 5, kernel 6.6: BCM 27 is 598 (the brcmstb chip at 512 is skipped)', async () => {
    expect(await sysfsLineFor(27, sysfs(SYSFS_LAYOUTS['Pi 5, kernel 6.6']?.chips ?? []))).toBe(598);
  });

  it('a pin past the controller is a range error naming the lines', async () => {
    const root = sysfs(SYSFS_LAYOUTS['Pi 3, kernel 6.6']?.chips ?? []);
    const error = await sysfsLineFor(54, root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SensorError);
    expect((error as SensorError).reason).toBe('range');
    expect((error as SensorError).message).toBe('GPIO 54 is out of range: pinctrl-bcm2835 has lines 0-53');
  });

  it('a machine with GPIO chips but no Pi controller is told so, with the chips found', async () => {
    const root = sysfs([{ name: 'gpiochip0', label: 'gpio-mockup-A', base: 0, ngpio: 8 }]);
    await expect(sysfsLineFor(4, root)).rejects.toThrow(
      /no Raspberry Pi GPIO controller .* found: gpiochip0 \[gpio-mockup-A\]/,
    );
  });

  it('a tree without gpiochip entries numbers lines by BCM; chip folders missing files are skipped', async () => {
    const root = sysfs([]);
    expect(await sysfsLineFor(17, root)).toBe(17);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${root}/class/gpio/gpiochip9`);
    expect(await listSysfsChips(root)).toEqual([]);
  });

  it('a missing sysfs lists no chips', async () => {
    expect(await listSysfsChips('/nonexistent-sysfs-root')).toEqual([]);
  });
});

describe('character-device chip from gpiodetect', () => {
  it.each([
    ['Pi 3', GPIODETECT.pi3, 'gpiochip0'],
    ['Pi 4', GPIODETECT.pi4, 'gpiochip0'],
    ['Pi 5, older kernel', GPIODETECT.pi5Old, 'gpiochip4'],
    ['Pi 5, newer kernel', GPIODETECT.pi5New, 'gpiochip0'],
  ])('%s → %s', (_model, output, chip) => {
    expect(piChipFor(parseGpiodetect(output), 4, 'gpiodetect').name).toBe(chip);
  });

  it('parses name, label and line count', () => {
    expect(parseGpiodetect(GPIODETECT.pi4)).toEqual([
      { name: 'gpiochip0', label: 'pinctrl-bcm2711', base: 0, ngpio: 58 },
      { name: 'gpiochip1', label: 'raspberrypi-exp-gpio', base: 0, ngpio: 8 },
    ]);
  });
});
