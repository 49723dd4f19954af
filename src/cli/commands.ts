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
  devicesOptions,
  doctorOptions,
  folderOptions,
  importOptions,
  installOptions,
  notifyOptions,
  outputOptions,
  publishOptions,
  quickstartOptions,
  readPinOptions,
  reportOptions,
  scheduleOptions,
  sensorOptions,
  seriesOptions,
  serveOptions,
  settingsOptions,
  storeOptions,
  timeLimitOption,
} from './options.js';
import { deviceValue, modeValue, pathValue, pinValue } from './values.js';

/** `[device] [pin] [mode]` and their named forms, and the settings file: every command takes these. */
/** `everySeries`: without a device and pin the command is about every series of the store (publish). */
function withSeries<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
  everySeries = false,
) {
  const every = '(default: every series the store holds)';
  return command
    .argument('[device]', `device alias ${everySeries ? every : `(default "${DEFAULT_DEVICE}")`}`, deviceValue)
    .argument('[pin]', `GPIO pin, BCM numbering ${everySeries ? every : `(default ${DEFAULT_PIN})`}`, pinValue)
    .argument(
      '[mode]',
      `mode: dev, prod, … - names the tables, buffer folder and database (default "${DEFAULT_MODE}")`,
      modeValue,
    )
    .addOption(settingsOptions.settingsFile())
    .addOption(seriesOptions.device())
    .addOption(seriesOptions.pin())
    .addOption(seriesOptions.mode());
}

function withStore<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(storeOptions.store())
    .addOption(storeOptions.db())
    .addOption(storeOptions.endpoint())
    .addOption(storeOptions.region());
}

function withLogs<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(folderOptions.logDir())
    .addOption(folderOptions.logKeepDays())
    .addOption(folderOptions.verbose());
}

/** The series, the store, the buffer folder and the logs: the commands that run the pipeline. */
function withCommon<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return withLogs(withStore(withSeries(command)).addOption(folderOptions.bufferDir()));
}

/** The same without the buffer folder: commands that only read the store. */
function withStoreReader<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
  everySeries = false,
) {
  return withLogs(withStore(withSeries(command, everySeries)));
}

/** `[mode]` and the store options: the commands about a whole store rather than one series. */
function withWholeStore<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return withStore(
    command
      .argument(
        '[mode]',
        `mode: dev, prod, … - names the tables and the database (default "${DEFAULT_MODE}")`,
        modeValue,
      )
      .addOption(settingsOptions.settingsFile())
      .addOption(seriesOptions.mode()),
  );
}

function withSchedule<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(scheduleOptions.schedule())
    .addOption(scheduleOptions.scheduleGroup())
    .addOption(scheduleOptions.scheduleFormat())
    .addOption(scheduleOptions.scheduleCache());
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

function withOutputs<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(outputOptions.svitlobotKey())
    .addOption(outputOptions.svitlobotUrl())
    .addOption(outputOptions.mqttUrl())
    .addOption(outputOptions.mqttDiscoveryPrefix())
    .addOption(outputOptions.prometheusFile());
}

export const readPinCommand = () =>
  withSchedule(
    withOutputs(
      withNotify(
        withSensor(
          withCommon(new Command('blackout-read-pin')).description(
            'Read the power pin once, buffer the reading on disk and flush the buffer to the store.',
          ),
        ),
      ),
    ),
  )
    .addOption(scheduleOptions.notifyUnplanned())
    .addOption(readPinOptions.at())
    .addOption(readPinOptions.flushOnly())
    .addOption(publishOptions.publishDir())
    .addHelpText(
      'after',
      `
Outputs (Svitlobot, Home Assistant over MQTT, Prometheus textfile) run after the flush; one that is
down only logs a warning: the exit code says how the reading went.
--notify-unplanned with --schedule: an outage's message says whether the schedule planned it
("— not in the schedule for group 2.1", "— planned 14:00–17:00"), from the copy blackout-aggregate
cached (read-pin never fetches); with no copy, or one older than 6 hours, it says nothing of it.
Exit codes: 0 reading recorded (stored, or buffered while the store is unreachable),
            1 the reading could not be taken or written to disk, 2 usage error.
Examples:
  blackout-read-pin alex_rpi 4 prod                 as the Python version's cron line
  blackout-read-pin --sensor simulate --verbose     try it without a Pi
  blackout-read-pin --store dynamodb --region eu-central-1`,
    );

export const aggregateCommand = () =>
  withSchedule(withCommon(new Command('blackout-aggregate')))
    .description('Aggregate pending minute readings into hours and days (or recompute a date range).')
    .addOption(aggregateOptions.from())
    .addOption(aggregateOptions.to())
    .addOption(publishOptions.publishDir())
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
  blackout-aggregate --from 2025-06-01 --to 2025-06-30        recompute June from the minute data
