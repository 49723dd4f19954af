/**
 * Writes the planned files under an install root, never replacing a different file without --force;
 * and removes them again (`--uninstall`), never a file that differs from what would be written.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { messageOf } from '../utils/errors.js';
import { writeFileAtomic } from '../utils/files.js';
import type { PlannedFile } from './templates.js';

export type FileState = 'new' | 'unchanged' | 'differs';

export interface FilePlan extends PlannedFile {
  /** Where it goes: the install root + path. */
  target: string;
  state: FileState;
}

export class InstallRefused extends Error {
  override name = 'InstallRefused';
}

export function planWrites(root: string, files: readonly PlannedFile[]): FilePlan[] {
  return files.map((file) => {
    const target = join(root, file.path);
    const state: FileState = !existsSync(target)
      ? 'new'
      : readFileSync(target, 'utf8') === file.content
        ? 'unchanged'
        : 'differs';
    return { ...file, target, state };
  });
}

/**
 * Writes new and (with `force`) differing files; all or nothing with respect to refusals: when
 * one file would be refused, none is written.
 */
export function writePlanned(plans: readonly FilePlan[], force: boolean): FilePlan[] {
  const refused = plans.filter((p) => p.state === 'differs');
  if (refused.length > 0 && !force) {
    throw new InstallRefused(
      `refusing to replace ${refused.map((p) => p.target).join(', ')}: it differs from what would be written (see --dry-run; --force replaces it)`,
    );
  }
  const written: FilePlan[] = [];
  for (const plan of plans.filter((p) => p.state !== 'unchanged')) {
    try {
      mkdirSync(dirname(plan.target), { recursive: true });
      writeFileAtomic(plan.target, plan.content);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const hint = code === 'EACCES' || code === 'EPERM' ? ' (run with sudo)' : '';
      throw new InstallRefused(`cannot write ${plan.target}: ${code ?? messageOf(error)}${hint}`);
    }
    written.push(plan);
  }
  return written;
}

/**
 * What `--uninstall` finds at each file install writes: exactly what install writes for the same
 * options (`matches`: removed), something else (`changed`: edited since, or written for other
 * options; left), or nothing (`absent`).
 */
export type RemovalState = 'matches' | 'changed' | 'absent';

export interface RemovalPlan extends PlannedFile {
  target: string;
  state: RemovalState;
  /** For `changed`: how it differs, e.g. `line 12 differs`, `a symbolic link`. */
  difference?: string;
}

/** How `found` differs from `expected`: the first line that is not the same. */
function firstDifference(found: string, expected: string): string {
  const a = found.split('\n');
  const b = expected.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `line ${i + 1} differs`;
}

const refusal = (what: string, target: string, error: unknown): InstallRefused => {
  const code = (error as NodeJS.ErrnoException).code;
  const hint = code === 'EACCES' || code === 'EPERM' ? ' (run with sudo)' : '';
  return new InstallRefused(`cannot ${what} ${target}: ${code ?? messageOf(error)}${hint}`);
};

/** What is at `target`: a file, something else (said in words), or nothing. */
function entryAt(target: string): 'file' | 'a symbolic link' | 'a folder' | 'not a regular file' | undefined {
  try {
    const stat = lstatSync(target);
    if (stat.isFile()) return 'file';
    return stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a folder' : 'not a regular file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw refusal('read', target, error);
  }
}

/**
 * Compares each file install would write under `root` with what is there. Nothing is recorded at
 * install time: the templates are pure functions of the options, so the same options say exactly
 * what install wrote (by this version or an earlier one that wrote the same files).
 */
export function planRemovals(root: string, files: readonly PlannedFile[]): RemovalPlan[] {
  return files.map((file): RemovalPlan => {
    const target = join(root, file.path);
    const entry = entryAt(target);
    if (entry === undefined) return { ...file, target, state: 'absent' };
    if (entry !== 'file')
      return { ...file, target, state: 'changed', difference: `${entry}, not a file install writes` };
    let found: string;
    try {
      found = readFileSync(target, 'utf8');
    } catch (error) {
      throw refusal('read', target, error);
    }
    if (found === file.content) return { ...file, target, state: 'matches' };
    return { ...file, target, state: 'changed', difference: firstDifference(found, file.content) };
  });
}

/**
 * Removes the files that match; leaves the others. A file that cannot be removed (no permission) is
 * a refusal, after the ones removed before it.
 */
export function removePlanned(plans: readonly RemovalPlan[]): RemovalPlan[] {
  const removed: RemovalPlan[] = [];
  for (const plan of plans.filter((p) => p.state === 'matches')) {
    try {
      unlinkSync(plan.target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw refusal('remove', plan.target, error);
    }
    removed.push(plan);
  }
  return removed;
}
