/**
 * The pin's pull resistor, from `pinctrl get <pin>` (Raspberry Pi OS bookworm and later), e.g.
 * ` 4: ip    pd | lo // GPIO4 = input`. onoff cannot set pulls, and GPIO 0-8 reset to pull-up,
 * so with the relay wiring an open contact would still read 1 unless config.txt sets pull-down.
 * Active-low wiring (the contact connects GND) wants the opposite, a pull-up, as gpioget asks for.
 */
import { isGpioSensor } from '../sensors/index.js';
import { type CheckResult, ok, type RunCommand, warn } from './check.js';

export interface BiasInput {
  pin: number;
  sensorSpec: string;
  activeLow: boolean;
  run: RunCommand;
  pinctrl: string;
}

export function parsePinctrl(output: string): { func?: string; pull?: string } {
  const m = /^\s*\d+:\s+(\S+)\s+(pu|pd|pn)?/m.exec(output);
  return { ...(m?.[1] ? { func: m[1] } : {}), ...(m?.[2] ? { pull: m[2] } : {}) };
}

const PULL_NAMES: Record<string, string> = { pu: 'pull-up', pd: 'pull-down', pn: 'no pull' };

export async function checkPinBias(input: BiasInput): Promise<CheckResult> {
  const { pin } = input;
  if (!isGpioSensor(input.sensorSpec)) return ok('pin bias', `not applicable (sensor ${input.sensorSpec})`);
  const want = input.activeLow ? 'pu' : 'pd';
  const setting = `gpio=${pin}=ip,${want}`;
  const fix = `add ${setting} to /boot/firmware/config.txt and reboot (now: pinctrl set ${pin} ip ${want})`;
  const out = await input.run(input.pinctrl, ['get', String(pin)]);
  if (!out) {
    return warn(
      'pin bias',
      'not checked (pinctrl not installed)',
      `make sure /boot/firmware/config.txt has ${setting}`,
    );
  }
  if (out.code !== 0) return warn('pin bias', `pinctrl get ${pin} failed: ${out.stderr.trim() || out.code}`, fix);
  const { func, pull } = parsePinctrl(out.stdout);
  if (!pull) return warn('pin bias', `cannot read the pull from "${out.stdout.trim()}"`, fix);
  if (func !== 'ip') return warn('pin bias', `GPIO ${pin} is not an input (${func}), ${PULL_NAMES[pull]}`, fix);
  if (pull !== want) {
    const effect =
      pull === 'pn'
        ? 'an open relay contact floats, readings are random'
        : want === 'pd'
          ? 'an open relay contact still reads 1 (power ON)'
          : 'with --active-low an open relay contact reads 0 → power ON, outages are missed';
    return warn('pin bias', `GPIO ${pin} has ${PULL_NAMES[pull]}: ${effect}`, fix);
  }
  return ok('pin bias', `GPIO ${pin} input with ${PULL_NAMES[pull]}`);
}
