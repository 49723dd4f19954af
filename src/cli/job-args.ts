/**
 * The option table turned back into command lines: what blackout-install writes into each job is
 * the job's own options (its definition in commands.ts), in their order, for the values given.
 */
import { JOB_COMMANDS, type JobScript } from './commands.js';

/** Option values by their attribute name (`db`, `bufferDir`, `activeLow`, …), as the jobs should get them. */
export type JobOptions = Readonly<Record<string, string | number | boolean | undefined>>;

/** `--flag value` for every option of `script` that `values` holds (`--flag` alone for a yes/no one). */
export function jobArguments(script: JobScript, values: JobOptions): string[] {
  return JOB_COMMANDS[script]().options.flatMap((option) => {
    const value = values[option.attributeName()];
    if (value === undefined || value === false || option.long === undefined) return [];
    return value === true ? [option.long] : [option.long, String(value)];
  });
}
