/**
 * The chaos run: hundreds of `read-pin` runs over successive minutes (`--at`), each reading a
 * known value from a sensor file, each possibly SIGKILLed at a random moment, against a store with
 * faults on (DynamoDB: dynalite behind the fault-injecting proxy; SQLite: another connection
 * holding the write lock), with `aggregate` runs (also killed at times) in between. Then the faults
 * stop, one clean flush and one aggregation run, and every minute is checked against what was read.
 *
 *   npm run chaos -- [--store sqlite|dynamodb|both] [--runs 200] [--seed 1] [--json]
 *
 * Prints `runs, kills, faults injected, lost, duplicated, wrong, rejected` per store and exits
 * non-zero unless lost = duplicated = wrong = 0.
 *   lost        a run exited 0 (reading recorded) but its minute is not in the store at the end
 *   duplicated  a reading counted more than once (hours counts above the distinct minutes), or a
 *               stored minute that no run read
 *   wrong       a stored minute whose ts or value differs from what was read, or an hours/days item
 *               that differs from a recompute from the stored minutes
 *   rejected    files moved to rejected/ (allowed; reported)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { countDay, countHour } from '../src/domain/aggregate.js';
import { itemKey, keyText, partitionKeysBetween, rollupKey, type Series } from '../src/domain/keys.js';
import type { MinuteRecord } from '../src/domain/records.js';
import { formatTimestamp } from '../src/domain/time.js';
import { DynamoStore } from '../src/stores/dynamodb/dynamodb-store.js';
import { SqliteStore } from '../src/stores/sqlite/sqlite-store.js';
import type { Store, StoreKind } from '../src/stores/store.js';
import { projectRoot } from '../src/utils/paths.js';
import { AWS_TEST_ENV, startDynalite, useTestAwsEnv } from '../test/support/dynalite.js';
import { type FaultAction, startDynamoProxy } from '../test/support/dynamo-proxy.js';

export interface ChaosOptions {
  store: StoreKind;
  runs: number;
  seed?: number;
  /** Chance that a read-pin run is SIGKILLed at a random moment. */
  killRate?: number;
  /** An aggregate run is started alongside every this many read-pin runs. */
  aggregateEvery?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

export interface ChaosReport {
  store: StoreKind;
  runs: number;
  kills: number;
  faultsInjected: number;
  lost: number;
  duplicated: number;
  wrong: number;
  rejected: number;
  /** Details behind the figures. */
  detail: {
    recordedRuns: number;
    killedRuns: number;
    killedButStored: number;
    killedNotStored: number;
    failedRuns: number;
    aggregateRuns: number;
    aggregateKills: number;
    storedMinutes: number;
    hoursChecked: number;
    daysChecked: number;
    leftInBuffer: number;
    faultsByKind: Record<string, number>;
    finalFlushExit: number | null;
    finalAggregateExit: number | null;
    seconds: number;
    problems: string[];
  };
}

const SERIES: Series = { device: 'chaos_pi', pin: 17 };
const MODE = 'chaos';
const START = Date.parse('2025-03-30T22:30:00Z');

/** Small seeded PRNG (mulberry32): the same seed gives the same run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The known pattern: power with outages of a few minutes, so hours hold both values. */
export function chaosReading(minute: number): 0 | 1 {
  const phase = minute % 47;
  return phase >= 30 && phase < 38 ? 0 : minute % 13 === 5 ? 0 : 1;
}

