/**
 * Every command's definition: its name, description, arguments, the option groups it takes from the
 * table (options.ts) and its help text. The entrypoints in src/ run these; blackout-install reads the
 * jobs' definitions to write their command lines.
 */
import { Command, type OptionValues } from '@commander-js/extra-typings';
import {
  aggregateOptions,
  copyOptions,
  DEFAULT_DEVICE,
  DEFAULT_MODE,
  DEFAULT_PIN,
  doctorOptions,
  folderOptions,
  installOptions,
  notifyOptions,
  quickstartOptions,
  readPinOptions,
  reportOptions,
  sensorOptions,
  seriesOptions,
  settingsOptions,
  storeOptions,
  timeLimitOption,
} from './options.js';
import { deviceValue, modeValue, pinValue } from './values.js';

/** `[device] [pin] [mode]`, the series, store and folder options every command takes. */
function withCommon<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .argument('[device]', `device alias (default "${DEFAULT_DEVICE}")`, deviceValue)
    .argument('[pin]', `GPIO pin, BCM numbering (default ${DEFAULT_PIN})`, pinValue)
    .argument(
      '[mode]',
      `mode: dev, prod, … - names the tables, buffer folder and database (default "${DEFAULT_MODE}")`,
      modeValue,
    )
    .addOption(settingsOptions.settingsFile())
    .addOption(seriesOptions.device())
    .addOption(seriesOptions.pin())
    .addOption(seriesOptions.mode())
    .addOption(storeOptions.store())
    .addOption(storeOptions.db())
    .addOption(storeOptions.endpoint())
    .addOption(storeOptions.region())
    .addOption(folderOptions.bufferDir())
    .addOption(folderOptions.logDir())
    .addOption(folderOptions.logKeepDays())
    .addOption(folderOptions.verbose());
}

function withSensor<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(sensorOptions.sensor())
    .addOption(sensorOptions.activeLow())
    .addOption(sensorOptions.sysfsRoot())
    .addOption(sensorOptions.gpioget());
}

function withNotify<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(notifyOptions.webhookUrl())
    .addOption(notifyOptions.webhookSecret())
    .addOption(notifyOptions.telegramToken())
    .addOption(notifyOptions.telegramChatId())
    .addOption(notifyOptions.telegramApiUrl())
    .addOption(notifyOptions.ntfyUrl())
    .addOption(notifyOptions.ntfyToken())
    .addOption(notifyOptions.heartbeatUrl())
    .addOption(notifyOptions.lang())
    .addOption(notifyOptions.timeZone())
    .addOption(notifyOptions.debounce())
    .addOption(notifyOptions.gapMinutes())
    .addOption(notifyOptions.notifyTimeout());
}

export const readPinCommand = () =>
  withNotify(
    withSensor(
      withCommon(new Command('read-pin')).description(
        'Read the power pin once, buffer the reading on disk and flush the buffer to the store.',
      ),
    ),
  )
    .addOption(readPinOptions.at())
    .addOption(readPinOptions.flushOnly())
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

export const aggregateCommand = () =>
  withCommon(new Command('aggregate'))
    .description('Aggregate pending minute readings into hours and days (or recompute a date range).')
    .addOption(aggregateOptions.from())
    .addOption(aggregateOptions.to())
    // Ends well before the next hourly run (and systemd's TimeoutStartSec=1800).
    .addOption(timeLimitOption(1500))
    .addHelpText(
      'after',
      `
Exit codes: 0 done (or nothing to do: another run holds the lock, or the store is briefly
            unreachable and the minutes stay pending for the next run),
            1 runtime failure (see the log; a backfill that could not run), 2 usage error.
Examples:
  blackout-aggregate alex_rpi 4 prod                          as the Python version's cron line
  blackout-aggregate --from 2025-06-01 --to 2025-06-30        recompute June from the minute data`,
    );

export const copyCommand = () =>
  withCommon(new Command('copy'))
    .description('Copy minutes, hours and days of a date range from the --store to the --target store.')
    .addOption(copyOptions.target())
    .addOption(copyOptions.targetDb())
    .addOption(copyOptions.targetEndpoint())
    .addOption(copyOptions.targetRegion())
    .addOption(copyOptions.from())
    .addOption(copyOptions.to())
    .addHelpText(
      'after',
      `
Examples:
  blackout-copy alex_rpi 4 prod --target dynamodb --from 2025-01-01 --to 2025-12-31   move a local history to AWS
  blackout-copy alex_rpi 4 prod --store dynamodb --target sqlite --from 2025-06-01 --to 2025-06-30`,
    );

