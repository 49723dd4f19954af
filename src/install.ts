#!/usr/bin/env node
/** Writes the scheduled jobs (cron.d file or systemd units) for a device, pin, mode and store; or removes them. */
import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { installCommand } from './cli/commands.js';
import { environment, resolveCommon, resolveSensor, sourceOf } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { jobOptionsFrom } from './cli/job-args.js';
import { EXIT_FAILURE, EXIT_OK, runJob } from './cli/run-job.js';
import { userValue } from './cli/values.js';
import { jobPath } from './install/job-values.js';
import { checkNode, checkProject, installWarnings, lookUpUser } from './install/target-system.js';
import { type JobSettings, nextSteps, plannedFiles } from './install/templates.js';
import { uninstall } from './install/uninstall.js';
import { InstallRefused, planWrites, writePlanned } from './install/write-files.js';
import { projectRoot } from './utils/paths.js';

await runJob(installCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const o = cmd.opts();
  resolveSensor(cmd, config.series.pin); // its rules (--active-low only on a GPIO sensor) hold for the jobs too
  const options = jobOptionsFrom(cmd as unknown as Command<unknown[], OptionValues>);
  if (!isAbsolute(o.node)) {
    throw new UsageError(`invalid --node ${JSON.stringify(o.node)}: an absolute path (use "$(command -v node)")`);
  }
  if (o.dashboard && o.scheduler === 'cron') {
    throw new UsageError('--dashboard needs --scheduler systemd: cron starts jobs, it cannot keep a server running');
  }
  for (const key of ['host', 'port'] as const) {
    if (!o.dashboard && options[key] !== undefined) {
      throw new UsageError(
        `${sourceOf(cmd as unknown as Command<unknown[], OptionValues>, key)} goes with --dashboard`,
      );
    }
  }
  if (options.notifyUnplanned === true && options.schedule === undefined) {
    throw new UsageError(
      `${sourceOf(cmd as unknown as Command<unknown[], OptionValues>, 'notifyUnplanned')} needs --schedule (or BLACKOUT_SCHEDULE)`,
    );
  }
  const root = resolve(o.root);
  const settings: JobSettings = {
    ...config.series,
    mode: config.mode,
    user: o.user ?? callingUser(environment().sudoUser ?? userInfo().username),
    node: jobPath(o.node, '--node'),
    projectDir: jobPath(o.project ?? projectRoot(), '--project'),
    options,
    ...(o.dashboard ? { dashboard: true } : {}),
  };
  if (o.uninstall) {
    if (o.force)
      throw new UsageError('--force does not go with --uninstall: a file changed since install is left to you');
    // The project, node or user may be gone already: only what install would write is compared.
    return uninstall({ name: job.name, root, scheduler: o.scheduler, settings, dryRun: Boolean(o.dryRun) });
  }
  checkNode(root, settings.node);
  checkProject(root, settings.projectDir);
  const user = lookUpUser(root, settings.user);
  for (const warning of installWarnings(root, o.scheduler, user)) process.stderr.write(`${job.name}: ${warning}\n`);
  const plans = planWrites(root, plannedFiles(o.scheduler, settings));
  if (o.dryRun) {
    for (const plan of plans) {
      const action = {
        new: 'would write',
        unchanged: 'unchanged',
        differs: o.force ? 'would replace' : 'would REFUSE to replace (differs; --force)',
      }[plan.state];
      process.stdout.write(`--- ${plan.target} (${action})\n${plan.content}`);
    }
    return EXIT_OK;
  }
  let written: ReturnType<typeof writePlanned>;
  try {
    written = writePlanned(plans, Boolean(o.force));
  } catch (error) {
    if (!(error instanceof InstallRefused)) throw error;
    process.stderr.write(`${job.name}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  for (const plan of plans) process.stdout.write(`${written.includes(plan) ? 'wrote' : 'unchanged'} ${plan.target}\n`);
  process.stdout.write(`${nextSteps(o.scheduler, settings).join('\n')}\n`);
  return EXIT_OK;
});

/** The user the jobs run as by default: the sudo caller, else whoever runs install. */
function callingUser(name: string): string {
  try {
    return userValue(name);
  } catch {
    throw new UsageError(`invalid --user ${JSON.stringify(name)}: a user name`);
  }
}
