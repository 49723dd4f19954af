/**
 * Are the jobs scheduled? Looks where blackout-install writes (/etc/cron.d, /etc/systemd/system),
 * where the Python version's README put them (/etc/crontab + /etc/cron.{minutes,hourly}.pi) and in the
 * user's own crontab. A job counts when a non-comment line names read-pin or aggregate.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CheckResult, fail, ok, type RunCommand, warn } from './check.js';

export interface ScheduleInput {
  /** `/` on a real system; a temp tree in tests. */
  systemRoot: string;
  run: RunCommand;
  crontab: string;
  systemctl: string;
}

interface Source {
  where: string;
  text: string;
}

const RUN_PARTS_DIRS = ['cron.minutes.pi', 'cron.hourly.pi'];
const READ_RE = /\bread-pin(\.js)?\b/;
const AGGREGATE_RE = /(blackout-aggregate|\/aggregate\.js)\b/;

function filesIn(dir: string, suffix = ''): Source[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(suffix) && !n.startsWith('.'))
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile())
    .map((p) => ({ where: p, text: readFileSync(p, 'utf8') }));
}

const active = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');

export async function checkSchedule(input: ScheduleInput): Promise<CheckResult> {
  const etc = join(input.systemRoot, 'etc');
  const sources: Source[] = [
    ...filesIn(join(etc, 'cron.d')),
    ...(existsSync(join(etc, 'crontab'))
      ? [{ where: join(etc, 'crontab'), text: readFileSync(join(etc, 'crontab'), 'utf8') }]
      : []),
    ...filesIn(join(etc, 'cron.minutes.pi')),
    ...filesIn(join(etc, 'cron.hourly.pi')),
    ...filesIn(join(etc, 'systemd', 'system'), '.service'),
  ];
  const userCrontab = await input.run(input.crontab, ['-l']);
  if (userCrontab?.code === 0) sources.push({ where: 'crontab -l', text: userCrontab.stdout });

  const reader = sources.find((s) => READ_RE.test(active(s.text)));
  const aggregator = sources.find((s) => AGGREGATE_RE.test(active(s.text)));
  const fix = 'run blackout-install (cron or systemd), see README "Raspberry Pi set-up"';
  if (!reader && !aggregator) return fail('schedule', 'no read-pin or aggregate job in cron or systemd', fix);
  if (!reader) return fail('schedule', `aggregate scheduled (${aggregator?.where}) but no read-pin job`, fix);
  if (!aggregator) return warn('schedule', `read-pin scheduled (${reader.where}) but no aggregate job`, fix);

  // A systemd service only runs when its timer is enabled.
  const timers = [reader, aggregator]
    .filter((s) => s.where.endsWith('.service'))
    .map((s) => s.where.replace(/^.*\//, '').replace(/\.service$/, '.timer'));
  for (const timer of timers) {
    const state = await input.run(input.systemctl, ['is-enabled', timer]);
    if (state && state.stdout.trim() !== 'enabled') {
      return warn(
        'schedule',
        `${timer} is ${state.stdout.trim() || 'not enabled'}`,
        `sudo systemctl enable --now ${timer}`,
      );
    }
  }
  // The Python version's layout: scripts in /etc/cron.{minutes,hourly}.pi run only through a run-parts line.
  const tables = sources.filter((s) => !RUN_PARTS_DIRS.some((dir) => s.where.includes(`/${dir}/`)));
  for (const dir of RUN_PARTS_DIRS) {
    const script = [reader, aggregator].find((s) => s.where.includes(`/${dir}/`));
    const runner = new RegExp(`run-parts\\b.*/etc/${dir.replace(/\./g, '\\.')}\\b`);
    if (script && !tables.some((s) => runner.test(active(s.text)))) {
      return warn(
        'schedule',
        `${script.where} is never run: no cron line runs run-parts /etc/${dir}`,
        'add the lines of cron_example/crontab to /etc/crontab (or use blackout-install)',
      );
    }
  }
  const places = [...new Set([reader.where, aggregator.where])].join(', ');
  return ok('schedule', `read-pin and aggregate scheduled (${places})`);
}
