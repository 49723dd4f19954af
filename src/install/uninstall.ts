/**
 * `blackout-install --uninstall`: removes exactly the files install writes for the same options, and
 * nothing else. A file there that differs (edited since, or written for other options) is left and
 * named, and the run exits 1; the settings file, the store, the buffer and the logs are never touched.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_FAILURE, EXIT_OK } from '../cli/run-job.js';
import type { Scheduler } from './schedulers.js';
import { enabledTimerLinks } from './target-system.js';
import { AGGREGATE_UNIT, ENV_FILE, type JobSettings, plannedFiles, READ_UNIT, SERVE_UNIT } from './templates.js';
import { InstallRefused, planRemovals, type RemovalPlan, removePlanned } from './write-files.js';

export interface UninstallRun {
  /** The command's name, first on every stderr line. */
  name: string;
  root: string;
  scheduler: Scheduler;
  settings: JobSettings;
  dryRun: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

const disable = (dashboard: boolean): string =>
  `sudo systemctl disable --now ${READ_UNIT}.timer ${AGGREGATE_UNIT}.timer${dashboard ? ` ${SERVE_UNIT}.service` : ''}`;

const leftBecause = (plan: RemovalPlan): string =>
  `${plan.difference ?? 'differs'} from what install writes for these options (changed since, or installed with other options: give those)`;

export function uninstall(run: UninstallRun): number {
  const out = run.out ?? process.stdout;
  const err = run.err ?? process.stderr;
  const other: Scheduler = run.scheduler === 'cron' ? 'systemd' : 'cron';
  let plans: RemovalPlan[];
  try {
    plans = planRemovals(run.root, plannedFiles(run.scheduler, run.settings));
  } catch (error) {
    if (!(error instanceof InstallRefused)) throw error;
    err.write(`${run.name}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const dashboard = run.settings.dashboard === true;
  const enabled = run.scheduler === 'systemd' ? enabledTimerLinks(run.root, dashboard) : [];
  const refusal =
    enabled.length > 0
      ? `the ${dashboard ? 'units' : 'timers'} are enabled (${enabled.join(', ')}): first ${disable(dashboard)}, then --uninstall again`
      : undefined;
  if (run.dryRun) {
    for (const plan of plans) {
      const line = {
        matches: `would remove ${plan.target}`,
        changed: `would LEAVE ${plan.target}: ${leftBecause(plan)}`,
        absent: `absent ${plan.target} (nothing to remove)`,
      }[plan.state];
      out.write(`${line}\n`);
    }
    if (refusal) out.write(`would REFUSE: ${refusal}\n`);
    return EXIT_OK;
  }
  if (refusal) {
    err.write(`${run.name}: refusing to uninstall: ${refusal}\n`);
    return EXIT_FAILURE;
  }
  let removed: RemovalPlan[];
  try {
    removed = removePlanned(plans);
  } catch (error) {
    if (!(error instanceof InstallRefused)) throw error;
    err.write(`${run.name}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  for (const plan of plans) {
    if (removed.includes(plan)) out.write(`removed ${plan.target}\n`);
    else if (plan.state === 'absent') out.write(`absent ${plan.target} (nothing to remove)\n`);
  }
  const left = plans.filter((p) => p.state === 'changed');
  for (const plan of left) {
    err.write(`${run.name}: left ${plan.target}: ${leftBecause(plan)}; remove it by hand if it is not wanted\n`);
  }
  if (plans.every((p) => p.state === 'absent')) {
    const others = plannedFiles(other, run.settings)
      .map((f) => join(run.root, f.path))
      .filter((path) => existsSync(path));
    if (others.length > 0) out.write(`${others.join(', ')}: written for ${other}; --scheduler ${other} removes it\n`);
  }
  if (removed.length > 0) {
    out.write(
      run.scheduler === 'cron'
        ? 'cron stops running the jobs within a minute.\n'
        : 'then: sudo systemctl daemon-reload\n',
    );
    out.write(`Not touched: the store, the buffer, the logs and ${ENV_FILE}.\n`);
  }
  return left.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