export const reportCommand = () =>
  withCommon(new Command('report'))
    .description('Report power on/off, outages and gaps for a period, in local time.')
    .addOption(reportOptions.day())
    .addOption(reportOptions.month())
    .addOption(reportOptions.from())
    .addOption(reportOptions.to())
    .addOption(reportOptions.last())
    .addOption(reportOptions.tz())
    .addOption(reportOptions.source())
    .addOption(reportOptions.format())
    .addOption(reportOptions.mergeGap())
    .addOption(reportOptions.csv())
    .addOption(reportOptions.out())
    .addOption(timeLimitOption(120))
    .addHelpText(
      'after',
      `
Exit codes: 0 done, 1 failure, 2 usage error.
Examples:
  blackout-report alex_rpi 4 prod                                  the last 7 days as a table
  blackout-report alex_rpi 4 prod --day 2025-10-26 --tz Europe/Kyiv   one (25-hour) day with hours
  blackout-report --month 2025-10 --format html --out october.html     a page to open or upload to S3
  blackout-report --from 2025-10-25 --to 2025-10-27 --format csv --csv outages
  blackout-report --last 30d --format ics --out outages.ics          outages for a phone calendar`,
    );

export const notifyTestCommand = () =>
  withNotify(withCommon(new Command('notify-test')))
    .description('Send a test message through every configured notification channel and report each result.')
    .addHelpText(
      'after',
      `
Uses the same options and BLACKOUT_* variables as blackout-read-pin. Prints one line per channel.
Exit codes: 0 every channel accepted the message, 1 at least one did not, 2 usage error (or nothing configured).
Example:
  BLACKOUT_TELEGRAM_TOKEN=123:abc BLACKOUT_TELEGRAM_CHAT_ID=42 blackout-notify-test alex_rpi 4 prod`,
    );

export const doctorCommand = () =>
  withSensor(
    withCommon(new Command('doctor')).description(
      'Check the whole set-up (Node, pin, clock, store, buffer, schedule, disk) and say how to fix what is wrong.',
    ),
  )
    .addOption(doctorOptions.json())
    .addOption(doctorOptions.systemRoot())
    .addOption(doctorOptions.pinctrl())
    .addOption(doctorOptions.timedatectl())
    .addOption(doctorOptions.systemctl())
    .addOption(doctorOptions.crontab())
    .addOption(doctorOptions.minFreeMb())
    .addHelpText(
      'after',
      `
Each line: ✓ passed, ! warning (works, but look at it), ✗ failed, with the fix.
Exit codes: 0 nothing failed (warnings allowed), 1 something failed, 2 usage error.
Examples:
  blackout-doctor alex_rpi 4 prod
  blackout-doctor --store dynamodb --region eu-central-1 --json`,
    );

export const installCommand = () =>
  withSensor(
    withCommon(new Command('install')).description(
      'Write the scheduled jobs: /etc/cron.d/blackout-monitor, or systemd service + timer units.',
    ),
  )
    .addOption(installOptions.scheduler())
    .addOption(installOptions.user())
    .addOption(installOptions.node())
    .addOption(installOptions.project())
    .addOption(installOptions.root())
    .addOption(installOptions.dryRun())
    .addOption(installOptions.force())
    .addHelpText(
      'after',
      `
The jobs also read /etc/default/blackout-monitor when it exists (notifications, AWS settings);
the options given here are written into the job command lines and win over it.
Exit codes: 0 written (or unchanged, or dry run), 1 refused or not writable, 2 usage error
            (also: --node, --project or --user not found under --root).
Examples:
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --dry-run
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --scheduler systemd --store dynamodb --region eu-central-1`,
    );

export const quickstartCommand = () =>
  withCommon(new Command('quickstart'))
    .description('Quick start: record simulated days through the real pipeline into the local store and show them.')
    .addOption(quickstartOptions.days())
    .addOption(quickstartOptions.until());

/** The scheduled jobs' definitions, for the command lines blackout-install writes. */
export const JOB_COMMANDS = { 'read-pin': readPinCommand, aggregate: aggregateCommand, doctor: doctorCommand } as const;
export type JobScript = keyof typeof JOB_COMMANDS;
