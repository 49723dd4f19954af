/**
 * The one place that starts other programs (the doctor's probes, libgpiod's tools, the installer's
 * `id`): always with a timeout, output captured as UTF-8, and the ways a run can end told apart so
 * each caller words its own message.
 */
import { execFile, spawnSync } from 'node:child_process';

export interface ProgramOptions {
  /** The program is killed (SIGTERM) after this long. */
  timeoutMs: number;
}

/** What a program that ran printed, and its exit code. */
export interface ProgramOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * How a run ended. `exited` also covers a death by signal and any other failure to start, both as
 * exit code 1: callers only ask "did it succeed, and what did it print".
 */
export type ProgramResult =
  | ({ outcome: 'exited' } & ProgramOutput)
  | { outcome: 'timed-out'; stdout: string; stderr: string }
  /** ENOENT: not installed, or no such file. */
  | { outcome: 'missing' }
  /** EACCES: the file exists but may not be executed. */
  | { outcome: 'not-executable' };

const notStarted = (errno: string | undefined): ProgramResult | undefined =>
  errno === 'ENOENT' ? { outcome: 'missing' } : errno === 'EACCES' ? { outcome: 'not-executable' } : undefined;

/** Runs `file args…` without a shell and resolves with how it ended; never rejects. */
export function runProgram(file: string, args: readonly string[], options: ProgramOptions): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: options.timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const failed = notStarted((error as NodeJS.ErrnoException | null)?.code);
      if (failed) return resolve(failed);
      // `killed` is set only when execFile itself killed the child, i.e. for the timeout.
      if (error?.killed) return resolve({ outcome: 'timed-out', stdout, stderr });
      const code = typeof error?.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ outcome: 'exited', code, stdout, stderr });
    });
  });
}

/** `runProgram` for synchronous callers: blocks until the program ends or its timeout. */
export function runProgramSync(file: string, args: readonly string[], options: ProgramOptions): ProgramResult {
  const run = spawnSync(file, args, { timeout: options.timeoutMs, encoding: 'utf8', stdio: 'pipe' });
  const errno = (run.error as NodeJS.ErrnoException | undefined)?.code;
  const failed = notStarted(errno);
  if (failed) return failed;
  const stdout = run.stdout ?? '';
  const stderr = run.stderr ?? '';
  if (errno === 'ETIMEDOUT') return { outcome: 'timed-out', stdout, stderr };
  return { outcome: 'exited', code: run.error || run.status === null ? 1 : run.status, stdout, stderr };
}
