import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CheckResult, fail, ok, warn } from './check.js';

export interface DiskInput {
  /** The folder readings are written to (buffer); the nearest existing parent is measured. */
  path: string;
  minFreeBytes: number;
  /** Below this, warn. */
  lowFreeBytes: number;
}

const MB = 1024 * 1024;

export function checkDisk(input: DiskInput): CheckResult {
  let path = input.path;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  const stats = statfsSync(path);
  const free = stats.bavail * stats.bsize;
  const message = `${Math.round(free / MB)} MB free on the file system of ${path}`;
  const fix = 'free space (old logs/, apt clean) or use a larger SD card';
  if (free < input.minFreeBytes) return fail('disk', message, fix);
  if (free < input.lowFreeBytes) return warn('disk', message, fix);
  return ok('disk', message);
}
