/** Writes the planned files under an install root, never replacing a different file without --force. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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