With --schedule URL it also fetches the outage schedule into its cache (a failure is a warning).`,
    );

export const importCommand = () =>
  withCommon(
    new Command('blackout-import')
      .description(
        'Import many readings at once (CSV ts,reading or buffered JSON) into the store; a stored reading is never overwritten unless --replace.',
      )
      .argument('<file>', 'CSV file of ts,reading lines, file of JSON lines, or a folder of buffer files', pathValue),
  )
    .addOption(importOptions.replace())
    .addOption(timeLimitOption(3600))
    .addHelpText(
      'after',
      `
Formats, told apart by the content:
  CSV         ts,reading a line: an ISO time with its offset, then 1 (power) or 0 (none);
              one header line allowed, e.g. ts,reading
  JSON lines  one buffered reading a line, as in buffer/<mode>/*.json
  a folder    buffer files (*.json), e.g. a copy of another Pi's buffer/<mode>/ (left as it is)
Readings go to the store as buffered ones do, 1000 a call: a minute already holding the same reading is
"already there"; one holding another reading is a conflict and keeps it. --replace overwrites it instead,
logs old and new value, and leaves the minute pending: the next blackout-aggregate recomputes its hour and
day. Lines that are no reading (bad time, reading not 0/1, dated in the future, another device's) are
listed in the summary on stdout with their line number; a progress line goes to stderr on a terminal.
Exit codes: 0 imported (with any per-line problems in the summary), 1 runtime failure (store, lock, time
            limit: what came before is stored, run it again), 2 usage error or nothing could be read.
Examples:
  blackout-import history.csv alex_rpi 4 prod
  blackout-import /mnt/old-sd/home/pi/dev/blackout/buffer/prod alex_rpi 4 prod
  blackout-import corrections.csv alex_rpi 4 prod --replace`,
    );

export const copyCommand = () =>
  withStoreReader(new Command('blackout-copy'))
    .description('Copy minutes, hours and days of a date range from the --store to the --target store.')
    .addOption(copyOptions.target())
    .addOption(copyOptions.targetDb())
    .addOption(copyOptions.targetEndpoint())
    .addOption(copyOptions.targetRegion())
    .addOption(copyOptions.from())
    .addOption(copyOptions.to())
    .addOption(timeLimitOption(3600))
    .addHelpText(
      'after',
      `
Examples:
  blackout-copy alex_rpi 4 prod --target dynamodb --from 2025-01-01 --to 2025-12-31   move a local history to AWS
  blackout-copy alex_rpi 4 prod --store dynamodb --target sqlite --from 2025-06-01 --to 2025-06-30`,
    );

export const reportCommand = () =>
  withSchedule(withStoreReader(new Command('blackout-report')))
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
  blackout-report --last 30d --format ics --out outages.ics          outages for a phone calendar
  blackout-report --last 7d --tz Europe/Kyiv --schedule https://example.org/kyiv.json --schedule-group 2.1
                                                                   planned vs actual outages`,
    );

export const publishCommand = () =>
  withSchedule(withStoreReader(new Command('blackout-publish'), true))
    .description(
      'Write the web dashboard and its data as static files into a folder, for nginx, an S3 bucket or GitHub Pages.',
    )
    .addOption(publishOptions.out())
    .addOption(serveOptions.webDir())
    .addOption(publishOptions.days())
    .addOption(reportOptions.tz())
    .addOption(publishOptions.asOf())
    .addOption(publishOptions.webSource())
    .addOption(publishOptions.identityPoolId())
    .addOption(publishOptions.guestRoleArn())
    .addOption(publishOptions.webAccessKeyId())
    .addOption(publishOptions.webSecretAccessKey())
    .addOption(timeLimitOption(600))
    .addHelpText(
      'after',
      `
Without a device and pin: every series the store holds. Writes index.html and the app, config.json, and
api/ (devices, status, calendar, one minute file per UTC day of the last --days, and with --schedule the
cached plan for the Now page: it never fetches, blackout-aggregate does); a file is written
only when its content changed, and files no longer produced (older days) are removed, so
\`aws s3 sync --delete DIR s3://bucket/\` uploads only what changed. Only reads the store.
With --web-source dynamodb: the app and a config.json that makes the browser read the tables through a
Cognito identity pool (doc/web-on-s3.md); no api/ files.
Exit codes: 0 done, 1 failure (also: the web app is not built), 2 usage error.
Examples:
  blackout-publish --mode prod --out /var/www/power                  every series, for nginx
  blackout-publish alex_rpi 4 prod --out site && aws s3 sync --delete site s3://my-bucket/
  blackout-publish alex_rpi 4 prod --out site --web-source dynamodb --region eu-central-1 \\
      --identity-pool-id eu-central-1:1a2b3c4d-0000-1111-2222-333344445555`,
    );

export const devicesCommand = () =>
  withWholeStore(new Command('blackout-devices'))
    .description(
      'List every device and pin the store holds readings of, with the first and last reading and their number.',
    )
    .addOption(devicesOptions.format())
    .addOption(reportOptions.tz())
    .addOption(timeLimitOption(120))
    .addHelpText(
      'after',
      `
Only reads: creates nothing, not even a log.
Exit codes: 0 done (also when the store holds no readings yet), 1 failure, 2 usage error (or no such database).
Examples:
  blackout-devices prod                       a table, times in the system zone
  blackout-devices prod --store dynamodb --region eu-central-1 --format json`,
    );

export const notifyTestCommand = () =>
  withNotify(withLogs(withSeries(new Command('blackout-notify-test'))))
    .addOption(outputOptions.svitlobotKey())
    .addOption(outputOptions.svitlobotUrl())
    .description(
      'Send a test message through every configured notification channel (and one Svitlobot ping) and report each result.',
    )
    .addHelpText(
      'after',
      `
Uses the notification options and BLACKOUT_* variables of blackout-read-pin. Prints one line per channel.
Exit codes: 0 every channel accepted the message, 1 at least one did not, 2 usage error (or nothing configured).
Example:
  BLACKOUT_TELEGRAM_TOKEN=123:abc BLACKOUT_TELEGRAM_CHAT_ID=42 blackout-notify-test alex_rpi 4 prod`,
    );

export const doctorCommand = () =>
  withOutputs(
    withSensor(
      withCommon(new Command('blackout-doctor')).description(
        'Check the whole set-up (Node, pin, clock, store, buffer, schedule, disk, outputs) and say how to fix what is wrong.',
      ),
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
  withSchedule(
    withOutputs(
      withSensor(
        withCommon(new Command('blackout-install')).description(
          'Write the scheduled jobs: /etc/cron.d/blackout-monitor, or systemd service + timer units (--uninstall removes them).',
        ),
      ),
    ),
  )
    .addOption(scheduleOptions.notifyUnplanned())
    .addOption(installOptions.scheduler())
    .addOption(installOptions.user())
    .addOption(installOptions.node())
    .addOption(installOptions.project())
    .addOption(installOptions.root())
    .addOption(installOptions.dashboard())
    .addOption(serveOptions.host())
    .addOption(serveOptions.port())
    .addOption(installOptions.dryRun())
    .addOption(installOptions.force())
    .addOption(installOptions.uninstall())
    .addOption(publishOptions.publishDir())
    .addHelpText(
      'after',
      `
The jobs also read /etc/default/blackout-monitor when it exists (notifications, AWS settings);
the options given here are written into the job command lines and win over it. Secrets (the Svitlobot
key, an MQTT password) are refused here: the job files are world-readable; put them in that file.
--uninstall removes exactly what install writes for the same options (so: the install command line
plus --uninstall); a file that differs (changed since, or written for other options) is left and named.
It never touches /etc/default/blackout-monitor, the store, the buffer or the logs. With systemd, first:
sudo systemctl disable --now blackout-read-pin.timer blackout-aggregate.timer (refused while enabled).
Exit codes: 0 written (or unchanged, or dry run; --uninstall: removed, or nothing there), 1 refused or not
            writable (--uninstall: a file left, or not removable), 2 usage error
            (also: --node, --project or --user not found under --root; not checked by --uninstall).
Examples:
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --dry-run
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --scheduler systemd --store dynamodb --region eu-central-1
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --uninstall --dry-run
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --scheduler systemd --dashboard --host 0.0.0.0`,
    );

export const serveCommand = () =>
  withSchedule(withStoreReader(new Command('blackout-serve')))
    .description(
      'Serve the dashboard: the web app and a read-only JSON API (devices, status, report, outages) computed from the store on each request.',
    )
    .addOption(serveOptions.host())
    .addOption(serveOptions.port())
    .addOption(serveOptions.token())
    .addOption(reportOptions.tz())
    .addOption(serveOptions.webDir())
    .addOption(timeLimitOption(30))
    .addHelpText(
      'after',
      `
Reads the store only (never writes it) and serves every series it holds; [device] [pin] are the
default series of the API. --time-limit bounds each request. Runs until SIGTERM or SIGINT (exit 0).
Routes: / (the app), /config.json, /healthz, /api/devices, /api/status?device=&pin=,
  /api/report?… (the JSON of blackout-report --format json, same options without --),
  /api/outages.ics?device=&pin= (a calendar subscription: add &token= with --token),
  /api/minutes/<device>/<pin>/<YYYY-MM-DD>.json,
  /api/schedule/<device>/<pin>.json (with --schedule: the cached plan for the Now page; 404 without)
Exit codes: 0 stopped by a signal, 1 cannot listen or failure, 2 usage error.
Examples:
  blackout-serve alex_rpi 4 prod                          http://127.0.0.1:8080/ on this machine
  BLACKOUT_DASHBOARD_TOKEN=$(openssl rand -hex 16) blackout-serve --mode prod --host 0.0.0.0   for the phone`,
    );

export const quickstartCommand = () =>
  withCommon(new Command('blackout-quickstart'))
    .description('Quick start: record simulated days through the real pipeline into the local store and show them.')
    .addOption(quickstartOptions.days())
    .addOption(quickstartOptions.until());

/** The scheduled jobs' definitions, for the command lines blackout-install writes. */
export const JOB_COMMANDS = {
  'read-pin': readPinCommand,
  aggregate: aggregateCommand,
  doctor: doctorCommand,
  serve: serveCommand,
} as const;
export type JobScript = keyof typeof JOB_COMMANDS;
