/**
 * Can the jobs write their folders? The doctor may run as another user than the jobs (often root,
 * through sudo): then a folder that root can write but the job user cannot — created by a `sudo`
 * run by hand — is found by its owner and mode, not by trying.
 */
import { accessSync, constants, existsSync, readFileSync, type Stats, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CRON_FILE, READ_UNIT, SYSTEMD_DIR } from '../install/templates.js';
import { type CheckResult, fail, ok } from './check.js';

export interface JobUser {
  name: string;
  uid: number;
  gids: number[];
}

/** The user the installed jobs run as (cron.d line or systemd `User=`), looked up in /etc/passwd and /etc/group. */
export function scheduledUser(systemRoot: string): JobUser | undefined {
  const read = (path: string): string => {
    try {
      return readFileSync(join(systemRoot, path), 'utf8');
    } catch {
      return '';
    }
  };
  const fromCron = /^[^#\s][^\n]*?\*\s+\*\s+\*\s+\*\s+(\S+)\s/m.exec(read(CRON_FILE))?.[1];
  const fromUnit = /^User=(\S+)$/m.exec(read(`${SYSTEMD_DIR}/${READ_UNIT}.service`))?.[1];
  const name = fromCron ?? fromUnit;
  if (!name) return undefined;
  const passwd = read('/etc/passwd')
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === name);
  if (!passwd) return undefined;
  const uid = Number(passwd[2]);
  const primary = Number(passwd[3]);
  const groups = read('/etc/group')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => (f[3] ?? '').split(',').includes(name))
    .map((f) => Number(f[2]));
  return { name, uid, gids: [primary, ...groups] };
}

const canWrite = (stat: Stats, user: JobUser): boolean =>
  user.uid === 0 ||
  (stat.uid === user.uid
    ? (stat.mode & 0o200) !== 0
    : user.gids.includes(stat.gid)
      ? (stat.mode & 0o020) !== 0
      : (stat.mode & 0o002) !== 0);

/** The folder (or the nearest parent the jobs would create it in) is writable by the job user, else by this one. */
export function checkFolder(name: string, dir: string, jobUser: JobUser | undefined): CheckResult {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const where = existing === dir ? dir : `${dir} (to be created in ${existing})`;
  const fix = `sudo chown -R ${jobUser?.name ?? '$USER'} ${existing}`;
  const stat = statSync(existing);
  if (!stat.isDirectory())
    return fail(name, `${existing} is not a folder`, `remove it or choose another --${name}-dir`);
  if (jobUser) {
    return canWrite(stat, jobUser)
      ? ok(name, `${where}: writable by ${jobUser.name}`)
      : fail(name, `${where}: not writable by ${jobUser.name}, who runs the jobs`, fix);
  }
  try {
    accessSync(existing, constants.W_OK);
    return ok(name, `${where}: writable`);
  } catch {
    return fail(name, `${where}: not writable`, fix);
  }
}
