/**
 * Default locations are the project's own folders (buffer/, logs/, data/), not the caller's
 * working directory: cron starts jobs in `/` or `$HOME`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The folder holding this package's package.json, found by walking up from this module. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project folder (no package.json above the code)');
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

export const defaultBufferDir = (): string => join(projectRoot(), 'buffer');
export const defaultLogDir = (): string => join(projectRoot(), 'logs');
export const defaultDataDir = (): string => join(projectRoot(), 'data');
