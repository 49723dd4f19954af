/**
 * The one option table: every option of every command, defined once — flag, environment variable,
 * parser (the validation and the type), default and help text. Commands pick the groups they take
 * (commands.ts); `blackout-install` writes the same definitions back into the jobs' command lines.
 * Option types are inferred from these definitions (@commander-js/extra-typings).
 */
import { Option } from '@commander-js/extra-typings';
import { DEFAULT_PUBLISH_DAYS } from '../dashboard/contract.js';
import { DEFAULT_MERGE_GAP } from '../domain/outages.js';
import { SCHEDULE_FORMATS } from '../domain/schedule.js';
import { SCHEDULERS } from '../install/schedulers.js';
import { DEFAULT_DEBOUNCE, DEFAULT_GAP_MINUTES, DEFAULT_TIMEOUT_MS } from '../notify/config.js';
import { LANGUAGES } from '../notify/messages.js';
import { DEFAULT_DISCOVERY_PREFIX } from '../outputs/mqtt/discovery.js';
import { DEFAULT_SVITLOBOT_URL } from '../outputs/svitlobot/svitlobot.js';
import { SOURCES } from '../report/load.js';
import { CSV_TABLES } from '../report/render-csv.js';
import { FORMATS } from '../report/report.js';
import { STORE_KINDS } from '../stores/store.js';
import {
  countValue,
  dateValue,
  deviceValue,
  endpointValue,
  hostValue,
  httpUrl,
  instantText,
  matching,
  modeValue,
  mqttTopicPrefix,
  mqttUrl,
  oneOf,
  pathValue,
  pinValue,
  regionValue,
  sensorValue,
  settingsFileValue,
  timeZoneValue,
  tokenValue,
  userValue,
  wholeNumber,
} from './values.js';

export const DEFAULT_DEVICE = 'temp';
export const DEFAULT_PIN = 4;
export const DEFAULT_MODE = 'dev';

const storeKind = oneOf(STORE_KINDS, 'sqlite or dynamodb');
export const DEVICES_FORMATS = ['table', 'json'] as const;

/** Settings file (first of every command: it may set the variables of the others). */
export const settingsOptions = {
  settingsFile: () =>
    new Option(
      '--settings-file <file>',
      'read NAME=value settings from this file, literally (a missing file is skipped)',
    )
      .env('BLACKOUT_SETTINGS_FILE')
      .argParser(settingsFileValue),
};

/** `[device] [pin] [mode]` in their named forms: the series and the mode every command works on. */
export const seriesOptions = {
  device: () =>
    new Option('--device <alias>', 'device alias, [A-Za-z0-9_.-]{1,64}').env('BLACKOUT_DEVICE').argParser(deviceValue),
  pin: () => new Option('--pin <bcm>', 'GPIO pin, BCM numbering 0-53').env('BLACKOUT_PIN').argParser(pinValue),
  mode: () => new Option('--mode <mode>', 'mode, [a-z0-9_-]{1,32}').env('BLACKOUT_MODE').argParser(modeValue),
};

export const storeOptions = {
  store: () =>
    new Option('--store <kind>', 'sqlite or dynamodb')
      .env('BLACKOUT_STORE')
      .default('sqlite' as const)
      .argParser(storeKind),
  db: () =>
    new Option('--db <file>', 'SQLite database file (default data/<mode>.sqlite)')
      .env('BLACKOUT_DB')
      .argParser(pathValue),
  endpoint: () =>
    new Option('--endpoint <url>', 'DynamoDB endpoint (default: AWS_ENDPOINT_URL_DYNAMODB or AWS)')
      .env('BLACKOUT_DYNAMODB_ENDPOINT')
      .argParser(endpointValue),
  region: () =>
    new Option('--region <region>', 'AWS region (default: AWS_REGION or ~/.aws/config)')
      .env('BLACKOUT_REGION')
      .argParser(regionValue),
};

