#!/usr/bin/env node
/** Every minute from cron: read the pin, buffer the reading, flush the buffer to the store. */
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_FAILURE, EXIT_OK, flagValue, loggerFor, resolveCommon, runCli } from './cli/common.js';
import { addNotifyOptions, resolveNotifyOptions } from './cli/notify-options.js';
import { parseReadingTime } from './domain/validate.js';
import { Notifier } from './notify/notifier.js';
import { readPin } from './pipeline/read-pin.js';
import { createSensor } from './sensors/index.js';
import { addSensorOptions, resolveSensorChoice } from './sensors/options.js';
import { openStore } from './stores/open-store.js';
import { FileBuffer } from './utils/buffer.js';

const command = addNotifyOptions(
  addSensorOptions(
    addCommonOptions(new Command()).description(
      'Read the power pin once, buffer the reading on disk and flush the buffer to the store.',
    ),
  ),
)
  .addOption(
    new Option('--at <time>', 'stamp the reading with this ISO time instead of now (backfill)').env('BLACKOUT_AT'),
  )
  .addOption(new Option('--flush-only', 'take no reading; only flush the buffer').env('BLACKOUT_FLUSH_ONLY'))
  .addHelpText(
    'after',
    `
Exit codes: 0 reading recorded (stored, or buffered while the store is unreachable),
            1 the reading could not be taken or written to disk, 2 usage error.
Examples:
  blackout-read-pin alex_rpi 4 prod                 as the Python version's cron line
  blackout-read-pin --sensor simulate --verbose     try it without a Pi
  blackout-read-pin --store dynamodb --region eu-central-1`,
  );

await runCli('read-pin', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const opts = cmd.opts<{ at?: string }>();
  const sensorChoice = resolveSensorChoice(cmd, config.series.pin);
  const at =
    opts.at !== undefined
      ? parseReadingTime(opts.at, cmd.getOptionValueSource('at') === 'env' ? 'BLACKOUT_AT' : '--at', new Date())
      : undefined;
  const flushOnly = flagValue(cmd, 'flushOnly', 'BLACKOUT_FLUSH_ONLY');
  const notifyConfig = resolveNotifyOptions(cmd);
  const log = loggerFor('read-pin', config);
  const notifier = new Notifier(notifyConfig, config, log);
  const result = await readPin({
    series: config.series,
    sensor: createSensor(sensorChoice),
    buffer: new FileBuffer(config.bufferDir, config.mode),
    openStore: () => openStore(config),
    log,
    ...(at ? { at } : {}),
    flushOnly,
    notify: (record) => notifier.afterReading(record),
  }).catch((error: Error) => {
    log.error({ err: error }, error.message);
    return undefined;
  });
  await notifier.heartbeat(result);
  return result ? EXIT_OK : EXIT_FAILURE;
});
