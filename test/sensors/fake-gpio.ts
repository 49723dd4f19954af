/**
 * Test doubles for the machine around the GPIO code, built as real files and programs:
 * - a sysfs tree (`class/gpio/gpiochipN/{label,base,ngpio}`, optional `export`) laid out as each
 *   Raspberry Pi model and kernel generation lays it out;
 * - shell scripts standing in for libgpiod's `gpioget` and `gpiodetect`, v1 or v2, that print what
 *   the real tools print (values, version, and the real tools' error messages) and log their
 *   arguments so a test can check the exact command line.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeChip {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

const brcmstb = (bases: number[]): FakeChip[] =>
  bases.map((base, i) => ({
    name: `gpiochip${base}`,
    label: `gpio-brcmstb@107d5${i < 2 ? '08500' : '17c00'}`,
    base,
    ngpio: [32, 4, 17, 6][i] ?? 1,
  }));

/** sysfs layouts: `/sys/class/gpio` as each model shows it before and after kernel 6.6. */
export const SYSFS_LAYOUTS: Record<string, { chips: FakeChip[]; bcm4: number }> = {
  'Pi 3, kernel 6.1': { chips: [{ name: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }], bcm4: 4 },
  'Pi 3, kernel 6.6': {
    chips: [{ name: 'gpiochip512', label: 'pinctrl-bcm2835', base: 512, ngpio: 54 }],
    bcm4: 516,
  },
  'Pi 4, kernel 6.1': {
    chips: [
      { name: 'gpiochip0', label: 'pinctrl-bcm2711', base: 0, ngpio: 58 },
      { name: 'gpiochip504', label: 'raspberrypi-exp-gpio', base: 504, ngpio: 8 },
    ],
    bcm4: 4,
  },
  'Pi 4, kernel 6.6': {
    chips: [
      { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
      { name: 'gpiochip570', label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
    ],
    bcm4: 516,
  },
  'Pi 5, kernel 6.1': {
    chips: [...brcmstb([480, 476, 459, 453]), { name: 'gpiochip399', label: 'pinctrl-rp1', base: 399, ngpio: 54 }],
    bcm4: 403,
  },
  'Pi 5, kernel 6.6': {
    chips: [...brcmstb([512, 544, 548, 565]), { name: 'gpiochip571', label: 'pinctrl-rp1', base: 571, ngpio: 54 }],
    bcm4: 575,
  },
};

/** Writes a sysfs tree under `root`; `withExport` adds `class/gpio/export` (sysfs GPIO compiled in). */
export function writeSysfs(root: string, chips: FakeChip[], withExport = true): void {
  const dir = join(root, 'class', 'gpio');
  mkdirSync(dir, { recursive: true });
  if (withExport) {
    writeFileSync(join(dir, 'export'), '');
    writeFileSync(join(dir, 'unexport'), '');
  }
  for (const chip of chips) {
    mkdirSync(join(dir, chip.name));
    writeFileSync(join(dir, chip.name, 'label'), `${chip.label}\n`);
    writeFileSync(join(dir, chip.name, 'base'), `${chip.base}\n`);
    writeFileSync(join(dir, chip.name, 'ngpio'), `${chip.ngpio}\n`);
  }
}

/** `gpiodetect` output per model (character-device numbering). */
export const GPIODETECT = {
  pi4: 'gpiochip0 [pinctrl-bcm2711] (58 lines)\ngpiochip1 [raspberrypi-exp-gpio] (8 lines)\n',
  pi3: 'gpiochip0 [pinctrl-bcm2835] (54 lines)\n',
  /** Pi 5 on older kernels: the RP1 controller is the fifth chip. */
  pi5Old: [
    'gpiochip0 [gpio-brcmstb@107d508500] (32 lines)',
    'gpiochip1 [gpio-brcmstb@107d508520] (4 lines)',
    'gpiochip2 [gpio-brcmstb@107d517c00] (17 lines)',
    'gpiochip3 [gpio-brcmstb@107d517c20] (6 lines)',
    'gpiochip4 [pinctrl-rp1] (54 lines)',
    '',
  ].join('\n'),
  /** Pi 5 on newer kernels: RP1 first. */
  pi5New: [
    'gpiochip0 [pinctrl-rp1] (54 lines)',
    'gpiochip10 [gpio-brcmstb@107d508500] (32 lines)',
    'gpiochip11 [gpio-brcmstb@107d508520] (4 lines)',
    'gpiochip12 [gpio-brcmstb@107d517c00] (17 lines)',
    'gpiochip13 [gpio-brcmstb@107d517c20] (6 lines)',
    '',
  ].join('\n'),
};

/** Messages the real tools print on stderr (libgpiod 1.6 and 2.1). */
export const GPIOD_ERRORS = {
  busy: {
    1: 'gpioget: error reading GPIO values: Device or resource busy',
    2: "gpioget: unable to request lines on chip '/dev/gpiochip0': Device or resource busy",
  },
  invalid: {
    1: 'gpioget: error reading GPIO values: Invalid argument',
    2: "gpioget: offset 60 is out of range on chip '/dev/gpiochip0'",
  },
  permission: {
    1: "gpioget: unable to access GPIO chip 'gpiochip0': Permission denied",
    2: "gpioget: unable to open chip '/dev/gpiochip0': Permission denied",
  },
} as const;

export interface FakeGpiodOptions {
  version: 1 | 2;
  /** What gpiodetect prints. */
  detect: string;
  /** The line's level; the fake prints it in the version's format. */
  value: 0 | 1;
  /** Make gpioget fail with this stderr (exit 1). */
  failWith?: string;
  /** Make gpiodetect fail with this stderr (exit 1), as it does for a user outside the gpio group. */
  detectFailWith?: string;
}

export interface FakeGpiod {
  gpioget: string;
  gpiodetect: string;
  /** File where gpioget appends its arguments, one call per line. */
  argsLog: string;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes executable `gpioget` and `gpiodetect` scripts into `dir`. */
export function writeFakeGpiod(dir: string, options: FakeGpiodOptions): FakeGpiod {
  mkdirSync(dir, { recursive: true });
  const gpioget = join(dir, 'gpioget');
  const gpiodetect = join(dir, 'gpiodetect');
  const argsLog = join(dir, 'gpioget.args');
  const versionLine = options.version === 1 ? 'gpioget (libgpiod) v1.6.3' : 'gpioget (libgpiod) v2.1.3';
  // v2 prints `"<line>"=active` unless --numeric is given; v1 always prints the number.
  const output =
    options.version === 1
      ? `echo ${options.value}`
      : `case " $* " in *" --numeric "*) echo ${options.value} ;; *) eval last=\\\${$#}; echo "\\"$last\\"=${options.value ? 'active' : 'inactive'}" ;; esac`;
  const failure = options.failWith ? `echo ${shellQuote(options.failWith)} >&2; exit 1` : '';
  writeFileSync(
    gpioget,
    [
      '#!/bin/sh',
      `if [ "$1" = "--version" ]; then echo ${shellQuote(versionLine)}; echo 'Copyright (C) 2017-2023 Bartosz Golaszewski'; exit 0; fi`,
      `echo "$*" >> ${shellQuote(argsLog)}`,
      failure,
      output,
      '',
    ].join('\n'),
  );
  const detect = options.detectFailWith
    ? `echo ${shellQuote(options.detectFailWith)} >&2; exit 1`
    : `printf '%s' ${shellQuote(options.detect)}`;
  writeFileSync(gpiodetect, `#!/bin/sh\n${detect}\n`);
  chmodSync(gpioget, 0o755);
  chmodSync(gpiodetect, 0o755);
  return { gpioget, gpiodetect, argsLog };
}