export const folderOptions = {
  bufferDir: () =>
    new Option('--buffer-dir <dir>', "buffer folder (default: the project's buffer/)")
      .env('BLACKOUT_BUFFER_DIR')
      .argParser(pathValue),
  logDir: () =>
    new Option('--log-dir <dir>', "log folder (default: the project's logs/)")
      .env('BLACKOUT_LOG_DIR')
      .argParser(pathValue),
  logKeepDays: () =>
    new Option('--log-keep-days <n>', 'delete daily log files older than this')
      .env('BLACKOUT_LOG_KEEP_DAYS')
      .default(30)
      .argParser(wholeNumber(3650)),
  verbose: () => new Option('--verbose', 'mirror the log to the terminal in readable form').env('BLACKOUT_VERBOSE'),
};

export const sensorOptions = {
  sensor: () =>
    new Option('--sensor <kind>', 'gpio (sysfs, else gpiod), onoff, gpiod, simulate or file:PATH')
      .env('BLACKOUT_SENSOR')
      .default('gpio')
      .argParser(sensorValue),
  activeLow: () =>
    new Option('--active-low', 'invert the pin (relay wired to pull low on power)').env('BLACKOUT_ACTIVE_LOW'),
  sysfsRoot: () =>
    new Option('--sysfs-root <dir>', 'sysfs mount for the gpiochip lookup (default /sys)')
      .env('BLACKOUT_SYSFS_ROOT')
      .argParser(pathValue),
  gpioget: () =>
    new Option('--gpioget <path>', 'libgpiod gpioget binary (default: from PATH)')
      .env('BLACKOUT_GPIOGET')
      .argParser(pathValue),
};

/**
 * Notification and heartbeat options. Secrets are best given through the environment (BLACKOUT_*):
 * command lines are visible to every user in `ps`.
 */
export const notifyOptions = {
  webhookUrl: () =>
    new Option('--webhook-url <url>', 'POST power events as JSON to this URL')
      .env('BLACKOUT_WEBHOOK_URL')
      .argParser(httpUrl),
  webhookSecret: () =>
    new Option(
      '--webhook-secret <secret>',
      'sign webhook requests: X-Blackout-Signature, HMAC-SHA256 of timestamp.body',
    ).env('BLACKOUT_WEBHOOK_SECRET'),
  telegramToken: () =>
    new Option('--telegram-token <token>', 'Telegram bot token')
      .env('BLACKOUT_TELEGRAM_TOKEN')
      .argParser(matching(/^[A-Za-z0-9:_-]+$/, 'a bot token like 123456:ABC-def')),
  telegramChatId: () =>
    new Option('--telegram-chat-id <id>', 'Telegram chat id')
      .env('BLACKOUT_TELEGRAM_CHAT_ID')
      .argParser(matching(/^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/, 'a numeric chat id or @channelname')),
  telegramApiUrl: () =>
    new Option('--telegram-api-url <url>', 'Telegram Bot API base URL (default https://api.telegram.org)')
      .env('BLACKOUT_TELEGRAM_API_URL')
      .argParser(httpUrl),
  ntfyUrl: () =>
    new Option('--ntfy-url <url>', 'ntfy topic URL, e.g. https://ntfy.sh/<topic>')
      .env('BLACKOUT_NTFY_URL')
      .argParser(httpUrl),
  ntfyToken: () => new Option('--ntfy-token <token>', 'ntfy access token').env('BLACKOUT_NTFY_TOKEN'),
  heartbeatUrl: () =>
    new Option('--heartbeat-url <url>', 'ping after every run (Healthchecks.io or Uptime Kuma push URL)')
      .env('BLACKOUT_HEARTBEAT_URL')
      .argParser(httpUrl),
  lang: () =>
    new Option('--lang <lang>', 'message language: en or uk')
      .env('BLACKOUT_LANG')
      .default('en' as const)
      .argParser(oneOf(LANGUAGES)),
  timeZone: () =>
    new Option('--time-zone <zone>', "time zone for times in messages (default: the system's)")
      .env('BLACKOUT_TIME_ZONE')
      .argParser(timeZoneValue('an IANA zone like Europe/Kyiv')),
  debounce: () =>
    new Option('--debounce <n>', 'consecutive readings that confirm a power change')
      .env('BLACKOUT_DEBOUNCE')
      .default(DEFAULT_DEBOUNCE)
      .argParser(wholeNumber(60)),
  gapMinutes: () =>
    new Option('--gap-minutes <n>', "report the monitor's own gaps of at least this many minutes")
      .env('BLACKOUT_GAP_MINUTES')
      .default(DEFAULT_GAP_MINUTES)
      .argParser(wholeNumber(10_080)),
  notifyTimeout: () =>
    new Option('--notify-timeout <seconds>', 'timeout of each notification, heartbeat or output request')
      .env('BLACKOUT_NOTIFY_TIMEOUT')
      .default(DEFAULT_TIMEOUT_MS / 1000)
      .argParser(wholeNumber(10)),
};

