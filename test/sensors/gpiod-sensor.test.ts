/**
 * The gpiod driver and the automatic choice, run against shell scripts that behave like libgpiod's
 * v1 and v2 tools (see fake-gpio.ts). What is real: the process spawning, argument building,
 * version detection, chip lookup, output parsing and error mapping. What is not: the kernel side.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AutoGpioSensor } from '../../src/sensors/auto-gpio-sensor.js';
import { GpiodSensor, parseGpiodVersion, parseGpiogetValue } from '../../src/sensors/gpiod-sensor.js';
import { createSensor, isSensorSpec } from '../../src/sensors/index.js';
import { SensorError } from '../../src/sensors/sensor.js';
import { explainSysfsError, SysfsGpioSensor } from '../../src/sensors/sysfs-sensor.js';
import { tempDir } from '../support/cli.js';
import { GPIOD_ERRORS, GPIODETECT, SYSFS_LAYOUTS, writeFakeGpiod, writeSysfs } from './fake-gpio.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function temp(): string {
  const t = tempDir('blackout-gpiod-');
  cleanups.push(t.cleanup);
  return t.dir;
}

const lastArgs = (log: string): string => readFileSync(log, 'utf8').trim().split('\n').at(-1) ?? '';

describe('gpiod driver', () => {
  it.each([
    [1, GPIODETECT.pi4, '--bias=pull-down gpiochip0 4'],
    [1, GPIODETECT.pi5Old, '--bias=pull-down gpiochip4 4'],
    [1, GPIODETECT.pi5New, '--bias=pull-down gpiochip0 4'],
    [2, GPIODETECT.pi4, '-c gpiochip0 -b pull-down --numeric 4'],
    [2, GPIODETECT.pi5Old, '-c gpiochip4 -b pull-down --numeric 4'],
    [2, GPIODETECT.pi5New, '-c gpiochip0 -b pull-down --numeric 4'],
  ] as const)('libgpiod v%i on %j runs gpioget %s', async (version, detect, args) => {
    const fake = writeFakeGpiod(temp(), { version, detect, value: 1 });
    const sensor = new GpiodSensor({ pin: 4, gpioget: fake.gpioget });
    expect(await sensor.read()).toBe(1);
    expect(lastArgs(fake.argsLog)).toBe(args);
    expect(sensor.description).toContain(`libgpiod v${version}`);
  });

  // Active-low wiring: the relay pulls the pin LOW while there is power, so an open contact must be
  // pulled UP to read 1 (→ OFF); with a pull-down it would read 0 (→ ON) and every outage is missed.
  it.each([
    [1, false, '--bias=pull-down gpiochip0 4'],
    [1, true, '--bias=pull-up gpiochip0 4'],
    [2, false, '-c gpiochip0 -b pull-down --numeric 4'],
    [2, true, '-c gpiochip0 -b pull-up --numeric 4'],
  ] as const)('libgpiod v%i, active-low %s: gpioget %s', async (version, activeLow, args) => {
    const fake = writeFakeGpiod(temp(), { version, detect: GPIODETECT.pi4, value: 1 });
    const sensor = new GpiodSensor({ pin: 4, gpioget: fake.gpioget, activeLow });
    expect(await sensor.read()).toBe(activeLow ? 0 : 1);
    expect(lastArgs(fake.argsLog)).toBe(args);
  });

  it('reads 0, and inverts with active-low', async () => {
    const fake = writeFakeGpiod(temp(), { version: 2, detect: GPIODETECT.pi3, value: 0 });
    expect(await new GpiodSensor({ pin: 4, gpioget: fake.gpioget }).read()).toBe(0);
    expect(await new GpiodSensor({ pin: 4, gpioget: fake.gpioget, activeLow: true }).read()).toBe(1);
  });

  it('finds gpiodetect next to gpioget, or where it is told', async () => {
    const tools = writeFakeGpiod(temp(), { version: 1, detect: GPIODETECT.pi5Old, value: 1 });
    const otherDetect = writeFakeGpiod(temp(), { version: 1, detect: GPIODETECT.pi5New, value: 1 });
    const sensor = new GpiodSensor({ pin: 4, gpioget: tools.gpioget, gpiodetect: otherDetect.gpiodetect });
    expect((await sensor.chip()).name).toBe('gpiochip0');
  });

  it.each([1, 2] as const)('v%i: busy, invalid and permission errors become one-line advice', async (version) => {
    const cases = [
      [GPIOD_ERRORS.busy[version], 'busy', /GPIO 4 \(gpiochip0 line 4\) is busy: another program/],
      [GPIOD_ERRORS.invalid[version], 'range', /GPIO 4 \(gpiochip0 line 4\) is not a valid line/],
      [
        GPIOD_ERRORS.permission[version],
        'permission',
        /no permission for \/dev\/gpiochip0: add the user to the gpio group/,
      ],
    ] as const;
    for (const [stderr, reason, message] of cases) {
      const fake = writeFakeGpiod(temp(), { version, detect: GPIODETECT.pi4, value: 1, failWith: stderr });
      const error = await new GpiodSensor({ pin: 4, gpioget: fake.gpioget }).read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SensorError);
      expect((error as SensorError).reason).toBe(reason);
      expect((error as SensorError).message).toMatch(message);
      expect((error as SensorError).message).not.toContain('\n');
    }
  });

  it('gpiodetect refused (user not in the gpio group) is a permission error', async () => {
    const fake = writeFakeGpiod(temp(), {
      version: 2,
      detect: '',
      value: 1,
      detectFailWith: "gpiodetect: unable to open chip '/dev/gpiochip0': Permission denied",
    });
    const error = await new GpiodSensor({ pin: 4, gpioget: fake.gpioget }).read().catch((e: unknown) => e);
    expect((error as SensorError).reason).toBe('permission');
    expect((error as SensorError).message).toMatch(/add the user to the gpio group/);
  });

  it('a missing gpioget says how to install it', async () => {
    const error = await new GpiodSensor({ pin: 4, gpioget: join(temp(), 'gpioget') }).read().catch((e: unknown) => e);
    expect((error as SensorError).reason).toBe('missing');
    expect((error as SensorError).message).toMatch(/gpioget not found: install libgpiod tools: sudo apt install gpiod/);
  });

  it('a pin past the controller is refused before gpioget runs', async () => {
    const fake = writeFakeGpiod(temp(), { version: 2, detect: GPIODETECT.pi3, value: 1 });
    await expect(new GpiodSensor({ pin: 54, gpioget: fake.gpioget }).read()).rejects.toThrow(
      'GPIO 54 is out of range: pinctrl-bcm2835 has lines 0-53',
    );
    expect(existsSync(fake.argsLog)).toBe(false);
  });

  it('parses versions and both output styles', () => {
    expect(parseGpiodVersion('gpioget (libgpiod) v1.6.3')).toBe(1);
    expect(parseGpiodVersion('gpioget (libgpiod) v2.1')).toBe(2);
    expect(parseGpiodVersion('gpioget 0.1')).toBeUndefined();
    expect(parseGpiogetValue('1\n')).toBe(1);
    expect(parseGpiogetValue('"GPIO4"=active\n')).toBe(1);
    expect(parseGpiogetValue('"4"=inactive')).toBe(0);
    expect(parseGpiogetValue('high')).toBeUndefined();
  });

  it('v2 without --numeric would print "4"=active: the fake behaves like the tool', async () => {
    // Guards the fake itself: the driver's --numeric is what makes the output a plain number.
    const fake = writeFakeGpiod(temp(), { version: 2, detect: GPIODETECT.pi4, value: 1 });
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync(fake.gpioget, ['-c', 'gpiochip0', '4'], { encoding: 'utf8' }).trim()).toBe('"4"=active');
  });
});

describe('sysfs driver errors', () => {
  it.each([
    ['EACCES', 'permission', 'no permission for GPIO 4 (sysfs 516): add the user to the gpio group'],
    ['EPERM', 'permission', 'no permission for GPIO 4 (sysfs 516)'],
    ['EBUSY', 'busy', 'GPIO 4 (sysfs 516) is busy'],
    ['EINVAL', 'range', 'GPIO 4 (sysfs 516) is not a valid line on this machine'],
    ['ENOENT', 'missing', 'no sysfs GPIO on this machine'],
  ])('%s → %s', (code, reason, message) => {
    const error = explainSysfsError(Object.assign(new Error(`${code}: x`), { code }), 4, 516);
    expect(error.reason).toBe(reason);
    expect(error.message).toContain(message);
  });

  it('resolves the line from the fake tree; without export it refuses as missing', async () => {
    const root = temp();
    writeSysfs(root, SYSFS_LAYOUTS['Pi 5, kernel 6.6']?.chips ?? [], false);
    const sensor = new SysfsGpioSensor({ pin: 4, sysfsRoot: root });
    expect(await sensor.line()).toBe(575);
    await expect(sensor.read()).rejects.toMatchObject({ reason: 'missing' });
  });
});

describe('automatic choice (--sensor gpio)', () => {
  it('no sysfs GPIO (export missing) → gpiod', async () => {
    const root = temp();
    writeSysfs(root, SYSFS_LAYOUTS['Pi 5, kernel 6.6']?.chips ?? [], false);
    const fake = writeFakeGpiod(temp(), { version: 2, detect: GPIODETECT.pi5New, value: 1 });
    const sensor = new AutoGpioSensor({ pin: 4, sysfsRoot: root, gpioget: fake.gpioget });
    expect(await sensor.read()).toBe(1);
    expect(sensor.description).toMatch(/gpiochip0 line 4, libgpiod v2/);
  });

  it('neither sysfs nor gpioget → one error naming both and the fix', async () => {
    const root = temp();
    const error = await new AutoGpioSensor({ pin: 4, sysfsRoot: root, gpioget: join(root, 'gpioget') })
      .read()
      .catch((e: unknown) => e);
    expect((error as SensorError).message).toMatch(
      /^no GPIO interface: sysfs GPIO is missing and .*gpioget not found: install libgpiod tools/,
    );
  });

  it('a pin out of range on sysfs is not retried on gpiod', async () => {
    const root = temp();
    writeSysfs(root, SYSFS_LAYOUTS['Pi 4, kernel 6.6']?.chips ?? [], true);
    const fake = writeFakeGpiod(temp(), { version: 1, detect: GPIODETECT.pi4, value: 1 });
    const error = await new AutoGpioSensor({ pin: 58, sysfsRoot: root, gpioget: fake.gpioget })
      .read()
      .catch((e: unknown) => e);
    expect((error as SensorError).reason).toBe('range');
    expect(existsSync(fake.argsLog)).toBe(false);
  });

  // onoff always writes to the real /sys/class/gpio; where that is absent (this CI machine) the
  // sysfs attempt refuses and gpiod must answer. On a machine with real sysfs GPIO this would
  // export a real line, so it is skipped there.
  it.skipIf(existsSync('/sys/class/gpio/export'))(
    'sysfs present in the tree but refusing → gpiod answers',
    async () => {
      const root = temp();
      writeSysfs(root, SYSFS_LAYOUTS['Pi 4, kernel 6.6']?.chips ?? [], true);
      const fake = writeFakeGpiod(temp(), { version: 1, detect: GPIODETECT.pi4, value: 0 });
      const sensor = new AutoGpioSensor({ pin: 4, sysfsRoot: root, gpioget: fake.gpioget });
      expect(await sensor.read()).toBe(0);
      expect(lastArgs(fake.argsLog)).toBe('--bias=pull-down gpiochip0 4');
    },
  );

  it('active-low through the automatic choice asks gpioget for a pull-up', async () => {
    const root = temp();
    writeSysfs(root, SYSFS_LAYOUTS['Pi 5, kernel 6.6']?.chips ?? [], false);
    const fake = writeFakeGpiod(temp(), { version: 2, detect: GPIODETECT.pi5New, value: 1 });
    const sensor = new AutoGpioSensor({ pin: 4, sysfsRoot: root, gpioget: fake.gpioget, activeLow: true });
    expect(await sensor.read()).toBe(0);
    expect(lastArgs(fake.argsLog)).toBe('-c gpiochip0 -b pull-up --numeric 4');
  });
});

describe('--sensor values', () => {
  it('accepts gpio, onoff, gpiod, simulate, file:PATH and refuses others', () => {
    for (const spec of ['gpio', 'onoff', 'gpiod', 'simulate', 'file:/x']) expect(isSensorSpec(spec)).toBe(true);
    expect(isSensorSpec('wiringpi')).toBe(false);
    expect(isSensorSpec('file:')).toBe(false);
  });

  it('builds the forced driver', () => {
    expect(createSensor({ spec: 'onoff', pin: 4, activeLow: false })).toBeInstanceOf(SysfsGpioSensor);
    expect(createSensor({ spec: 'gpiod', pin: 4, activeLow: false })).toBeInstanceOf(GpiodSensor);
    expect(createSensor({ spec: 'gpio', pin: 4, activeLow: false })).toBeInstanceOf(AutoGpioSensor);
  });
});
