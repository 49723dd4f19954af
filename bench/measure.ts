/**
 * Runs one compiled entrypoint as cron would (a fresh `node dist/<name>.js` process) and measures
 * its wall time and peak resident memory.
 *
 * Wall time: measured here around the whole child process (spawn to exit), so it includes Node's
 * own start-up exactly as a cron run pays it.
 * Peak RSS: the kernel's high-water mark of the node process. With GNU time installed
 * (`/usr/bin/time`, Debian package `time`) we read its `%M` (the child's rusage ru_maxrss, in KB),
 * which adds nothing to the measured process. Without it, a tiny `--require` preload reads VmHWM
 * from /proc/self/status in the child's `exit` handler (a few KB of code of its own).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const GNU_TIME = '/usr/bin/time';
/** The build under test; BENCH_DIST points elsewhere to compare two builds (A/B). */
export const SOURCE_DIST = resolve(ROOT, process.env.BENCH_DIST ?? 'dist');

export type RssMethod = 'gnu-time' | 'proc-vmhwm-preload';

export interface RunMeasurement {
  wallMs: number;
  peakRssKb: number;
  /** CPU time (user + system) of the child, ms. */
  cpuMs: number;
  /** CPU time this harness process used meanwhile (dynalite and the proxy live here), ms. */
  harnessCpuMs: number;
  code: number | null;
  stderr: string;
  stdout: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  cwd?: string;
}

const PRELOAD_SOURCE = `'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
process.on('exit', () => {
  const match = /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  const cpu = process.cpuUsage();
  if (match && process.env.BENCH_RSS_FILE) {
    writeFileSync(process.env.BENCH_RSS_FILE, match[1] + ' ' + cpu.user / 1e6 + ' ' + cpu.system / 1e6);
  }
});
`;

export class Runner {
  readonly rssMethod: RssMethod;
  /**
   * A private copy of the build, taken at start: others rebuilding dist/ meanwhile must not change
   * the code under test halfway. It sits inside the project so packages resolve from node_modules.
   */
  readonly dist: string;
  private readonly scratch: string;
  private readonly preload: string;
  private counter = 0;

  /** `sourceDist`: the build to copy and measure; `label` tells two runners' copies apart. */
  constructor(sourceDist = SOURCE_DIST, label = 'dist') {
    this.rssMethod = existsSync(GNU_TIME) && gnuTimeWorks() ? 'gnu-time' : 'proc-vmhwm-preload';
    this.scratch = mkdtempSync(join(tmpdir(), 'blackout-bench-measure-'));
    this.preload = join(this.scratch, 'peak-rss.cjs');
    writeFileSync(this.preload, PRELOAD_SOURCE);
    this.dist = join(ROOT, '.tools', `bench-${label}-${process.pid}`);
    cpSync(sourceDist, this.dist, { recursive: true });
  }

  /** Runs `node dist/<entry>.js args…` once and measures it. */
  run(entry: string, args: string[], options: RunOptions = {}): Promise<RunMeasurement> {
    return this.runNode([...(options.nodeFlags ?? []), join(this.dist, `${entry}.js`), ...args], options);
  }

  /** Runs `node <nodeArgs…>` once and measures it. */
  async runNode(nodeArgs: string[], options: RunOptions = {}): Promise<RunMeasurement> {
    const rssFile = join(this.scratch, `rss-${this.counter++}.txt`);
    const [command, argv] =
      this.rssMethod === 'gnu-time'
        ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...nodeArgs]]
        : [process.execPath, ['--require', this.preload, ...nodeArgs]];
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...options.env,
      ...(this.rssMethod === 'proc-vmhwm-preload' ? { BENCH_RSS_FILE: rssFile } : {}),
    };
    const harnessCpu = process.cpuUsage();
    const started = performance.now();
    const outcome = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(command, argv, { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d;
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d;
      });
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    const wallMs = performance.now() - started;
    const harnessUsage = process.cpuUsage(harnessCpu);
    const harnessCpuMs = (harnessUsage.user + harnessUsage.system) / 1000;
    let peakRssKb = Number.NaN;
    let cpuMs = Number.NaN;
    try {
      // "RSS_KB USER_S SYSTEM_S"; GNU time writes "Command exited with non-zero status N" first on failure.
      const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
      const [rss, user, system] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
      peakRssKb = rss ?? Number.NaN;
      cpuMs = ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
    } catch {
      // No figures (the child died before its exit handler): reported as NaN.
    }
    return { wallMs, peakRssKb, cpuMs, harnessCpuMs, ...outcome };
  }

  close(): void {
    rmSync(this.scratch, { recursive: true, force: true });
    rmSync(this.dist, { recursive: true, force: true });
  }
}

function gnuTimeWorks(): boolean {
  // BusyBox `time` has no -o/-f; check that this is GNU time.
  try {
    const dir = mkdtempSync(join(tmpdir(), 'blackout-bench-probe-'));
    try {
      const out = join(dir, 'probe');
      const result = spawnSyncQuiet(GNU_TIME, ['-f', '%M', '-o', out, process.execPath, '-e', '0']);
      return result === 0 && /^\d+$/.test(readFileSync(out, 'utf8').trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    return false;
  }
}

function spawnSyncQuiet(command: string, args: string[]): number | null {
  return spawnSync(command, args, { stdio: 'ignore' }).status;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