/**
 * The minute job's outputs (src/outputs): each off unless configured, run after the flush within the
 * notification budget, each request bounded by --notify-timeout.
 */
export const outputOptions = {
  svitlobotKey: () =>
    new Option('--svitlobot-key <key>', 'Svitlobot channel key: ping Svitlobot after every fresh ON reading')
      .env('BLACKOUT_SVITLOBOT_KEY')
      .argParser(matching(/^[A-Za-z0-9_-]{1,128}$/, 'a channel key of A-Z a-z 0-9 _ -')),
  svitlobotUrl: () =>
    new Option('--svitlobot-url <url>', `Svitlobot API base URL (default ${DEFAULT_SVITLOBOT_URL})`)
      .env('BLACKOUT_SVITLOBOT_URL')
      .argParser(httpUrl),
  mqttUrl: () =>
    new Option('--mqtt-url <url>', 'MQTT broker for Home Assistant discovery, mqtt://user:pass@host:1883 or mqtts://')
      .env('BLACKOUT_MQTT_URL')
      .argParser(mqttUrl),
  mqttDiscoveryPrefix: () =>
    new Option('--mqtt-discovery-prefix <prefix>', 'Home Assistant MQTT discovery prefix')
      .env('BLACKOUT_MQTT_DISCOVERY_PREFIX')
      .default(DEFAULT_DISCOVERY_PREFIX)
      .argParser(mqttTopicPrefix),
  prometheusFile: () =>
    new Option(
      '--prometheus-file <file>',
      'rewrite this node_exporter textfile (…/node-exporter/blackout.prom) every run',
    )
      .env('BLACKOUT_PROMETHEUS_FILE')
      .argParser(pathValue),
};

/** serve: where the dashboard listens, who may read it, and where the built app is. */
export const serveOptions = {
  host: () =>
    new Option(
      '--host <address>',
      'address to listen on: 127.0.0.1 (this machine), 0.0.0.0 (every network: give --token)',
    )
      .env('BLACKOUT_DASHBOARD_HOST')
      .default('127.0.0.1')
      .argParser(hostValue),
  port: () =>
    new Option('--port <port>', 'TCP port to listen on')
      .env('BLACKOUT_DASHBOARD_PORT')
      .default(8080)
      .argParser(wholeNumber(65_535)),
  token: () =>
    new Option(
      '--token <token>',
      'every request needs it: header Authorization: Bearer <token>, or ?token=<token> (a cookie then keeps it)',
    )
      .env('BLACKOUT_DASHBOARD_TOKEN')
      .argParser(tokenValue),
  webDir: () =>
    new Option('--web-dir <dir>', 'folder of the built web app (default: dist/web of this installation)')
      .env('BLACKOUT_WEB_DIR')
      .argParser(pathValue),
};

export const WEB_SOURCES = ['json', 'dynamodb'] as const;

