/**
 * What blackout-install checks on the system the jobs will run on, before anything is written:
 * the node binary, the project folder and the user must exist there. Everything is looked up
 * under the install root (`/` on a real system, a mounted image or a temp tree otherwise), so the
 * checks agree with where the files go.
 */
import { existsSync, lstatSync, readFileSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../cli/errors.js';
import { runProgramSync } from '../utils/run-program.js';
import type { Scheduler } from './schedulers.js';
import { AGGREGATE_UNIT, CRON_FILE, ENV_FILE, READ_UNIT, SERVE_UNIT, SYSTEMD_DIR } from './templates.js';

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

/** `--node`: an absolute path to an executable file. */
export function checkNode(root: string, node: string): void {
  const stat = statOf(join(root, node));
  const problem = !stat
    ? 'no such file'
    : !stat.isFile()
      ? 'not a file'
      : (stat.mode & 0o111) === 0
        ? 'not executable'
        : undefined;
  if (problem) throw new UsageError(`invalid --node ${JSON.stringify(node)}: ${problem} (use "$(command -v node)")`);
}

/** `--project`: a folder holding the built dist/read-pin.js. */
export function checkProject(root: string, dir: string): void {
  if (!statOf(join(root, dir))?.isDirectory()) {
    throw new UsageError(`invalid --project ${JSON.stringify(dir)}: no such folder`);
  }
  if (!statOf(join(root, dir, 'dist', 'read-pin.js'))?.isFile()) {
    throw new UsageError(`invalid --project ${JSON.stringify(dir)}: no dist/read-pin.js in it (npm ci builds it)`);
  }
}

export interface SystemUser {
  name: string;
  uid: number;
  /** Primary and supplementary groups. */
  gids: number[];
}

/** `id` answers at once from local files; a directory service that does not answer is no user. */
const ID_TIMEOUT_MS = 10_000;

const readLines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []);

function fromPasswd(root: string, name: string): SystemUser | undefined {
  const entry = readLines(join(root, 'etc', 'passwd'))
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === name && fields.length >= 4);
  if (!entry) return undefined;
  const primary = Number(entry[3]);
  const supplementary = readLines(join(root, 'etc', 'group'))
    .map((line) => line.split(':'))
    .filter((fields) => (fields[3] ?? '').split(',').includes(name))
    .map((fields) => Number(fields[2]));
  return { name, uid: Number(entry[2]), gids: [...new Set([primary, ...supplementary])] };
}

/** Users from LDAP & co. are not in /etc/passwd: on the real system ask `id`. */
function fromId(name: string): SystemUser | undefined {
  const id = (args: string[]): string | undefined => {
    const run = runProgramSync('id', [...args, name], { timeoutMs: ID_TIMEOUT_MS });
    return run.outcome === 'exited' && run.code === 0 ? run.stdout.trim() : undefined;
  };
  const uid = id(['-u']);
  const gids = uid === undefined ? undefined : id(['-G']);
  if (uid === undefined || gids === undefined) return undefined;
  return { name, uid: Number(uid), gids: gids.split(/\s+/).map(Number) };
}

/** `--user`: must exist on the target system. */
export function lookUpUser(root: string, name: string): SystemUser {
  const user = fromPasswd(root, name) ?? (root === '/' ? fromId(name) : undefined);
  if (!user) {
    const where = root === '/' ? '' : ` in ${join(root, 'etc', 'passwd')}`;
    throw new UsageError(`invalid --user ${JSON.stringify(name)}: no such user${where}`);
  }
  return user;
}

/**
 * One-line warnings about the target system (never a refusal): another layout that also runs
 * the jobs (two readings a minute), and a settings file the cron jobs could not read.
 */
export function installWarnings(root: string, scheduler: Scheduler, user: SystemUser): string[] {
  const at = (path: string): string => join(root, path);
  const warnings: string[] = [];
  const others: { files: string[]; remove: string }[] = [];
  if (scheduler === 'cron') {
    const units = [READ_UNIT, AGGREGATE_UNIT].flatMap((u) => [`${u}.timer`, `${u}.service`]);
    const found = units.map((u) => at(`${SYSTEMD_DIR}/${u}`)).filter((p) => existsSync(p));
    if (found.length > 0) {
      others.push({
        files: found,
        remove: `sudo systemctl disable --now ${READ_UNIT}.timer ${AGGREGATE_UNIT}.timer && sudo rm ${found.join(' ')}`,
      });
    }
  } else if (existsSync(at(CRON_FILE))) {
    others.push({ files: [at(CRON_FILE)], remove: `sudo rm ${at(CRON_FILE)}` });
  }
  // The Python version's run-parts layout (README "Switching from the Python version").
  const runParts = at('/etc/cron.minutes.pi/blackout-monitor');
  if (existsSync(runParts)) others.push({ files: [runParts], remove: `sudo rm ${runParts}` });
  const files = others.flatMap((o) => o.files);
  if (files.length > 0) {
    warnings.push(
      `warning: ${files.join(', ')} also ${files.length === 1 ? 'schedules' : 'schedule'} the jobs: both would run (two readings per minute); remove the other: ${others.map((o) => o.remove).join('; ')}`,
    );
  }
  // The jobs read the settings file themselves, as the job user, under either scheduler.
  const settingsFile = at(ENV_FILE);
  const stat = statOf(settingsFile);
  if (stat && !readableBy(stat, user)) {
    warnings.push(
      `warning: ${settingsFile} is not readable by ${user.name}: the jobs would run without its settings (notifications, AWS); sudo chown ${user.name} ${settingsFile} && sudo chmod 600 ${settingsFile}`,
    );
  }
  return warnings;
}

function readableBy(stat: Stats, user: SystemUser): boolean {
  if (user.uid === 0) return true;
  if (stat.uid === user.uid) return (stat.mode & 0o400) !== 0;
  if (user.gids.includes(stat.gid)) return (stat.mode & 0o040) !== 0;
  return (stat.mode & 0o004) !== 0;
}

/**
 * The timers' `timers.target.wants` links (and the dashboard's `multi-user.target.wants` one), made by
 * `systemctl enable` (not by install): while they are there the units are enabled, and their files
 * must not be taken from under them.
 */
export function enabledTimerLinks(root: string, dashboard = false): string[] {
  return [READ_UNIT, AGGREGATE_UNIT]
    .map((unit) => join(root, SYSTEMD_DIR, 'timers.target.wants', `${unit}.timer`))
    .concat(dashboard ? [join(root, SYSTEMD_DIR, 'multi-user.target.wants', `${SERVE_UNIT}.service`)] : [])
    .filter((path) => {
      try {
        lstatSync(path);
        return true;
      } catch {
        return false;
      }
    });
}
