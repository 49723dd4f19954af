/**
 * The settings file the jobs read (`/etc/default/blackout-monitor`): `NAME=value` lines, read
 * literally by the command itself — no shell, so `&`, `$`, `;` and spaces in a value (a webhook URL
 * with a query, a secret) arrive exactly as written, under cron and systemd alike. One pair of quotes
 * around a whole value is taken off; `#` starts a comment only at the start of a line.
 */
import { readFileSync } from 'node:fs';

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

/**
 * Puts the file's settings into this process's environment, where a variable is not set already (the
 * real environment wins, the command line wins over both). A missing or unreadable file is skipped:
 * the file is optional, and the doctor says when it cannot be read.
 */
export function loadSettingsFile(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  for (const { name, value } of parseSettings(text).settings) process.env[name] ??= value;
}
