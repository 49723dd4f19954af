/**
 * GPIO through the character device with libgpiod's `gpioget`, for images where sysfs GPIO is
 * gone or refuses. The line is requested with the bias that makes an open relay contact read "no
 * power": pull-down normally (the contact connects 3V3, so open reads 0, even on GPIO 0-8 whose
 * reset default is pull-up); pull-up with active-low wiring (the contact connects GND, so open reads
 * 1, inverted to OFF — with a pull-down it would read 0, inverted to ON, and outages were missed).
 *
 * libgpiod v1: `gpioget --bias=pull-down gpiochip0 4` prints `0`/`1`.
 * libgpiod v2: `gpioget -c gpiochip0 -b pull-down --numeric 4` prints `0`/`1` (without --numeric
 * it prints `"4"=active`). The chip is found by label through `gpiodetect`, so a Pi 5 works
 * whether its controller is gpiochip4 (older kernels) or gpiochip0 (newer).
 */
import { dirname, join } from 'node:path';
import type { Reading } from '../domain/records.js';
import { type ProgramOutput, runProgram } from '../utils/run-program.js';
import { type GpioChip, parseGpiodetect, piChipFor } from './gpio-chips.js';
import { type Sensor, SensorError } from './sensor.js';
import { NO_PERMISSION_FIX } from './sysfs-sensor.js';

export interface GpiodOptions {
  pin: number;
  activeLow?: boolean;
  /** `gpioget` to run: a name looked up in PATH or an absolute path. */
  gpioget?: string;
  /** `gpiodetect`; default: next to an absolute `gpioget`, else looked up in PATH. */
  gpiodetect?: string;
  timeoutMs?: number;
}

export type GpiodVersion = 1 | 2;

const INSTALL_FIX = 'install libgpiod tools: sudo apt install gpiod';

/** Runs a tool; a missing binary becomes a SensorError with the install command. */
async function runTool(file: string, args: string[], timeoutMs: number): Promise<ProgramOutput> {
  const run = await runProgram(file, args, { timeoutMs });
  switch (run.outcome) {
    case 'missing':
      throw new SensorError(`${file} not found: ${INSTALL_FIX}`, 'missing');
    case 'not-executable':
      throw new SensorError(`${file} is not executable`, 'missing');
    case 'timed-out':
      throw new SensorError(`${file} did not answer within ${timeoutMs / 1000} s`);
    case 'exited':
      return { code: run.code, stdout: run.stdout, stderr: run.stderr };
  }
}

/** `gpioget (libgpiod) v1.6.3` → 1, `gpioget (libgpiod) v2.1` → 2. */
export function parseGpiodVersion(output: string): GpiodVersion | undefined {
  const m = /\bv(\d+)\.\d+/.exec(output);
  if (m?.[1] === '1') return 1;
  if (m?.[1] === '2') return 2;
  return undefined;
}

/** The pull that makes an open contact read "no power": up for active-low wiring, down otherwise. */
const gpiodBias = (activeLow: boolean): 'pull-up' | 'pull-down' => (activeLow ? 'pull-up' : 'pull-down');

function gpiogetArgs(version: GpiodVersion, chip: string, offset: number, activeLow: boolean): string[] {
  const bias = gpiodBias(activeLow);
  return version === 1
    ? [`--bias=${bias}`, chip, String(offset)]
    : ['-c', chip, '-b', bias, '--numeric', String(offset)];
}

/** `0`/`1` (v1, v2 --numeric) or `"4"=active` / `"GPIO4"=inactive` (v2 default output). */
export function parseGpiogetValue(stdout: string): Reading | undefined {
  const text = stdout.trim();
  if (text === '1') return 1;
  if (text === '0') return 0;
  const m = /^"?[^"=]*"?=(active|inactive)$/.exec(text);
  if (m) return m[1] === 'active' ? 1 : 0;
  return undefined;
}

/** Turns gpioget's complaint into what to do. */
function explainGpiodFailure(stderr: string, pin: number, chip: string, exitCode: number): SensorError {
  const where = `GPIO ${pin} (${chip} line ${pin})`;
  if (/permission denied|operation not permitted|EACCES|EPERM/i.test(stderr)) {
    return new SensorError(`no permission for /dev/${chip}: ${NO_PERMISSION_FIX}`, 'permission');
  }
  if (/busy|EBUSY/i.test(stderr)) {
    return new SensorError(`${where} is busy: another program or driver holds it (see gpioinfo ${chip})`, 'busy');
  }
  if (/invalid argument|out of range|EINVAL/i.test(stderr)) {
    return new SensorError(`${where} is not a valid line on this machine`, 'range');
  }
  const first = stderr.trim().split('\n')[0] ?? '';
  return new SensorError(`gpioget failed (exit ${exitCode}) for ${where}${first ? `: ${first}` : ''}`);
}

export class GpiodSensor implements Sensor {
  description: string;
  private readonly gpioget: string;
  private readonly gpiodetect: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: GpiodOptions) {
    this.gpioget = options.gpioget ?? 'gpioget';
    this.gpiodetect =
      options.gpiodetect ?? (this.gpioget.includes('/') ? join(dirname(this.gpioget), 'gpiodetect') : 'gpiodetect');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.description = `gpio BCM ${options.pin} via gpiod${options.activeLow ? ' active-low' : ''}`;
  }

  async version(): Promise<GpiodVersion> {
    const out = await runTool(this.gpioget, ['--version'], this.timeoutMs);
    const version = parseGpiodVersion(`${out.stdout}\n${out.stderr}`);
    if (!version) {
      throw new SensorError(`cannot tell the libgpiod version from "${this.gpioget} --version"`, 'missing');
    }
    return version;
  }

  /** The character-device chip that holds the Pi's GPIO lines. */
  async chip(): Promise<GpioChip> {
    const out = await runTool(this.gpiodetect, [], this.timeoutMs);
    if (out.code !== 0 && out.stdout.trim() === '') {
      throw explainGpiodFailure(out.stderr, this.options.pin, 'gpiochip*', out.code);
    }
    return piChipFor(parseGpiodetect(out.stdout), this.options.pin, 'gpiodetect output');
  }

  async read(): Promise<Reading> {
    const { pin, activeLow = false } = this.options;
    const [version, chip] = await Promise.all([this.version(), this.chip()]);
    this.description = `gpio BCM ${pin} (${chip.name} line ${pin}, libgpiod v${version})${activeLow ? ' active-low' : ''}`;
    const out = await runTool(this.gpioget, gpiogetArgs(version, chip.name, pin, activeLow), this.timeoutMs);
    if (out.code !== 0) throw explainGpiodFailure(out.stderr, pin, chip.name, out.code);
    const value = parseGpiogetValue(out.stdout);
    if (value === undefined) {
      throw new SensorError(`gpioget printed ${JSON.stringify(out.stdout.trim().slice(0, 40))}, expected 0 or 1`);
    }
    return ((value === 1) !== activeLow ? 1 : 0) as Reading;
  }
}
