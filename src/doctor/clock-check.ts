/** The Pi has no real-time clock: after a reboot without network its time is wrong until NTP syncs. */
import { existsSync } from 'node:fs';
import { type CheckResult, fail, ok, type RunCommand } from './check.js';

export interface ClockInput {
  run: RunCommand;
  timedatectl: string;
  /** systemd-timesyncd's flag file, `/run/systemd/timesync/synchronized`. */
  syncFlag: string;
}

const FIX = 'sudo timedatectl set-ntp true and check the network; readings taken meanwhile carry a wrong time';

export async function checkClock(input: ClockInput): Promise<CheckResult> {
  const out = await input.run(input.timedatectl, ['show', '-p', 'NTPSynchronized']);
  const answer = out?.code === 0 ? /NTPSynchronized=(yes|no)/.exec(out.stdout)?.[1] : undefined;
  if (answer === 'yes') return ok('clock', 'synchronised (timedatectl)');
  if (answer === 'no') return fail('clock', 'not synchronised (timedatectl: NTPSynchronized=no)', FIX);
  if (existsSync(input.syncFlag)) return ok('clock', `synchronised (${input.syncFlag})`);
  return fail('clock', `cannot confirm synchronisation (no timedatectl answer, no ${input.syncFlag})`, FIX);
}
