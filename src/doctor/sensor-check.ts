import type { Sensor } from '../sensors/sensor.js';
import { messageOf } from '../utils/errors.js';
import { type CheckResult, fail, ok, warn, withTimeout } from './check.js';

/** Reads the sensor once, as read-pin would. */
export async function checkSensor(sensor: Sensor, spec: string, now: Date): Promise<CheckResult> {
  try {
    const reading = await withTimeout(sensor.read(now), 15_000, 'the sensor');
    const state = reading === 1 ? '1 (power ON)' : '0 (power OFF, or the relay is not wired or not powered)';
    if (spec === 'simulate') {
      return warn('sensor', `simulated sensor, reading ${state}`, 'on the Pi use --sensor gpio (the default)');
    }
    return ok('sensor', `${sensor.description}: reading ${state}`);
  } catch (error) {
    return fail('sensor', messageOf(error), sensorFix(error));
  }
}

function sensorFix(error: unknown): string {
  const reason = (error as { reason?: string }).reason;
  if (reason === 'permission') return 'sudo adduser $USER gpio, then log out and in again';
  if (reason === 'busy')
    return 'stop the other program using the pin (gpioinfo shows the consumer) or pick another pin';
  if (reason === 'range') return 'use a BCM GPIO number of this board (see pinout.xyz)';
  if (reason === 'missing') return 'sudo apt install gpiod (or use --sensor file:PATH / simulate off the Pi)';
  return 'check the wiring and run blackout-read-pin --verbose';
}
