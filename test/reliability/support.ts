/** Helpers shared by the reliability tests: folder snapshots, log lines, tmpfs mounts. */
/** The compiled entrypoints run like cron runs them (shared helper). */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleModule } from '../support/module-build.js';

export { type CliResult as RunResult, runEntrypoint as runDist } from '../support/cli.js';

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

/**
 * Processes that take a lock with the real lock module and keep it until killed (a live holder, as a
 * run stuck in a read would be). `killAll` in an afterEach.
 */
export function lockHolders(tmpDir: string): { hold(path: string): Promise<ChildProcess>; killAll(): void } {
  const module = bundleModule('src/utils/lock.ts', tmpDir);
  const children: ChildProcess[] = [];
  return {
    async hold(path) {
      const script = `
        const { tryLock } = await import(${JSON.stringify(module)});
        process.stdout.write(tryLock(${JSON.stringify(path)}).acquired ? 'held\\n' : 'busy\\n');
        setInterval(() => {}, 1000);
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const said = await new Promise<string>((resolve) =>
        child.stdout?.once('data', (d: Buffer) => resolve(String(d))),
      );
      if (said.trim() !== 'held') throw new Error(`the holder could not take ${path}`);
      return child;
    },
    killAll() {
      for (const child of children.splice(0)) child.kill('SIGKILL');
    },
  };
}