interface Child {
  process: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

function start(script: string, args: string[], env: Record<string, string | undefined>): Child {
  const began = Date.now();
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (stderr && signal === null) process.stderr.write(`chaos: child said: ${stderr}`);
      resolve({ code, signal, ms: Date.now() - began });
    });
  });
  return { process: child, done };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const began = Date.now();
  const rand = random(options.seed ?? 1);
  const killRate = options.killRate ?? 0.3;
  const aggregateEvery = options.aggregateEvery ?? 15;
  const say = options.progress ?? (() => undefined);
  const root = projectRoot();
  const readPinJs = join(root, 'dist', 'read-pin.js');
  const aggregateJs = join(root, 'dist', 'aggregate.js');
  const work = mkdtempSync(join(tmpdir(), `blackout-chaos-${options.store}-`));
  const bufferRoot = join(work, 'buffer');
  const dbFile = join(work, 'store.sqlite');
  const faultsByKind: Record<string, number> = {};
  const bump = (kind: string): void => {
    faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
  };
  const problems: string[] = [];

  if (options.store === 'dynamodb') useTestAwsEnv(); // for the in-process check at the end
  const dynalite = options.store === 'dynamodb' ? await startDynalite() : undefined;
  const proxy = dynalite ? await startDynamoProxy(dynalite.endpoint) : undefined;
  const storeArgs = proxy
    ? ['--store', 'dynamodb', '--endpoint', proxy.endpoint]
    : ['--store', 'sqlite', '--db', dbFile];
  const common = [
    SERIES.device,
    String(SERIES.pin),
    MODE,
    ...storeArgs,
    '--buffer-dir',
    bufferRoot,
    '--log-dir',
    join(work, 'logs'),
  ];
  const env = { ...AWS_TEST_ENV };
  mkdirSync(join(work, 'sensors'), { recursive: true });

  // DynamoDB faults: per request, plus outages (every request fails) lasting a few runs.
  let outageRuns = 0;
  proxy?.setPolicy((operation): FaultAction => {
    if (outageRuns > 0) return { kind: 'reset' };
    const r = rand();
    if (operation === 'BatchWriteItem' && r < 0.35) return { kind: 'unprocessed', fraction: 0.3 + rand() * 0.5 };
    if (operation === 'BatchGetItem' && r < 0.25) return { kind: 'unprocessed-keys', fraction: 0.3 + rand() * 0.5 };
    if (r < 0.07) return { kind: 'throttle' };
    if (r < 0.11) return { kind: 'server-error', status: rand() < 0.5 ? 500 : 503 };
    if (r < 0.14) return { kind: 'reset' };
    if (r < 0.17) return { kind: 'reset-after' };
    if (r < 0.2) return { kind: 'delay', ms: 100 + Math.floor(rand() * 1500) };
    return { kind: 'pass' };
  });

  // SQLite faults: another connection holds the write lock, briefly (ridden out by the busy
  // timeout) or past the busy timeout (the run cannot store and keeps its reading buffered).
  let sqliteHolder: Database.Database | undefined;
  let holdUntil = 0;
  const holdSqlite = (ms: number): void => {
    if (!sqliteHolder) {
      mkdirSync(work, { recursive: true });
      sqliteHolder = new Database(dbFile);
      sqliteHolder.pragma('journal_mode = WAL');
    }
    if (!sqliteHolder.inTransaction) sqliteHolder.exec('BEGIN IMMEDIATE');
    holdUntil = Math.max(holdUntil, Date.now() + ms);
  };
  const releaseSqliteIfDue = (force = false): void => {
    if (sqliteHolder?.inTransaction && (force || Date.now() >= holdUntil)) sqliteHolder.exec('COMMIT');
  };
  const sqliteTimer = options.store === 'sqlite' ? setInterval(() => releaseSqliteIfDue(), 50) : undefined;

  interface RunRecord {
    minute: number;
    ts: string;
    reading: 0 | 1;
    code: number | null;
    killed: boolean;
  }
  const records: RunRecord[] = [];
  const durations: number[] = [];
  const typicalMs = (): number => {
    if (durations.length === 0) return options.store === 'dynamodb' ? 1200 : 400;
    const sorted = [...durations].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 400;
  };
  let kills = 0;
  let aggregateRuns = 0;
  let aggregateKills = 0;
  const background: Promise<unknown>[] = [];

  for (let minute = 0; minute < options.runs; minute++) {
    if (proxy) {
      if (outageRuns > 0) outageRuns--;
      else if (rand() < 0.04) {
        outageRuns = 3 + Math.floor(rand() * 8);
        bump('outage');
      }
    } else if (rand() < 0.1) {
      const long = rand() < 0.3;
      holdSqlite(long ? 11_000 : 200 + Math.floor(rand() * 2000));
      bump(long ? 'sqlite-lock-past-busy-timeout' : 'sqlite-lock-brief');
    }
    const reading = chaosReading(minute);
    // A reading a few seconds into its minute, with milliseconds, as cron and the clock give it.
    const at = new Date(START + minute * 60_000 + Math.floor(rand() * 50_000) + 1000);
    const sensor = join(work, 'sensors', `s${minute}`);
    writeFileSync(`${sensor}.tmp`, `${reading}\n`);
    renameSync(`${sensor}.tmp`, sensor);
    const child = start(readPinJs, [...common, '--sensor', `file:${sensor}`, '--at', at.toISOString()], env);
    const kill = rand() < killRate;
    if (kill) {
      const delay = Math.floor(rand() * typicalMs() * 1.2);
      setTimeout(() => child.process.kill('SIGKILL'), delay);
    }
    if (aggregateEvery > 0 && minute % aggregateEvery === aggregateEvery - 1) {
      const aggregate = start(aggregateJs, common, env);
      aggregateRuns++;
      if (rand() < killRate) {
        aggregateKills++;
        setTimeout(() => aggregate.process.kill('SIGKILL'), Math.floor(rand() * 2000));
      }
      background.push(
        aggregate.done.then((r) => {
          if (r.signal === null && r.code !== 0) problems.push(`aggregate during chaos exited ${r.code}`);
        }),
      );
    }
    const result = await child.done;
    const killed = result.signal === 'SIGKILL';
    if (killed) kills++;
    else durations.push(result.ms);
    records.push({ minute, ts: formatTimestamp(at), reading, code: result.code, killed });
    if (minute % 10 === 9) say(`${options.store}: ${minute + 1}/${options.runs} runs, ${kills} killed`);
  }
  await Promise.all(background);

  // Faults off, then one clean flush and one aggregation.
  if (sqliteTimer) clearInterval(sqliteTimer);
  releaseSqliteIfDue(true);
  sqliteHolder?.close();
  outageRuns = 0;
  const faultsInjected =
    Object.entries(faultsByKind).reduce((n, [, v]) => n + v, 0) +
    [...(proxy?.faults.values() ?? [])].reduce((a, b) => a + b, 0);
  for (const [kind, n] of proxy?.faults ?? []) faultsByKind[kind] = (faultsByKind[kind] ?? 0) + n;
  proxy?.setPolicy(undefined);
  const flush = await start(readPinJs, [...common, '--flush-only'], env).done;
  const aggregate = await start(aggregateJs, common, env).done;
  if (flush.code !== 0) problems.push(`final flush exited ${flush.code}`);
  if (aggregate.code !== 0) problems.push(`final aggregate exited ${aggregate.code}`);

  // Check every minute against what was read.
  const store: Store = dynalite
    ? new DynamoStore({ mode: MODE, endpoint: dynalite.endpoint })
    : new SqliteStore({ file: dbFile });
  let lost = 0;
  let duplicated = 0;
  let wrong = 0;
  let killedButStored = 0;
  let killedNotStored = 0;
  let failedRuns = 0;
  let hoursChecked = 0;
  let daysChecked = 0;
  let storedMinutes = 0;
  try {
    const from = new Date(START);
    const to = new Date(START + options.runs * 60_000);
    const minutePartitions = await store.readPartitions('minutes', partitionKeysBetween('minutes', SERIES, from, to));
    const stored = new Map<string, MinuteRecord>();
    for (const item of [...minutePartitions.values()].flat()) stored.set(keyText(item), item);
    storedMinutes = stored.size;
    const expectedKeys = new Set<string>();
    for (const run of records) {
      const key = itemKey('minutes', SERIES, new Date(START + run.minute * 60_000));
      const id = keyText(key);
      expectedKeys.add(id);
      const item = stored.get(id);
      if (run.code !== 0 && !run.killed) failedRuns++;
      if (!item) {
        if (run.killed) killedNotStored++;
        else if (run.code === 0) {
          lost++;
          problems.push(`lost: minute ${run.minute} (${run.ts}) exited 0 but is not stored`);
        }
        continue;
      }
      if (run.killed) killedButStored++;
      if (item.ts !== run.ts || item.reading !== run.reading) {
        wrong++;
        problems.push(`wrong: minute ${run.minute} stored ${item.ts}=${item.reading}, read ${run.ts}=${run.reading}`);
      }
    }
    for (const id of stored.keys()) {
      if (!expectedKeys.has(id)) {
        duplicated++;
        problems.push(`stored minute no run read: ${id}`);
      }
    }
    // Aggregates against a recompute from the stored minutes.
    const hourPks = partitionKeysBetween('hours', SERIES, from, to);
    const hourPartitions = await store.readPartitions('hours', hourPks);
    const hours = new Map([...hourPartitions.values()].flat().map((h) => [keyText(h), h]));
    for (const [pk, minutes] of minutePartitions) {
      if (minutes.length === 0) continue;
      const hourKey = rollupKey('minutes', pk);
      if (!hourKey) continue;
      const item = hours.get(keyText(hourKey));
      const expected = countHour(minutes);
      hoursChecked++;
      if (!item) {
        wrong++;
        problems.push(`hour missing for ${pk}`);
        continue;
      }
      if (item.count > expected.count) {
        duplicated += item.count - expected.count;
        problems.push(`hour ${pk} counts ${item.count} readings, ${expected.count} stored`);
      } else if (
        item.on !== expected.on ||
        item.off !== expected.off ||
        item.unknown !== expected.unknown ||
        item.count !== expected.count
      ) {
        wrong++;
        problems.push(`hour ${pk}: ${JSON.stringify(item)} vs recompute ${JSON.stringify(expected)}`);
      }
    }
    const days = [...(await store.readPartitions('days', partitionKeysBetween('days', SERIES, from, to))).values()]
      .flat()
      .map((d) => [keyText(d), d] as const);
    const dayItems = new Map(days);
    for (const [pk, hoursOfDay] of hourPartitions) {
      if (hoursOfDay.length === 0) continue;
      const key = rollupKey('hours', pk);
      if (!key) continue;
      const item = dayItems.get(keyText(key));
      const expected = countDay(hoursOfDay);
      daysChecked++;
      if (!item || item.on !== expected.on || item.off !== expected.off || item.count !== expected.count) {
        wrong++;
        problems.push(`day ${pk}: ${JSON.stringify(item)} vs recompute ${JSON.stringify(expected)}`);
      }
    }
    const pending = await store.pendingPartitions('minutes', SERIES);
    if (pending.length > 0) problems.push(`minutes still pending after the final aggregation: ${pending.length}`);
  } finally {
    await store.close();
  }
  const modeDir = join(bufferRoot, MODE);
  const leftInBuffer = readdirSync(modeDir).filter((f) => f.endsWith('.json')).length;
  if (leftInBuffer > 0) problems.push(`${leftInBuffer} files still buffered after the final flush`);
  let rejected = 0;
  try {
    rejected = readdirSync(join(modeDir, 'rejected')).length;
  } catch {
    rejected = 0;
  }

  await proxy?.close();
  await dynalite?.close();
  // Keep the work folder only when something went wrong, for a look at the logs.
  const clean = lost === 0 && duplicated === 0 && wrong === 0 && problems.length === 0;
  if (clean) rmSync(work, { recursive: true, force: true });
  else problems.push(`work folder kept: ${work}`);

  return {
    store: options.store,
    runs: records.length,
    kills,
    faultsInjected,
    lost,
    duplicated,
    wrong,
    rejected,
    detail: {
      recordedRuns: records.filter((r) => r.code === 0).length,
      killedRuns: kills,
      killedButStored,
      killedNotStored,
      failedRuns,
      aggregateRuns,
      aggregateKills,
      storedMinutes,
      hoursChecked,
      daysChecked,
      leftInBuffer,
      faultsByKind,
      finalFlushExit: flush.code,
      finalAggregateExit: aggregate.code,
      seconds: Math.round((Date.now() - began) / 1000),
      problems,
    },
  };
}