/** publish: the folder, the app and where the app's data come from; `--publish-dir` of the jobs. */
export const publishOptions = {
  out: () =>
    new Option('--out <dir>', 'folder to write the web app and its data into (created if missing)')
      .makeOptionMandatory()
      .argParser(pathValue),
  days: () =>
    new Option('--days <n>', 'UTC days of minute files, ending today')
      .default(DEFAULT_PUBLISH_DAYS)
      .argParser(wholeNumber(366)),
  asOf: () =>
    new Option('--as-of <time>', 'publish the data as they stood at this ISO time (default: now)').argParser(
      instantText,
    ),
  webSource: () =>
    new Option('--web-source <source>', 'json (the files written here) or dynamodb (the browser reads the tables)')
      .default('json' as const)
      .argParser(oneOf(WEB_SOURCES)),
  identityPoolId: () =>
    new Option(
      '--identity-pool-id <id>',
      "Cognito identity pool whose guest role may read the mode's tables (--web-source dynamodb)",
    ).argParser(
      matching(
        /^[a-z]{2}(-[a-z]+)+-\d+:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/,
        'a pool id like eu-central-1:1a2b3c4d-0000-1111-2222-333344445555',
      ),
    ),
  guestRoleArn: () =>
    new Option(
      '--guest-role-arn <arn>',
      "the identity pool's guest role: the browser assumes it itself (basic flow; see doc/web-on-s3.md)",
    ).argParser(
      matching(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        'a role ARN like arn:aws:iam::123456789012:role/blackout-dashboard-guest',
      ),
    ),
  webAccessKeyId: () =>
    new Option(
      '--web-access-key-id <id>',
      'fixed credentials for the browser, only with a loopback --endpoint (a local emulator)',
    ).argParser(matching(/^[A-Za-z0-9_-]{1,128}$/, 'an access key id')),
  webSecretAccessKey: () =>
    new Option('--web-secret-access-key <key>', 'the secret of --web-access-key-id').argParser(
      matching(/^[A-Za-z0-9+/=_-]{1,128}$/, 'a secret access key'),
    ),
  publishDir: () =>
    new Option('--publish-dir <dir>', 'after the run, refresh this blackout-publish folder (never fails the run)')
      .env('BLACKOUT_PUBLISH_DIR')
      .argParser(pathValue),
};

/**
 * The published outage schedule to compare with (report), or to keep cached (aggregate, hourly).
 * Not a secret flag (a file path is worth echoing), but of a URL only the origin is ever shown or
 * logged (schedule/fetch.ts), and the cache is named by its hash.
 */
export const scheduleOptions = {
  schedule: () =>
    new Option(
      '--schedule <source>',
      'outage schedule: a file or an http(s) URL (iCalendar, Yasno or outage-data-ua JSON)',
    )
      .env('BLACKOUT_SCHEDULE')
      .argParser(pathValue),
  scheduleGroup: () =>
    new Option('--schedule-group <group>', 'outage group in the schedule, e.g. 2.1')
      .env('BLACKOUT_SCHEDULE_GROUP')
      .argParser(matching(/^[A-Za-z0-9._ -]{1,32}$/, 'a group name like 2.1 or GPV2.1')),
  scheduleFormat: () =>
    new Option('--schedule-format <format>', 'ics, yasno or outage-data-ua (default: told by the content)')
      .env('BLACKOUT_SCHEDULE_FORMAT')
      .argParser(oneOf(SCHEDULE_FORMATS)),
  notifyUnplanned: () =>
    new Option(
      '--notify-unplanned',
      "say in an outage's message whether the --schedule planned it (its cached copy: read-pin never fetches)",
    ).env('BLACKOUT_NOTIFY_UNPLANNED'),
  scheduleCache: () =>
    new Option('--schedule-cache <dir>', "where a fetched schedule is kept (default: the project's data/schedule/)")
      .env('BLACKOUT_SCHEDULE_CACHE')
      .argParser(pathValue),
};

