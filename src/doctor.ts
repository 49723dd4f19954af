#!/usr/bin/env node
/** Self-check: runs every check of the set-up and prints one line each, with the fix. */
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_FAILURE, EXIT_OK, resolveCommon, runCli } from './cli/common.js';
import { runCommand } from './doctor/check.js';
import { allPassed, formatResults, runDoctor } from './doctor/run-doctor.js';
import { parsePositiveInt } from './domain/validate.js';
import { createSensor } from './sensors/index.js';
import { addSensorOptions, resolveSensorChoice } from './sensors/options.js';
import { openStore } from './stores/open-store.js';

interface DoctorOptions {
  json?: boolean;
  systemRoot: string;
  pinctrl: string;
  timedatectl: string;
  systemctl: string;
  crontab: string;
  minFreeMb: string;
}

const command = addSensorOptions(
  addCommonOptions(new Command()).description(
    'Check the whole set-up (Node, pin, clock, store, buffer, schedule, disk) and say how to fix what is wrong.',
  ),
)
  .addOption(new Option('--json', 'print the results as JSON'))
  .addOption(
    new Option('--system-root <dir>', 'where /etc and /run are (for checking an image)')
      .env('BLACKOUT_SYSTEM_ROOT')
      .default('/'),
  )
  .addOption(new Option('--pinctrl <path>', 'pinctrl program').env('BLACKOUT_PINCTRL').default('pinctrl'))
  .addOption(
    new Option('--timedatectl <path>', 'timedatectl program').env('BLACKOUT_TIMEDATECTL').default('timedatectl'),
  )
  .addOption(new Option('--systemctl <path>', 'systemctl program').env('BLACKOUT_SYSTEMCTL').default('systemctl'))
  .addOption(new Option('--crontab <path>', 'crontab program').env('BLACKOUT_CRONTAB').default('crontab'))
  .addOption(new Option('--min-free-mb <n>', 'fail below this much free disk space').default('50'))
  .addHelpText(
    'after',
    `
Each line: ✓ passed, ! warning (works, but look at it), ✗ failed, with the fix.
Exit codes: 0 nothing failed (warnings allowed), 1 something failed, 2 usage error.
Examples:
  blackout-doctor alex_rpi 4 prod
  blackout-doctor --store dynamodb --region eu-central-1 --json`,
  );

await runCli('doctor', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const opts = cmd.opts<DoctorOptions>();
  const sensorChoice = resolveSensorChoice(cmd, config.series.pin);
  const minFreeMb = parsePositiveInt(opts.minFreeMb, '--min-free-mb', 1_000_000);
  // The region the SDK would take from the environment, for the store line (src/doctor/ reads none).
  const storeConfig = { ...config, region: config.region ?? process.env.AWS_REGION };
  const results = await runDoctor({
    config,
    sensor: createSensor(sensorChoice),
    sensorSpec: sensorChoice.spec,
    activeLow: sensorChoice.activeLow,
    openStore: ({ signal }) => openStore(storeConfig, { access: 'read', signal }),
    home: process.env.HOME,
    run: runCommand(),
    commands: {
      pinctrl: opts.pinctrl,
      timedatectl: opts.timedatectl,
      systemctl: opts.systemctl,
      crontab: opts.crontab,
    },
    systemRoot: opts.systemRoot,
    nodeVersion: process.version,
    now: new Date(),
    minFreeBytes: minFreeMb * 1024 * 1024,
  });
  const passed = allPassed(results);
  process.stdout.write(
    opts.json ? `${JSON.stringify({ ok: passed, checks: results }, null, 2)}\n` : formatResults(results),
  );
  return passed ? EXIT_OK : EXIT_FAILURE;
});
