#!/usr/bin/env node
/** Writes the scheduled jobs (cron.d file or systemd units) for a device, pin, mode and store. */
import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_FAILURE, EXIT_OK, resolveCommon, runCli } from './cli/common.js';
import { parseChoice, UsageError } from './domain/validate.js';
import { checkNode, checkProject, installWarnings, lookUpUser } from './install/target-system.js';
import {
  type JobOptions,
  type JobSettings,
  nextSteps,
  plannedFiles,
  SCHEDULERS,
  type Scheduler,
} from './install/templates.js';
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

/** The endpoint goes into the job command lines: no % (cron), $ or quotes (sh, systemd). */
function jobEndpoint(value: string): string {
  if (!/^https?:\/\/[A-Za-z0-9._~:/@+-]+$/.test(value)) {
    throw new UsageError(
      `invalid --endpoint ${JSON.stringify(value)}: in the jobs, a URL of A-Z a-z 0-9 . _ ~ : / @ + -`,
    );
  }
  return value;
}

/** `file:PATH` goes into the job command lines: a plain absolute path (the jobs run elsewhere). */
const safeSensor = (spec: string): string =>
  spec.startsWith('file:') ? `file:${safePath(spec.slice(5), '--sensor file:')}` : spec;

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
  .addOption(new Option('--node <path>', 'node binary the jobs run (absolute path)').default(process.execPath))
  .addOption(new Option('--project <dir>', 'project folder holding dist/read-pin.js (default: this one)'))
  .addOption(
    new Option('--root <dir>', 'install into this folder instead of /').env('BLACKOUT_INSTALL_ROOT').default('/'),
  )
  .addOption(new Option('--dry-run', 'print what would be written; write nothing'))
  .addOption(new Option('--force', 'replace existing files that differ'))
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

await runCli('install', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const opts = cmd.opts<InstallOptions>();
  const scheduler = parseChoice<Scheduler>(opts.scheduler, SCHEDULERS, '--scheduler');
  const sensor = resolveSensorChoice(cmd, config.series.pin);
  const options: JobOptions = { store: config.store };
  if (opts.db) options.db = safePath(opts.db, '--db');
  if (opts.endpoint) options.endpoint = jobEndpoint(opts.endpoint);
  if (opts.region) options.region = opts.region;
  if (opts.bufferDir) options.bufferDir = safePath(opts.bufferDir, '--buffer-dir');
  if (opts.logDir) options.logDir = safePath(opts.logDir, '--log-dir');
  if (cmd.getOptionValueSource('logKeepDays') !== 'default') options.logKeepDays = config.logKeepDays;
  if (sensor.spec !== 'gpio') options.sensor = safeSensor(sensor.spec);
  if (sensor.activeLow) options.activeLow = true;
  if (sensor.sysfsRoot) options.sysfsRoot = safePath(sensor.sysfsRoot, '--sysfs-root');
  if (sensor.gpioget) options.gpioget = safePath(sensor.gpioget, '--gpioget');
  const root = resolve(opts.root);
  if (!isAbsolute(opts.node)) {
    throw new UsageError(`invalid --node ${JSON.stringify(opts.node)}: an absolute path (use "$(command -v node)")`);
  }
  const settings: JobSettings = {
    ...config.series,
    mode: config.mode,
    user: parseUser(opts.user ?? process.env.SUDO_USER ?? userInfo().username),
    node: safePath(opts.node, '--node'),
    projectDir: safePath(opts.project ?? projectRoot(), '--project'),
    options,
  };
  checkNode(root, settings.node);
  checkProject(root, settings.projectDir);
  const user = lookUpUser(root, settings.user);
  for (const warning of installWarnings(root, scheduler, user)) process.stderr.write(`install: ${warning}\n`);
  const plans = planWrites(root, plannedFiles(scheduler, settings));
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