export function chaosPassed(report: ChaosReport): boolean {
  return report.lost === 0 && report.duplicated === 0 && report.wrong === 0 && report.detail.problems.length === 0;
}

export function summaryLine(r: ChaosReport): string {
  return `${r.store}: runs ${r.runs}, kills ${r.kills}, faults injected ${r.faultsInjected}, lost ${r.lost}, duplicated ${r.duplicated}, wrong ${r.wrong}, rejected ${r.rejected}`;
}

const CHAOS_USAGE =
  'usage: npm run chaos -- [--store sqlite|dynamodb|both] [--runs N (200)] [--seed N] [--json]; exits non-zero unless lost = duplicated = wrong = 0';

function parseArgs(argv: string[]): { stores: StoreKind[]; runs: number; seed: number; json: boolean } {
  let stores: StoreKind[] = ['sqlite', 'dynamodb'];
  let runs = 200;
  let seed = Date.now() % 100_000;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--store' && value && ['sqlite', 'dynamodb', 'both'].includes(value)) {
      stores = value === 'both' ? ['sqlite', 'dynamodb'] : [value as StoreKind];
      i++;
    } else if (arg === '--runs' && value && /^\d+$/.test(value) && Number(value) > 0) {
      runs = Number(value);
      i++;
    } else if (arg === '--seed' && value && /^\d+$/.test(value)) {
      seed = Number(value);
      i++;
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${CHAOS_USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`chaos: invalid argument ${JSON.stringify(arg)}; ${CHAOS_USAGE}\n`);
      process.exit(2);
    }
  }
  return { stores, runs, seed, json };
}

async function main(): Promise<void> {
  const { stores, runs, seed, json } = parseArgs(process.argv.slice(2));
  const reports: ChaosReport[] = [];
  for (const store of stores) {
    process.stderr.write(`chaos: ${store}, ${runs} runs, seed ${seed}\n`);
    const report = await runChaos({ store, runs, seed, progress: (l) => process.stderr.write(`  ${l}\n`) });
    reports.push(report);
    process.stdout.write(`${summaryLine(report)}\n`);
    for (const p of report.detail.problems) process.stdout.write(`  problem: ${p}\n`);
  }
  if (json) process.stdout.write(`${JSON.stringify({ seed, reports }, null, 2)}\n`);
  process.exit(reports.every(chaosPassed) ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
