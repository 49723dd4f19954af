/**
 * The option table turned back into command lines: what blackout-install writes into each job is
 * the job's own options (its definition in commands.ts), in their order, for the values given.
 */
import type { Command, OptionValues } from '@commander-js/extra-typings';
import {
  jobEndpoint,
  jobMqttUrl,
  jobPath,
  jobSchedule,
  jobSecret,
  jobSensor,
  jobUrl,
  jobWord,
} from '../install/job-values.js';
import { JOB_COMMANDS, type JobScript } from './commands.js';
import { flag, sourceOf } from './config.js';
import { SECRET_FLAGS } from './options.js';

/** Option values by their attribute name (`db`, `bufferDir`, `activeLow`, …), as the jobs should get them. */
export type JobOptions = Readonly<Record<string, string | number | boolean | undefined>>;

/** Options a job is given only with another one: read-pin reads the schedule only for --notify-unplanned. */
const ONLY_WITH: Partial<Record<JobScript, { needs: string; keys: readonly string[] }>> = {
  'read-pin': { needs: 'notifyUnplanned', keys: ['schedule', 'scheduleGroup', 'scheduleFormat', 'scheduleCache'] },
};

/** `--flag value` for every option of `script` that `values` holds (`--flag` alone for a yes/no one). */
export function jobArguments(script: JobScript, values: JobOptions): string[] {
  const only = ONLY_WITH[script];
  return JOB_COMMANDS[script]().options.flatMap((option) => {
    if (only && values[only.needs] !== true && only.keys.includes(option.attributeName())) return [];
    const value = values[option.attributeName()];
    if (value === undefined || value === false || option.long === undefined) return [];
    return value === true ? [option.long] : [option.long, String(value)];
  });
}

/**
 * How a value goes into a job line, where it is not written as given: paths absolute and plain (cron
 * splits on blanks and treats % as a newline; the jobs run in another folder), the endpoint without
 * credentials, a `file:` sensor's path absolute.
 */
const JOB_VALUE: Readonly<Record<string, (value: string, flag: string) => string>> = {
  db: jobPath,
  bufferDir: jobPath,
  logDir: jobPath,
  sysfsRoot: jobPath,
  gpioget: jobPath,
  publishDir: jobPath,
  endpoint: jobEndpoint,
  sensor: jobSensor,
  prometheusFile: jobPath,
  mqttUrl: jobMqttUrl,
  svitlobotKey: jobSecret('BLACKOUT_SVITLOBOT_KEY'),
  svitlobotUrl: jobUrl,
  schedule: jobSchedule,
  scheduleGroup: jobWord,
  scheduleCache: jobPath,
};

/** Not written into the jobs: the series goes after `--`, the settings file is install's own, and a job is silent. */
const NOT_FOR_JOBS = new Set(['device', 'pin', 'mode', 'settingsFile', 'verbose']);

/**
 * The values `command` (blackout-install) was given — on its command line or through its variables —
 * for the options the jobs take, as the jobs should get them. The store is always written.
 */
export function jobOptionsFrom(command: Command<unknown[], OptionValues>): JobOptions {
  const jobKeys = new Set(
    Object.values(JOB_COMMANDS).flatMap((define) => define().options.map((o) => o.attributeName())),
  );
  const values: Record<string, string | number | boolean> = {};
  for (const option of command.options) {
    const key = option.attributeName();
    const source = command.getOptionValueSource(key);
    if (!jobKeys.has(key) || NOT_FOR_JOBS.has(key)) continue;
    if (source !== 'cli' && source !== 'env' && key !== 'store') continue;
    // A secret from the environment (the settings file, say) stays there: the jobs read it too.
    if (source === 'env' && option.long !== undefined && SECRET_FLAGS.has(option.long)) continue;
    const value: unknown = option.isBoolean() ? flag(command, key) : command.getOptionValue(key);
    const write = JOB_VALUE[key];
    if (typeof value === 'string') values[key] = write ? write(value, sourceOf(command, key)) : value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = value;
  }
  return Object.freeze(values);
}
