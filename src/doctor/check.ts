/** What every doctor check returns, and the small tools the checks share. */
import { type ProgramOutput, runProgram } from '../utils/run-program.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Short name, e.g. `clock`. */
  name: string;
  status: CheckStatus;
  /** What was found. */
  message: string;
  /** What to do about it (for warn/fail). */
  fix?: string;
}

export const ok = (name: string, message: string): CheckResult => ({ name, status: 'ok', message });
export const warn = (name: string, message: string, fix: string): CheckResult => ({
  name,
  status: 'warn',
  message,
  fix,
});
export const fail = (name: string, message: string, fix: string): CheckResult => ({
  name,
  status: 'fail',
  message,
  fix,
});

/** Runs an external program; `undefined` when it is not installed. Injectable so tests use temp scripts. */
export type RunCommand = (file: string, args: string[]) => Promise<ProgramOutput | undefined>;

export function runCommand(timeoutMs = 10_000): RunCommand {
  return async (file, args) => {
    const run = await runProgram(file, args, { timeoutMs });
    switch (run.outcome) {
      case 'missing':
      case 'not-executable':
        return undefined;
      case 'timed-out':
        return { code: 1, stdout: run.stdout, stderr: run.stderr };
      case 'exited':
        return { code: run.code, stdout: run.stdout, stderr: run.stderr };
    }
  };
}

/** Rejects after `ms` so one hanging check cannot hang the whole doctor. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `90 s`, `12 min`, `3.5 h`, `2 d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86_400)} d`;
}
