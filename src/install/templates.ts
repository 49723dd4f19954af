/**
 * The scheduled jobs, one generator per file: the cron.d file, or systemd service + timer units.
 * Pure functions of the settings, so the committed examples in cron_example/ can be compared with
 * what blackout-install writes.
 */
import { dirname } from 'node:path';
import type { JobScript } from '../cli/commands.js';
import { type JobOptions, jobArguments } from '../cli/job-args.js';
import type { Scheduler } from './schedulers.js';

export interface JobSettings {
  device: string;
  pin: number;
  mode: string;
  /** System user the jobs run as (its groups give GPIO access; its HOME holds ~/.aws). */
  user: string;
  /** Absolute path of the node binary: cron's PATH does not know nvm or /usr/local installs. */
  node: string;
  /** Absolute path of the project folder (holding dist/). */
  projectDir: string;
  /**
   * What blackout-install was told, written as command-line options into the jobs: options beat
   * the environment and ENV_FILE.
   */
  options: JobOptions;
  /** Also the dashboard server, blackout-serve.service (systemd only). */
  dashboard?: boolean;
}

/**
 * The settings file every job reads itself, literally (`--settings-file`: notification channels, AWS
 * credentials, …; README "Notifications"). Optional: a missing file is fine.
 */
export const ENV_FILE = '/etc/default/blackout-monitor';

export const CRON_FILE = '/etc/cron.d/blackout-monitor';
export const SYSTEMD_DIR = '/etc/systemd/system';
export const READ_UNIT = 'blackout-read-pin';
export const AGGREGATE_UNIT = 'blackout-aggregate';
export const SERVE_UNIT = 'blackout-serve';
/**
 * node's flags for the dashboard: a young generation of 2 MiB per semi-space instead of up to 16.
 * A server allocating a little per request grows it to the maximum and keeps it (about 10 MiB of
 * RSS in the SERVE bench, doc/benchmarks.md); the short-lived objects of a request fit in 2.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** node's own folder first, so anything the jobs start finds the same node. */
function jobSearchPath(settings: JobSettings): string {
  const nodeDir = dirname(settings.node);
  return (SYSTEM_PATH.includes(nodeDir) ? SYSTEM_PATH : [nodeDir, ...SYSTEM_PATH]).join(':');
}

const series = (s: JobSettings): string => `${s.device} ${s.pin} ${s.mode}`;
/**
 * The settings file, the options `script` takes, then `--` and `device pin mode`: after `--` no value
 * can be read as an option. Every value is validated plain: no quoting needed.
 */
const scriptArgs = (s: JobSettings, script: JobScript): string =>
  [...jobArguments(script, { settingsFile: ENV_FILE, ...s.options }), '--', series(s)].join(' ');
const command = (s: JobSettings, script: JobScript, nodeFlags: readonly string[] = []): string =>
  [s.node, ...nodeFlags, `${s.projectDir}/dist/${script}.js`, scriptArgs(s, script)].join(' ');

export function cronFile(s: JobSettings): string {
  return [
    `# ${CRON_FILE}: Blackout Monitor for device ${s.device}, pin ${s.pin}, mode ${s.mode}.`,
    '# Written by blackout-install. Every minute: read the pin, buffer the reading, flush the',
    '# buffer to the store. At :05 every hour: roll the minutes up into hours and days.',
    `# The jobs are silent when all is well; logs are in ${s.options.logDir ?? `${s.projectDir}/logs`}/.`,
    `# Settings such as notifications and AWS credentials: ${ENV_FILE} (NAME=value lines,`,
    `# read as written, readable by ${s.user}); the options written here win over it.`,
    `# Check the set-up with: ${command(s, 'doctor')}`,
    'SHELL=/bin/sh',
    `PATH=${jobSearchPath(s)}`,
    '',
    '# m h dom mon dow user command',
    `* * * * * ${s.user} ${command(s, 'read-pin')}`,
    `5 * * * * ${s.user} ${command(s, 'aggregate')}`,
    '',
  ].join('\n');
}

