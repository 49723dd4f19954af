/**
 * The settings file the jobs read (`/etc/default/blackout-monitor`): `NAME=value` lines, read
 * literally by the command itself — no shell, so `&`, `$`, `;` and spaces in a value (a webhook URL
 * with a query, a secret) arrive exactly as written, under cron and systemd alike. One pair of quotes
 * around a whole value is taken off; `#` starts a comment only at the start of a line.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { readRegularFile } from '../utils/files.js';

export interface SettingsLine {
  line: number;
  name: string;
  value: string;
}

export interface SettingsProblem {
  line: number;
  /** Why the line is not read. */
  reason: string;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses the file's text (pure): the settings it holds and the lines it skips. */
export function parseSettings(text: string): { settings: SettingsLine[]; problems: SettingsProblem[] } {
  const settings: SettingsLine[] = [];
  const problems: SettingsProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = trimmed.startsWith('export ') ? trimmed.slice(7).trimStart() : trimmed;
    const equals = body.indexOf('=');
    const name = equals > 0 ? body.slice(0, equals) : '';
    if (!NAME_RE.test(name)) {
      problems.push({
        line,
        reason: equals <= 0 ? 'not a NAME=value line' : `${JSON.stringify(name)} is not a variable name`,
      });
      return;
    }
    let value = body.slice(equals + 1);
    const quoted = /^(["'])(.*)\1$/s.exec(value);
    if (quoted) value = quoted[2] ?? '';
    settings.push({ line, name, value });
  });
  return { settings, problems };
}

/** A settings file is a few hundred bytes; anything larger is not one. */
const MAX_SETTINGS_BYTES = 256 * 1024;

/**
 * Puts the file's settings into this process's environment, where a variable is not set already (the
 * real environment wins, the command line wins over both). A missing file is fine (it is optional);
 * one that exists but cannot be read — a root-only file for a job that runs as pi, a FIFO — is said on
 * stderr, once per run, since the job then runs without its notifications or AWS settings.
 */
export function loadSettingsFile(path: string): void {
  if (!existsSync(path)) return;
  // A link is followed: /etc/default is root's, and a link there is the admin's choice.
  const content = readRegularFile(path, MAX_SETTINGS_BYTES, { followSymlinks: true });
  if (!content.ok) {
    const job = basename(process.argv[1] ?? 'blackout', '.js');
    process.stderr.write(`${job}: settings file ${path} not read (${content.reason}); running without its settings\n`);
    return;
  }
  for (const { name, value } of parseSettings(content.text).settings) process.env[name] ??= value;
}
