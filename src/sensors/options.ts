/** The `--sensor` family of options, shared by read-pin and doctor. */
import { type Command, Option } from 'commander';
import { parseFlag } from '../domain/validate.js';
import { parseSensorSpec, type SensorChoice } from './index.js';

export interface SensorOptionValues {
  sensor: string;
  activeLow?: boolean;
  sysfsRoot?: string;
  gpioget?: string;
}

export function addSensorOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--sensor <kind>', 'gpio (sysfs, else gpiod), onoff, gpiod, simulate or file:PATH')
        .env('BLACKOUT_SENSOR')
        .default('gpio'),
    )
    .addOption(
      new Option('--active-low', 'invert the pin (relay wired to pull low on power)').env('BLACKOUT_ACTIVE_LOW'),
    )
    .addOption(
      new Option('--sysfs-root <dir>', 'sysfs mount for the gpiochip lookup (default /sys)').env('BLACKOUT_SYSFS_ROOT'),
    )
    .addOption(new Option('--gpioget <path>', 'libgpiod gpioget binary (default: from PATH)').env('BLACKOUT_GPIOGET'));
}

/** Validated sensor choice for `pin` (usage errors before any I/O). */
export function resolveSensorChoice(command: Command, pin: number): SensorChoice {
  const opts = command.opts<SensorOptionValues>();
  const source = command.getOptionValueSource('sensor') === 'env' ? 'BLACKOUT_SENSOR' : '--sensor';
  return {
    spec: parseSensorSpec(opts.sensor, source),
    pin,
    // Commander makes any value of the variable `true` (even 0): check it.
    activeLow:
      command.getOptionValueSource('activeLow') === 'env'
        ? parseFlag(process.env.BLACKOUT_ACTIVE_LOW ?? '', 'BLACKOUT_ACTIVE_LOW')
        : Boolean(opts.activeLow),
    ...(opts.sysfsRoot ? { sysfsRoot: opts.sysfsRoot } : {}),
    ...(opts.gpioget ? { gpioget: opts.gpioget } : {}),
  };
}