function service(s: JobSettings, unit: string, what: string, script: JobScript, timeoutSec: number): string {
  return [
    '[Unit]',
    `Description=Blackout Monitor: ${what} (device ${s.device}, pin ${s.pin}, mode ${s.mode})`,
    `Documentation=file://${s.projectDir}/README.md`,
    '',
    '[Service]',
    'Type=oneshot',
    `User=${s.user}`,
    `WorkingDirectory=${s.projectDir}`,
    `Environment=PATH=${jobSearchPath(s)}`,
    `ExecStart=${command(s, script)}`,
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=${unit}`,
    `TimeoutStartSec=${timeoutSec}`,
    '',
  ].join('\n');
}

function timer(unit: string, what: string, onCalendar: string): string {
  return [
    '[Unit]',
    `Description=Blackout Monitor: ${what}`,
    '',
    '[Timer]',
    `OnCalendar=${onCalendar}`,
    'AccuracySec=1s',
    // After a power cut the Pi boots late: run the missed job once at boot.
    'Persistent=true',
    `Unit=${unit}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

const readPinService = (s: JobSettings): string => service(s, READ_UNIT, 'read the power pin', 'read-pin', 55);
const readPinTimer = (): string => timer(READ_UNIT, 'read the power pin every minute', '*-*-* *:*:00');
const aggregateService = (s: JobSettings): string =>
  service(s, AGGREGATE_UNIT, 'roll up hours and days', 'aggregate', 1800);
const aggregateTimer = (): string => timer(AGGREGATE_UNIT, 'roll up hours and days at :05 every hour', '*-*-* *:05:00');

/** The dashboard: a long-running service, restarted when it fails, started at boot once enabled. */
const serveService = (s: JobSettings): string =>
  [
    '[Unit]',
    `Description=Blackout Monitor: dashboard (device ${s.device}, pin ${s.pin}, mode ${s.mode})`,
    `Documentation=file://${s.projectDir}/README.md`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${s.user}`,
    `WorkingDirectory=${s.projectDir}`,
    `Environment=PATH=${jobSearchPath(s)}`,
    // The token comes from the settings file (BLACKOUT_DASHBOARD_TOKEN), never this line: ExecStart is public.
    `ExecStart=${command(s, 'serve', SERVE_NODE_FLAGS)}`,
    'Restart=on-failure',
    'RestartSec=10',
    'NoNewPrivileges=true',
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=${SERVE_UNIT}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');

export interface PlannedFile {
  /** Absolute path on the target system (before the install root is prepended). */
  path: string;
  content: string;
}

export function plannedFiles(scheduler: Scheduler, s: JobSettings): PlannedFile[] {
  if (scheduler === 'cron') return [{ path: CRON_FILE, content: cronFile(s) }];
  return [
    { path: `${SYSTEMD_DIR}/${READ_UNIT}.service`, content: readPinService(s) },
    { path: `${SYSTEMD_DIR}/${READ_UNIT}.timer`, content: readPinTimer() },
    { path: `${SYSTEMD_DIR}/${AGGREGATE_UNIT}.service`, content: aggregateService(s) },
    { path: `${SYSTEMD_DIR}/${AGGREGATE_UNIT}.timer`, content: aggregateTimer() },
    ...(s.dashboard ? [{ path: `${SYSTEMD_DIR}/${SERVE_UNIT}.service`, content: serveService(s) }] : []),
  ];
}

/** Where the installed dashboard answers: the host and port written into its unit, or the defaults. */
function dashboardAddress(s: JobSettings): string {
  const host = String(s.options.host ?? '127.0.0.1');
  const shown = host === '0.0.0.0' || host === '::' ? '<this Pi>' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${s.options.port ?? 8080}/`;
}

/** What to run after the files are in place. */
export function nextSteps(scheduler: Scheduler, s: JobSettings): string[] {
  const doctor = `blackout-doctor ${scriptArgs(s, 'doctor')}  (or: ${command(s, 'doctor')})`;
  if (scheduler === 'cron') return ['cron reads /etc/cron.d within a minute; then check with:', `  ${doctor}`];
  const units = [`${READ_UNIT}.timer`, `${AGGREGATE_UNIT}.timer`, ...(s.dashboard ? [`${SERVE_UNIT}.service`] : [])];
  const logs = [READ_UNIT, AGGREGATE_UNIT, ...(s.dashboard ? [SERVE_UNIT] : [])].map((u) => `-u ${u}`).join(' ');
  return [
    s.dashboard ? 'enable the timers and the dashboard:' : 'enable the timers:',
    `  sudo systemctl daemon-reload && sudo systemctl enable --now ${units.join(' ')}`,
    `logs: journalctl ${logs}; then check with:`,
    `  ${doctor}`,
    ...(s.dashboard
      ? [
          `the dashboard: ${dashboardAddress(s)} (a token for it: BLACKOUT_DASHBOARD_TOKEN=… in ${ENV_FILE},`,
          '  needed when --host is not 127.0.0.1; then: sudo systemctl restart blackout-serve)',
        ]
      : []),
  ];
}

/** The documented example (README, cron_example/): what blackout-install writes for these values. */
export const EXAMPLE_SETTINGS: JobSettings = {
  device: 'alex_rpi',
  pin: 4,
  mode: 'prod',
  user: 'pi',
  node: '/usr/bin/node',
  projectDir: '/home/pi/dev/blackout',
  options: { store: 'sqlite' },
};

/** cron_example/ paths of the generated examples. */
export function exampleFiles(): PlannedFile[] {
  return [
    { path: 'cron.d/blackout-monitor', content: cronFile(EXAMPLE_SETTINGS) },
    ...plannedFiles('systemd', EXAMPLE_SETTINGS).map((f) => ({
      path: `systemd/${f.path.slice(SYSTEMD_DIR.length + 1)}`,
      content: f.content,
    })),
  ];
}