/** Values never echoed in a message (webhook, topic and ping URLs are secrets too). */
export const SECRET_FLAGS: ReadonlySet<string> = new Set(
  [
    'webhookUrl',
    'webhookSecret',
    'telegramToken',
    'telegramChatId',
    'telegramApiUrl',
    'ntfyUrl',
    'ntfyToken',
    'heartbeatUrl',
  ]
    .map((key) => notifyOptions[key as keyof typeof notifyOptions]().long ?? key)
    // The MQTT URL carries the broker password.
    .concat([outputOptions.svitlobotKey().long ?? '', outputOptions.mqttUrl().long ?? ''])
    .concat(serveOptions.token().long ?? '--token')
    .concat(publishOptions.webSecretAccessKey().long ?? '--web-secret-access-key'),
);

/**
 * The overall deadline of a command that talks to the store: past it, requests in flight are
 * cancelled (a store that trickles a byte a second would otherwise hold the command for ever).
 */
export const timeLimitOption = (defaultSeconds: number) =>
  new Option('--time-limit <seconds>', 'stop waiting for the store after this long')
    .env('BLACKOUT_TIME_LIMIT')
    .default(defaultSeconds)
    .argParser(wholeNumber(86_400));

/** read-pin. */
export const readPinOptions = {
  at: () =>
    new Option('--at <time>', 'stamp the reading with this ISO time instead of now (backfill)')
      .env('BLACKOUT_AT')
      .argParser(instantText),
  flushOnly: () => new Option('--flush-only', 'take no reading; only flush the buffer').env('BLACKOUT_FLUSH_ONLY'),
};

/** import: what to do with a minute that holds another reading. */
export const importOptions = {
  replace: () =>
    new Option(
      '--replace',
      'replace a stored reading the file contradicts (each one logged, old and new; aggregate recomputes its hour and day)',
    ),
};

/** aggregate: a backfill range in UTC days. */
export const aggregateOptions = {
  from: () => new Option('--from <date>', 'backfill: recompute from this UTC date or ISO time, regardless of status'),
  to: () => new Option('--to <date>', 'backfill: up to and including this UTC date (or up to this ISO time)'),
};

/** copy: the target store and the range in UTC days. */
export const copyOptions = {
  target: () =>
    new Option('--target <kind>', 'store to copy into: sqlite or dynamodb')
      .makeOptionMandatory()
      .argParser(oneOf(STORE_KINDS)),
  targetDb: () =>
    new Option('--target-db <file>', 'SQLite file of the target (default data/<mode>.sqlite)').argParser(pathValue),
  targetEndpoint: () =>
    new Option('--target-endpoint <url>', 'DynamoDB endpoint of the target').argParser(endpointValue),
  targetRegion: () => new Option('--target-region <region>', 'AWS region of the target').argParser(regionValue),
  from: () => new Option('--from <date>', 'first UTC date (or ISO time)').makeOptionMandatory(),
  to: () => new Option('--to <date>', 'last UTC date, included (or ISO time, excluded)').makeOptionMandatory(),
};

/** report: the period in local days, the zone, what to read and how to write it. */
export const reportOptions = {
  day: () => new Option('--day <date>', 'one local day, YYYY-MM-DD (adds per-hour rows)'),
  month: () => new Option('--month <month>', 'one local month, YYYY-MM'),
  from: () => new Option('--from <when>', 'start: a date (whole local day) or a date-time (local unless zoned)'),
  to: () => new Option('--to <when>', 'end: a date is included, a date-time is excluded (default: today / now)'),
  last: () => new Option('--last <span>', 'the last N hours or local days, e.g. 24h, 7d, 30d (default 7d)'),
  tz: () =>
    new Option('--tz <zone>', 'IANA time zone for days and hours (default: the system zone / TZ)')
      // The settings file's zone (also the messages' --time-zone) reaches reports and the dashboard too.
      .env('BLACKOUT_TIME_ZONE')
      .argParser(timeZoneValue('an IANA time zone such as Europe/Kyiv or UTC')),
  source: () =>
    new Option('--source <source>', 'raw, aggregated or auto').default('auto' as const).argParser(oneOf(SOURCES)),
  format: () =>
    new Option('--format <format>', 'table, json, csv, html or ics (the outages as calendar events)')
      .default('table' as const)
      .argParser(oneOf(FORMATS)),
  mergeGap: () =>
    new Option(
      '--merge-gap <minutes>',
      'one outage across at most this many minutes without a reading between OFF minutes (0: never)',
    )
      .default(DEFAULT_MERGE_GAP)
      .argParser(countValue(1440)),
  csv: () =>
    new Option('--csv <list>', 'with --format csv: days, hours, outages, gaps, status or schedule')
      .default('days' as const)
      .argParser(oneOf(CSV_TABLES)),
  out: () =>
    new Option('--out <file>', 'write to this file instead of stdout (needed for html on a terminal)').argParser(
      pathValue,
    ),
};

