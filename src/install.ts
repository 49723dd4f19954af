#!/usr/bin/env node
/** Writes the scheduled jobs (cron.d file or systemd units) for a device, pin, mode and store. */
import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_FAILURE, EXIT_OK, resolveCommon, runCli } from './cli/common.js';
import { parseChoice, UsageError } from './domain/validate.js';
import { type JobSettings, nextSteps, plannedFiles, SCHEDULERS, type Scheduler } from './install/templates.js';
import { InstallRefused, planWrites, writePlanned } from './install/write-files.js';
import { addSensorOptions, resolveSensorChoice } from './sensors/options.js';
import { projectRoot } from './utils/paths.js';

interface InstallOptions {
  scheduler: string;
  user?: string;
  node: string;
  project?: string;
  root: string;
  dryRun?: boolean;
  force?: boolean;
  db?: string;
  endpoint?: string;
  region?: string;
  bufferDir?: string;
  logDir?: string;
}

// cron treats % as a newline and splits on blanks: paths in the files must be plain.
const SAFE_PATH_RE = /^\/[A-Za-z0-9_./@+-]*$/;

function safePath(value: string, flag: string): string {
  const path = isAbsolute(value) ? value : resolve(value);
  if (!SAFE_PATH_RE.test(path)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: an absolute path of A-Z a-z 0-9 _ . / @ + -`);
  }
  return path;
}

function parseUser(value: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) throw new UsageError(`invalid --user ${JSON.stringify(value)}`);
  return value;
}

const command = addSensorOptions(
  addCommonOptions(new Command()).description(
    'Write the scheduled jobs: /etc/cron.d/blackout-monitor, or systemd service + timer units.',
  ),
)
  .addOption(new Option('--scheduler <kind>', 'cron or systemd').default('cron'))
  .addOption(new Option('--user <name>', 'user the jobs run as (default: the sudo caller or you)'))
  .addOption(new Option('--node <path>', 'node binary the jobs run').default(process.execPath))
  .addOption(new Option('--project <dir>', 'project folder holding dist/ (default: this one)'))
  .addOption(
    new Option('--root <dir>', 'install into this folder instead of /').env('BLACKOUT_INSTALL_ROOT').default('/'),
  )
  .addOption(new Option('--dry-run', 'print what would be written; write nothing'))
  .addOption(new Option('--force', 'replace existing files that differ'))
  .addHelpText(
    'after',
    `
Exit codes: 0 written (or unchanged, or dry run), 1 refused or not writable, 2 usage error.
Examples:
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --dry-run
  sudo "$(which node)" dist/install.js alex_rpi 4 prod --scheduler systemd --store dynamodb --region eu-central-1`,
  );

await runCli('install', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const opts = cmd.opts<InstallOptions>();
  const scheduler = parseChoice<Scheduler>(opts.scheduler, SCHEDULERS, '--scheduler');
  const sensor = resolveSensorChoice(cmd, config.series.pin);
  const env: Record<string, string> = { BLACKOUT_STORE: config.store };
  if (sensor.spec !== 'gpio') env.BLACKOUT_SENSOR = sensor.spec;
  if (sensor.activeLow) env.BLACKOUT_ACTIVE_LOW = '1';
  if (sensor.sysfsRoot) env.BLACKOUT_SYSFS_ROOT = safePath(sensor.sysfsRoot, '--sysfs-root');
  if (sensor.gpioget) env.BLACKOUT_GPIOGET = safePath(sensor.gpioget, '--gpioget');
  if (opts.db) env.BLACKOUT_DB = safePath(opts.db, '--db');
  if (opts.endpoint) env.BLACKOUT_DYNAMODB_ENDPOINT = opts.endpoint;
  if (opts.region) env.AWS_REGION = opts.region;
  if (opts.bufferDir) env.BLACKOUT_BUFFER_DIR = safePath(opts.bufferDir, '--buffer-dir');
  if (opts.logDir) env.BLACKOUT_LOG_DIR = safePath(opts.logDir, '--log-dir');
  const settings: JobSettings = {
    ...config.series,
    mode: config.mode,
    user: parseUser(opts.user ?? process.env.SUDO_USER ?? userInfo().username),
    node: safePath(opts.node, '--node'),
    projectDir: safePath(opts.project ?? projectRoot(), '--project'),
    env,
  };
  const plans = planWrites(resolve(opts.root), plannedFiles(scheduler, settings));
  if (opts.dryRun) {
    for (const plan of plans) {
      const action = {
        new: 'would write',
        unchanged: 'unchanged',
        differs: opts.force ? 'would replace' : 'would REFUSE to replace (differs; --force)',
      }[plan.state];
      process.stdout.write(`--- ${plan.target} (${action})\n${plan.content}`);
    }
    return EXIT_OK;
  }
  try {
    const written = writePlanned(plans, Boolean(opts.force));
    for (const plan of plans) {
      process.stdout.write(`${written.includes(plan) ? 'wrote' : 'unchanged'} ${plan.target}\n`);
    }
  } catch (error) {
    if (!(error instanceof InstallRefused)) throw error;
    process.stderr.write(`install: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  process.stdout.write(`${nextSteps(scheduler, settings).join('\n')}\n`);
  return EXIT_OK;
});
