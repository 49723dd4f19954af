/** Helpers shared by the reliability tests: child runs with extra process options, folder snapshots. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../support/cli.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `dist/<name>.js` like cron does (fresh process, minimal environment). */
export function runDist(
  name: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; uid?: number; gid?: number; watchdogMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', `${name}.js`), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    // Only a guard against a hung child taking the whole suite down; never an assertion on speed.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.watchdogMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every file and folder under `dir` (relative paths, sorted); empty when `dir` does not exist. */
export function snapshot(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      out.push(relative(dir, path));
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** Log lines (parsed JSON) of every daily log file in `logDir`. */
export function logLines(logDir: string): { level: number; msg: string; [k: string]: unknown }[] {
  if (!existsSync(logDir)) return [];
  return readdirSync(logDir)
    .filter((f) => f.endsWith('_log.txt'))
    .flatMap((f) => readFileSync(join(logDir, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { level: number; msg: string });
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Mounts a tmpfs of `sizeKb` at `dir` (root only); returns an unmount function, or undefined if impossible. */
export function mountTmpfs(dir: string, sizeKb: number, readOnly = false): (() => void) | undefined {
  if (!isRoot()) return undefined;
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k${readOnly ? ',ro' : ''}`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
  } catch {
    return undefined;
  }
  return () => execFileSync('umount', [dir], { stdio: 'ignore' });
}

/** Whether tmpfs mounts work here (root in a container that allows it). */
export function canMountTmpfs(scratch: string): boolean {
  const unmount = mountTmpfs(scratch, 64);
  unmount?.();
  return unmount !== undefined;
}