/** devices: how the list is written. */
export const devicesOptions = {
  format: () =>
    new Option('--format <format>', 'table or json').default('table' as const).argParser(oneOf(DEVICES_FORMATS)),
};

/** doctor: output and the system programs it asks. */
export const doctorOptions = {
  json: () => new Option('--json', 'print the results as JSON'),
  systemRoot: () =>
    new Option('--system-root <dir>', 'where /etc and /run are (for checking an image)')
      .env('BLACKOUT_SYSTEM_ROOT')
      .default('/')
      .argParser(pathValue),
  pinctrl: () =>
    new Option('--pinctrl <path>', 'pinctrl program').env('BLACKOUT_PINCTRL').default('pinctrl').argParser(pathValue),
  timedatectl: () =>
    new Option('--timedatectl <path>', 'timedatectl program')
      .env('BLACKOUT_TIMEDATECTL')
      .default('timedatectl')
      .argParser(pathValue),
  systemctl: () =>
    new Option('--systemctl <path>', 'systemctl program')
      .env('BLACKOUT_SYSTEMCTL')
      .default('systemctl')
      .argParser(pathValue),
  crontab: () =>
    new Option('--crontab <path>', 'crontab program').env('BLACKOUT_CRONTAB').default('crontab').argParser(pathValue),
  minFreeMb: () =>
    new Option('--min-free-mb <n>', 'fail below this much free disk space')
      .default(50)
      .argParser(wholeNumber(1_000_000)),
};

/** install: where and how the jobs are written (or removed). */
export const installOptions = {
  scheduler: () =>
    new Option('--scheduler <kind>', 'cron or systemd').default('cron' as const).argParser(oneOf(SCHEDULERS)),
  user: () =>
    new Option('--user <name>', 'user the jobs run as (default: the sudo caller or you)').argParser(userValue),
  node: () =>
    new Option('--node <path>', 'node binary the jobs run (absolute path)')
      .default(process.execPath)
      .argParser(pathValue),
  project: () =>
    new Option('--project <dir>', 'project folder holding dist/read-pin.js (default: this one)').argParser(pathValue),
  root: () =>
    new Option('--root <dir>', 'install into this folder instead of /')
      .env('BLACKOUT_INSTALL_ROOT')
      .default('/')
      .argParser(pathValue),
  dryRun: () => new Option('--dry-run', 'print what would be written (or removed); change nothing'),
  force: () => new Option('--force', 'replace existing files that differ'),
  dashboard: () =>
    new Option(
      '--dashboard',
      'also write blackout-serve.service, the dashboard server (systemd only: cron cannot run a server)',
    ),
  uninstall: () =>
    new Option(
      '--uninstall',
      'remove the files install writes for these options (the install command line + --uninstall); one changed since is left',
    ),
};

/** quickstart (npm start). */
export const quickstartOptions = {
  days: () =>
    new Option('--days <n>', 'how many whole local days before today to simulate')
      .default(3)
      .argParser(wholeNumber(366)),
  until: () =>
    new Option('--until <date>', 'simulate the days before this local date, YYYY-MM-DD (default: today)').argParser(
      dateValue,
    ),
};
