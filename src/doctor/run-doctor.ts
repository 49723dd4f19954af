/** Runs every check in order and prints one line each (or JSON). */
import { join } from 'node:path';
import type { CommonConfig } from '../cli/config.js';
import type { OutputsConfig } from '../outputs/config.js';
import type { Sensor } from '../sensors/sensor.js';
import type { Store } from '../stores/store.js';
import { messageOf } from '../utils/errors.js';
import { checkPinBias } from './bias-check.js';
import { checkBuffer } from './buffer-check.js';
import { type CheckResult, fail, type RunCommand, warn, withTimeout } from './check.js';
import { checkClock } from './clock-check.js';
import { checkDisk } from './disk-check.js';
import { checkFolder, scheduledUser } from './folder-check.js';
import { checkFreshness } from './freshness-check.js';
import { checkNode } from './node-check.js';
import { checkMqtt, checkPrometheus, checkSvitlobot } from './outputs-check.js';
import { checkSchedule } from './schedule-check.js';
import { checkSensor } from './sensor-check.js';
import { checkSettingsFile } from './settings-check.js';
import { checkStore, type StoreLines, tablesNotChecked } from './store-check.js';

export interface DoctorCommands {
  pinctrl: string;
  timedatectl: string;
  systemctl: string;
  crontab: string;
}

export interface DoctorSetup {
  config: CommonConfig;
  sensor: Sensor;
  sensorSpec: string;
  activeLow: boolean;
  /** Opens the store for reading (the doctor only looks); the signal bounds every request. */
  openStore: (options: { signal: AbortSignal }) => Promise<Store>;
  /** HOME of the user the jobs run as, named when no AWS credentials are found. */
  home: string | undefined;
  /** Name of that user, for the same message. */
  username: string | undefined;
  run: RunCommand;
  commands: DoctorCommands;
  /** The local zone times are shown in. */
  tz: string;
  /** Prefix of /etc and /run: `/` on a real system. */
  systemRoot: string;
  nodeVersion: string;
  now: Date;
  minFreeBytes: number;
  /** The minute job's outputs, as configured. */
  outputs?: OutputsConfig;
}

const MINUTE_MS = 60_000;
const STORE_TIMEOUT_MS = 30_000;

const thrown = (name: string, error: unknown): CheckResult =>
  fail(name, messageOf(error), 'see the message; run the job with --verbose for details');

/** Runs a check; a check that throws becomes a failure line, never a stack trace. */
async function guarded(name: string, check: () => CheckResult | Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await check();
  } catch (error) {
    return thrown(name, error);
  }
}

export async function runDoctor(setup: DoctorSetup): Promise<CheckResult[]> {
  const { config, run, commands, now } = setup;
  const results: CheckResult[] = [];
  const add = async (name: string, check: () => CheckResult | Promise<CheckResult>) => {
    const result = await guarded(name, check);
    results.push(result);
    return result;
  };
  await add('node', () => checkNode(setup.nodeVersion));
  await add('sensor', () => checkSensor(setup.sensor, setup.sensorSpec, now));
  await add('pin bias', () =>
    checkPinBias({
      pin: config.series.pin,
      sensorSpec: setup.sensorSpec,
      activeLow: setup.activeLow,
      run,
      pinctrl: commands.pinctrl,
    }),
  );
  await add('clock', () =>
    checkClock({
      run,
      timedatectl: commands.timedatectl,
      syncFlag: join(setup.systemRoot, 'run', 'systemd', 'timesync', 'synchronized'),
    }),
  );
  // Each store request is cancelled at the timeout; the race also covers what is not a request.
  const openStore = () => setup.openStore({ signal: AbortSignal.timeout(STORE_TIMEOUT_MS) });
  let storeLines: StoreLines;
  try {
    storeLines = await withTimeout(
      checkStore(openStore, { home: setup.home, username: setup.username }),
      STORE_TIMEOUT_MS,
      'the store',
    );
  } catch (error) {
    storeLines = { store: thrown('store', error), tables: tablesNotChecked(), readable: false };
  }
  results.push(storeLines.store, storeLines.tables);
  const { readable } = storeLines;
  const jobUser = scheduledUser(setup.systemRoot);
  await add('buffer', () =>
    checkBuffer({ bufferDir: config.bufferDir, mode: config.mode, now, staleMs: 5 * MINUTE_MS, jobUser }),
  );
  await add('logs', () => checkFolder('logs', config.logDir, jobUser));
  // Nothing to read from tables that are missing or wrong.
  await add('freshness', () =>
    !readable
      ? warn('freshness', 'not checked: the store or its tables are not ready', 'fix the store and tables first')
      : withTimeout(
          checkFreshness({
            openStore,
            series: config.series,
            now,
            tz: setup.tz,
            staleMs: 5 * MINUTE_MS,
            lookBackMs: 24 * 60 * MINUTE_MS,
          }),
          STORE_TIMEOUT_MS,
          'the store',
        ),
  );
  await add('schedule', () =>
    checkSchedule({ systemRoot: setup.systemRoot, run, crontab: commands.crontab, systemctl: commands.systemctl }),
  );
  await add('settings', () => checkSettingsFile(setup.systemRoot));
  if (setup.outputs) {
    const outputs = {
      outputs: setup.outputs,
      bufferDir: config.bufferDir,
      mode: config.mode,
      series: config.series,
      now,
      tz: setup.tz,
      staleMs: 5 * MINUTE_MS,
    };
    await add('svitlobot', () => checkSvitlobot(outputs));
    // A line each only when configured.
    for (const [name, check] of [
      ['mqtt', checkMqtt],
      ['prometheus', checkPrometheus],
    ] as const) {
      try {
        const result = check(outputs);
        if (result) results.push(result);
      } catch (error) {
        results.push(thrown(name, error));
      }
    }
  }
  await add('disk', () =>
    checkDisk({ path: config.bufferDir, minFreeBytes: setup.minFreeBytes, lowFreeBytes: setup.minFreeBytes * 10 }),
  );
  return results;
}

const MARKS = { ok: '✓', warn: '!', fail: '✗' } as const;

export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  // A fix already given on an earlier line is not printed again.
  const given = new Map<string, string>();
  const lines = results.map((r) => {
    const earlier = r.fix ? given.get(r.fix) : undefined;
    if (r.fix && !earlier) given.set(r.fix, r.name);
    const fix = !r.fix ? '' : earlier ? ` → fix: see ${earlier}` : ` → fix: ${r.fix}`;
    return `${MARKS[r.status]} ${r.name.padEnd(width)}  ${r.message}${fix}`;
  });
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${count('ok')} passed, ${plural(count('warn'), 'warning')}, ${count('fail')} failed`);
  return `${lines.join('\n')}\n`;
}

export const allPassed = (results: readonly CheckResult[]): boolean => results.every((r) => r.status !== 'fail');
