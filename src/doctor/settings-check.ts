/**
 * The settings file the jobs read (`/etc/default/blackout-monitor`): every line the jobs would skip is
 * named, so a setting that silently does nothing is found here rather than during a blackout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSettings } from '../cli/settings-file.js';
import { ENV_FILE } from '../install/templates.js';
import { type CheckResult, ok, warn } from './check.js';

export function checkSettingsFile(systemRoot: string): CheckResult {
  const path = join(systemRoot, ENV_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return ok('settings', `${path}: none (optional)`);
    return warn(
      'settings',
      `${path} cannot be read (${code})`,
      `make it readable by the job user: sudo chown $USER ${path}`,
    );
  }
  const { settings, problems } = parseSettings(text);
  if (problems.length === 0) return ok('settings', `${path}: ${settings.length} setting(s)`);
  const lines = problems.map((p) => `line ${p.line}: ${p.reason}`).join('; ');
  return warn(
    'settings',
    `${path}: ${problems.length} line(s) the jobs skip (${lines})`,
    'write each setting as NAME=value on its own line (no spaces around =, comments on their own lines)',
  );
}
