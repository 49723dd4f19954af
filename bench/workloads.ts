/**
 * The workloads of issue 6. Each run prepares its own data (so no run sees another's leftovers),
 * then runs one fresh `node dist/<entry>.js` process and records wall time, peak RSS and the
 * DynamoDB requests the request-counting proxy saw.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributeValue, DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ItemKey,
  parseItemKey,
  partitionKeysBetween,
  REGISTRY_PK,
  type Series,
  TABLES,
} from '../src/domain/keys.js';
import type { AggregateRecord, MinuteRecord } from '../src/domain/records.js';
import { formatTimestamp } from '../src/domain/time.js';
import { aggregate } from '../src/pipeline/aggregate.js';
import { tableName } from '../src/stores/dynamodb/tables.js';
import { chunk, mapLimit, type Store, type StoreKind } from '../src/stores/store.js';
import { FileBuffer } from '../src/utils/buffer.js';
import { silentLogger } from '../src/utils/log.js';
import { AWS_TEST_ENV } from '../test/support/dynalite.js';
import { type ConsumedUnits, criticalPath, type DynamoProxy } from '../test/support/dynamo-proxy.js';
import {
  createDynamoTables,
  DAY_MINUTES,
  dropDynamoTables,
  fillBuffer,
  MINUTE_MS,
  openDynamo,
  openSqlite,
  populate,
  readings,
} from './fixtures.js';
import { median, type RunMeasurement, type Runner } from './measure.js';
import { type ProfileShare, summarizeProfile } from './profile.js';

export interface Sample {
  wallMs: number;
  peakRssKb: number;
  /** CPU time of the measured process. */
  cpuMs: number;
  /** CPU time of the harness meanwhile: dynalite and the proxy (DynamoDB runs). */
  serverCpuMs?: number;
  /** DynamoDB requests by operation (DynamoDB runs only). */
  operations?: Record<string, number>;
  requests?: number;
  /** Longest chain of requests that waited for each other (DynamoDB runs through the proxy). */
  roundTrips?: number;
  /** Capacity the run consumed (DynamoDB runs with capacity accounting). */
  units?: ConsumedUnits;
}

export type Metric = 'wallMs' | 'peakRssMiB' | 'requests' | 'queries' | 'roundTrips';

export interface Target {
  metric: Metric;
  limit: number;
  actual: number;
  met: boolean;
}

export interface WorkloadResult {
  id: string;
  title: string;
  store: StoreKind;
  samples: Sample[];
  medianWallMs: number;
  medianPeakRssMiB: number;
  medianCpuMs: number;
  medianServerCpuMs?: number;
  requests?: number;
  operations?: Record<string, number>;
  /** Median critical path in round trips (DynamoDB). */
  roundTrips?: number;
  /** Capacity of one run (the last measured; every run does the same work). */
  units?: ConsumedUnits;
  targets: Target[];
  /** Workload-specific figures (database size, per-minute cost, …). */
  extra?: Record<string, number | string>;
  profile?: { totalMs: number; shares: ProfileShare[]; functions: ProfileShare[] };
  skipped?: string;
}

export interface BenchContext {
  runner: Runner;
  runs: number;
  scaleRuns: number;
  tmp: string;
  /** The proxy in front of dynalite (DynamoDB workloads), and dynalite itself for fixtures. */
  dynamo?: { proxy: DynamoProxy; direct: string; capacity: boolean };
  /** Also profile one run of each workload (`--profile`). */
  profile: boolean;
  /** Keep each profile there as `<workload>-<store>.cpuprofile`, to open in Chrome DevTools (`--profile-dir`). */
  profileDir?: string;
  /** DynamoDB runs talk to dynalite directly (`--no-proxy`): no request counts; shows the proxy's cost. */
  bypassProxy: boolean;
  /** The proxy's fixed delay per request (`--latency-ms`), for the titles and targets. */
  latencyMs: number;
  progress(message: string): void;
}

const MODE = 'bench';
const PIN = 4;
const BASE = Date.UTC(2025, 0, 6);

export const PYTHON_ORIGINAL = {
  W1: { wallMs: 500, peakRssMiB: 46 },
  W2: { wallMs: 4750, requests: 1442 },
  W3: { wallMs: 25_800, requests: 11_200 },
} as const;

type Limits = Partial<Record<Metric, number>>;

const TARGETS: Record<string, Partial<Record<StoreKind, Limits>>> = {
  W1: { dynamodb: { wallMs: 250, peakRssMiB: 70 }, sqlite: { wallMs: 150, peakRssMiB: 50 } },
  'W1 unbundled': { dynamodb: { wallMs: 250, peakRssMiB: 70 }, sqlite: { wallMs: 150, peakRssMiB: 50 } },
  W2: { dynamodb: { wallMs: 600, requests: 100 } },
  W3: { dynamodb: { wallMs: 1700, requests: 1000 }, sqlite: { wallMs: 500 } },
  'W4 auto month': { dynamodb: { queries: 40 }, sqlite: { wallMs: 500 } },
  'W4 raw month': {},
};

/**
 * Issue 19's targets with 30 ms per request (`--latency-ms 30`): close to what the network allows.
 * W4's "auto" source reads the aggregated hours for a month that is rolled up.
 */
const LATENCY_TARGETS: Record<string, Partial<Record<StoreKind, Limits>>> = {
  W1: { dynamodb: { roundTrips: 1 } },
  W2: { dynamodb: { wallMs: 1000 } },
  W3: { dynamodb: { wallMs: 2500 } },
  'W4 auto month': { dynamodb: { wallMs: 1000 } },
};

const mib = (kb: number): number => kb / 1024;

function storeArgs(ctx: BenchContext, store: StoreKind, db: string): string[] {
  if (store === 'sqlite') return ['--store', 'sqlite', '--db', db];
  if (!ctx.dynamo) throw new Error('DynamoDB workloads need dynalite');
  const endpoint = ctx.bypassProxy ? ctx.dynamo.direct : ctx.dynamo.proxy.endpoint;
  return ['--store', 'dynamodb', '--endpoint', endpoint, '--region', 'us-east-1'];
}

const storeEnv = (store: StoreKind): Record<string, string> => (store === 'dynamodb' ? AWS_TEST_ENV : {});

/** A report reads no buffer: the series and a log folder only. */
function reportSeriesArgs(series: Series, dir: string, mode = MODE): string[] {
  return ['--device', series.device, '--pin', String(series.pin), '--mode', mode, '--log-dir', join(dir, 'logs')];
}

function seriesArgs(series: Series, dir: string, mode = MODE): string[] {
  return [
    '--device',
    series.device,
    '--pin',
    String(series.pin),
    '--mode',
    mode,
    '--buffer-dir',
    join(dir, 'buffer'),
    '--log-dir',
    join(dir, 'logs'),
  ];
}

interface RunPlan {
  entry: string;
  args: string[];
  /** Checked after the run; throws when the run did not do its job. */
  verify?: (run: RunMeasurement) => Promise<void> | void;
}

function summarize(
  id: string,
  title: string,
  store: StoreKind,
  measured: Measured,
  extra?: Record<string, number | string>,
  latency = false,
): WorkloadResult {
  const { samples, profile } = measured;
  const medianWallMs = median(samples.map((s) => s.wallMs));
  const medianPeakRssMiB = mib(median(samples.map((s) => s.peakRssKb)));
  const requests = store === 'dynamodb' ? median(samples.map((s) => s.requests ?? 0)) : undefined;
  const medianCpuMs = median(samples.map((s) => s.cpuMs));
  const medianServerCpuMs = store === 'dynamodb' ? median(samples.map((s) => s.serverCpuMs ?? 0)) : undefined;
  const operations = samples[samples.length - 1]?.operations;
  const units = samples[samples.length - 1]?.units;
  const trips = samples.map((s) => s.roundTrips).filter((n): n is number => n !== undefined);
  const roundTrips = trips.length > 0 ? median(trips) : undefined;
  const queries = operations ? (operations.Query ?? 0) + (operations.Scan ?? 0) : undefined;
  const actual: Record<Metric, number | undefined> = {
    wallMs: medianWallMs,
    peakRssMiB: medianPeakRssMiB,
    requests,
    queries,
    roundTrips,
  };
  const targets: Target[] = [];
  const limits = { ...TARGETS[id]?.[store], ...(latency ? LATENCY_TARGETS[id]?.[store] : {}) };
  for (const [metric, limit] of Object.entries(limits) as [Metric, number][]) {
    const value = actual[metric];
    if (value !== undefined) targets.push({ metric, limit, actual: value, met: value <= limit });
  }
  return {
    id,
    title,
    store,
    samples,
    medianWallMs,
    medianPeakRssMiB,
    medianCpuMs,
    ...(medianServerCpuMs !== undefined ? { medianServerCpuMs } : {}),
    ...(requests !== undefined ? { requests } : {}),
    ...(operations ? { operations } : {}),
    ...(roundTrips !== undefined ? { roundTrips } : {}),
    ...(units ? { units } : {}),
    targets,
    ...(extra ? { extra } : {}),
    ...(profile ? { profile } : {}),
  };
}

interface Measured {
  samples: Sample[];
  /** Self time by package/file of one extra profiled run (with `--profile`). */
  profile?: { totalMs: number; shares: ProfileShare[]; functions: ProfileShare[] };
}

/** Copies the profile written into `from` to `into/<name>[-N].cpuprofile` (never overwriting one). */
function keepProfile(from: string, into: string, name: string): void {
  const file = readdirSync(from).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return;
  mkdirSync(into, { recursive: true });
  let target = join(into, `${name}.cpuprofile`);
  for (let n = 2; existsSync(target); n++) target = join(into, `${name}-${n}.cpuprofile`);
  copyFileSync(join(from, file), target);
}

/**
 * One warm-up run (file cache, dynalite's JIT) that is not counted, then `runs` measured runs, then
 * with `ctx.profile` one more run under `--cpu-prof` whose profile is summarized.
 */
async function measure(
  ctx: BenchContext,
  store: StoreKind,
  runs: number,
  plan: (run: number) => Promise<RunPlan> | RunPlan,
): Promise<Measured> {
  const measured: Measured = { samples: [] };
  const last = ctx.profile ? runs + 1 : runs;
  for (let i = 0; i <= last; i++) {
    const { entry, args, verify } = await plan(i);
    const profileDir = i > runs ? join(ctx.tmp, `profile-${Date.now()}`) : undefined;
    ctx.dynamo?.proxy.resetCounts();
    const run = await ctx.runner.run(entry, args, {
      env: storeEnv(store),
      ...(profileDir ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
    });
    if (run.code !== 0) {
      throw new Error(`${entry} ${args.join(' ')} exited ${run.code}: ${run.stderr.trim() || run.stdout.trim()}`);
    }
    const proxied = store === 'dynamodb' && ctx.dynamo && !ctx.bypassProxy ? ctx.dynamo.proxy : undefined;
    const operations = proxied ? Object.fromEntries([...proxied.counts].sort()) : undefined;
    const roundTrips = proxied ? criticalPath(proxied.spans) : undefined;
    const units = proxied && ctx.dynamo?.capacity ? { ...proxied.units } : undefined;
    await verify?.(run);
    if (profileDir) {
      if (ctx.profileDir) keepProfile(profileDir, ctx.profileDir, `${entry.replace(/\.js$/, '')}-${store}`);
      const summary = summarizeProfile(profileDir);
      measured.profile = {
        totalMs: summary.totalMs,
        shares: summary.shares.slice(0, 12),
        functions: summary.functions.slice(0, 12),
      };
      continue;
    }
    if (i === 0) continue;
    measured.samples.push({
      wallMs: run.wallMs,
      peakRssKb: run.peakRssKb,
      cpuMs: run.cpuMs,
      ...(store === 'dynamodb' ? { serverCpuMs: run.harnessCpuMs } : {}),
      ...(operations
        ? { operations, requests: Object.values(operations).reduce((a: number, b: number) => a + b, 0) }
        : {}),
      ...(roundTrips !== undefined ? { roundTrips } : {}),
      ...(units ? { units } : {}),
    });
  }
  return measured;
}

function workDir(ctx: BenchContext, name: string): string {
  const dir = join(ctx.tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const isoAt = (ms: number): string => new Date(ms).toISOString();

/** W1: cold read-pin, one reading, tables exist, empty buffer. */
export async function w1(ctx: BenchContext, store: StoreKind, id = 'W1'): Promise<WorkloadResult> {
  const dir = workDir(ctx, `w1-${store}`);
  const series: Series = { device: `${id.replace(/\W+/g, '_')}_${store}`, pin: PIN };
  const db = join(dir, 'bench.sqlite');
  if (store === 'sqlite') await openSqlite(db).close();
  else if (ctx.dynamo) await createDynamoTables(ctx.dynamo.direct, MODE);
  const buffer = new FileBuffer(join(dir, 'buffer'), MODE);
  const samples = await measure(ctx, store, ctx.runs, (i) => ({
    entry: 'read-pin',
    args: [
      ...seriesArgs(series, dir),
      ...storeArgs(ctx, store, db),
      '--sensor',
      'simulate',
      '--at',
      isoAt(BASE + i * MINUTE_MS + 3000),
    ],
    verify: () => {
      if (buffer.list().length !== 0) throw new Error('W1: the reading was not flushed');
    },
  }));
  return summarize(id, 'cold read-pin, one reading', store, samples, undefined, ctx.latencyMs === 30);
}

/** W2: read-pin with a day of readings (1,440) waiting in the buffer. */
export async function w2(ctx: BenchContext, store: StoreKind): Promise<WorkloadResult> {
  const dir = workDir(ctx, `w2-${store}`);
  const series: Series = { device: `w2_${store}`, pin: PIN };
  const db = join(dir, 'bench.sqlite');
  if (store === 'sqlite') await openSqlite(db).close();
  else if (ctx.dynamo) await createDynamoTables(ctx.dynamo.direct, MODE);
  const bufferRoot = join(dir, 'buffer');
  const buffer = new FileBuffer(bufferRoot, MODE);
  const samples = await measure(ctx, store, ctx.runs, (i) => {
    const day = BASE + 30 * DAY_MINUTES * MINUTE_MS + i * 2 * DAY_MINUTES * MINUTE_MS;
    fillBuffer(bufferRoot, MODE, readings(series, new Date(day), DAY_MINUTES, false));
    // On a Pi these files were written over a day; do not make the run pay for their write-back.
    spawnSync('sync');
    return {
      entry: 'read-pin',
      args: [
        ...seriesArgs(series, dir),
        ...storeArgs(ctx, store, db),
        '--sensor',
        'simulate',
        '--at',
        isoAt(day + DAY_MINUTES * MINUTE_MS + 3000),
      ],
      verify: () => {
        const left = buffer.list().length;
        if (left !== 0) throw new Error(`W2: ${left} readings left in the buffer`);
      },
    };
  });
  return summarize('W2', 'read-pin flushing 1,440 buffered readings', store, samples, undefined, ctx.latencyMs === 30);
}

/** W3: aggregate 7 days of pending minutes (some missing). */
export async function w3(ctx: BenchContext, store: StoreKind): Promise<WorkloadResult> {
  const dir = workDir(ctx, `w3-${store}`);
  let minutes = 0;
  // DynamoDB: fresh tables per run (a mode each), the last run's dropped. In one growing table every
  // run found the emulator slower than the one before (3.5 → 4.9 s over five runs: its heap grows).
  const modeOf = (run: number): string => `${MODE}-w3-${run}`;
  const samples = await measure(ctx, store, ctx.runs, async (i) => {
    // A new series per run: its minutes are all pending and nothing else is.
    const series: Series = { device: `w3_${store}_${i}`, pin: PIN };
    const db = join(dir, `run-${i}.sqlite`);
    const mode = store === 'dynamodb' ? modeOf(i) : MODE;
    if (store === 'dynamodb' && ctx.dynamo) {
      if (i > 0) await dropDynamoTables(ctx.dynamo.direct, modeOf(i - 1));
      await createDynamoTables(ctx.dynamo.direct, mode);
    }
    const records = readings(series, new Date(BASE), 7 * DAY_MINUTES, true);
    minutes = records.length;
    ctx.progress(`  W3 ${store} run ${i}: storing ${records.length} pending minutes`);
    const fixtureStore = store === 'sqlite' ? openSqlite(db) : openDynamo(ctx.dynamo?.direct ?? '', mode);
    try {
      await populate(fixtureStore, records);
    } finally {
      await fixtureStore.close();
    }
    return {
      entry: 'aggregate',
      args: [...seriesArgs(series, dir, mode), ...storeArgs(ctx, store, db)],
      verify: async () => {
        const check = store === 'sqlite' ? openSqlite(db) : openDynamo(ctx.dynamo?.direct ?? '', mode);
        try {
          const left = await check.pendingPartitions('minutes', series);
          const hours = await check.pendingPartitions('hours', series);
          if (left.length > 0 || hours.length > 0) {
            throw new Error(`W3: ${left.length} minute and ${hours.length} hour partitions still pending`);
          }
        } finally {
          await check.close();
        }
      },
    };
  });
  return summarize(
    'W3',
    `aggregate 7 days (${minutes.toLocaleString('en')} minutes)`,
    store,
    samples,
    undefined,
    ctx.latencyMs === 30,
  );
}

// ---- W4: reports -------------------------------------------------------------------------------

export const reportBuilt = (ctx: BenchContext): boolean => existsSync(join(ctx.runner.dist, 'report.js'));

/** W4: a month report (UTC month, table output) from the aggregated hours and from the raw minutes. */
export async function w4(ctx: BenchContext, store: StoreKind): Promise<WorkloadResult[]> {
  if (!reportBuilt(ctx)) {
    return ['auto', 'raw'].map((source) => ({
      ...summarize(`W4 ${source} month`, `report for one month, ${source} source`, store, { samples: [] }),
      skipped: 'dist/report.js does not exist yet',
    }));
  }
  const dir = workDir(ctx, `w4-${store}`);
  const series: Series = { device: `w4_${store}`, pin: PIN };
  const db = join(dir, 'bench.sqlite');
  if (store === 'dynamodb' && ctx.dynamo) await createDynamoTables(ctx.dynamo.direct, MODE);
  const records = readings(series, new Date(Date.UTC(2025, 5, 1)), 30 * DAY_MINUTES, true);
  ctx.progress(`  W4 ${store}: storing and aggregating ${records.length.toLocaleString('en')} minutes of June 2025`);
  const fixtureStore = store === 'sqlite' ? openSqlite(db) : openDynamo(ctx.dynamo?.direct ?? '', MODE);
  try {
    await populate(fixtureStore, records);
  } finally {
    await fixtureStore.close();
  }
  const aggregated = await ctx.runner.run('aggregate', [...seriesArgs(series, dir), ...storeArgs(ctx, store, db)], {
    env: storeEnv(store),
  });
  if (aggregated.code !== 0) throw new Error(`W4: aggregate failed: ${aggregated.stderr}`);
  // On a Pi each hour was rolled up by the hourly run a few minutes after it ended, long before the
  // month's report: stamp the hours so (the roll-up above did them all just now).
  const restamp = store === 'sqlite' ? openSqlite(db) : openDynamo(ctx.dynamo?.direct ?? '', MODE);
  try {
    const dayPks = partitionKeysBetween(
      'hours',
      series,
      new Date(Date.UTC(2025, 5, 1)),
      new Date(Date.UTC(2025, 6, 1)),
    );
    const hours = [...(await restamp.readPartitions('hours', dayPks)).values()].flat();
    await restamp.putAggregates(
      'hours',
      hours.map((h) => ({
        ...h,
        ts: formatTimestamp(new Date((parseItemKey('hours', h)?.start.getTime() ?? 0) + 65 * 60_000)),
      })),
    );
  } finally {
    await restamp.close();
  }
  const results: WorkloadResult[] = [];
  // `auto` (the default) reads the hours of a month that is rolled up: what a cron report does.
  for (const source of ['auto', 'raw'] as const) {
    const measured = await measure(ctx, store, ctx.runs, () => ({
      entry: 'report',
      args: [
        ...reportSeriesArgs(series, dir),
        ...storeArgs(ctx, store, db),
        '--month',
        '2025-06',
        '--tz',
        'UTC',
        '--source',
        source,
      ],
      verify: (run) => {
        if (!run.stdout.includes('2025-06')) throw new Error(`W4: the ${source} report printed no June table`);
      },
    }));
    results.push(
      summarize(
        `W4 ${source} month`,
        `report June 2025 (${source} source, table)`,
        store,
        measured,
        { minutes: records.length },
        ctx.latencyMs === 30,
      ),
    );
  }
  return results;
}

// ---- W5: one year, the fixture both stores share ------------------------------------------------

const YEAR_SERIES: Series = { device: 'w5_year', pin: PIN };
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_END = Date.UTC(2026, 0, 1);
/** The year's last 7 days: what a Pi that was offline for a week has pending when it is back. */
const OFFLINE_FROM = YEAR_END - 7 * DAY_MINUTES * MINUTE_MS;
/** DynamoDB W5 has tables of its own, so their sizes are the year's alone (not W1–W4's leftovers). */
const YEAR_MODE = 'bench_year';
const YEAR_REPORT = ['--from', '2025-01-01', '--to', '2025-12-31', '--tz', 'UTC'];

interface YearFixture {
  records: MinuteRecord[];
  /** The last week's minutes, as read-pin stores them (status `new`). */
  lastWeek: MinuteRecord[];
  /** SQLite: the year aggregated except its last week, whose minutes are pending. */
  offlineDb: string;
  /** SQLite: the whole year aggregated. */
  fullDb: string;
  /** How long building both took, ms. */
  ms: number;
}

const yearFixtures = new Map<string, Promise<YearFixture>>();

/**
 * The year in SQLite, aggregated by the project's own pipeline in-process (the SQLite adapter does a
 * year in seconds), built once per bench run: the SQLite rows copy `offlineDb`, the DynamoDB year is
 * loaded from `fullDb`.
 */
function yearFixture(ctx: BenchContext): Promise<YearFixture> {
  let built = yearFixtures.get(ctx.tmp);
  if (!built) {
    built = buildYear(ctx);
    yearFixtures.set(ctx.tmp, built);
  }
  return built;
}

async function buildYear(ctx: BenchContext): Promise<YearFixture> {
  const started = performance.now();
  const dir = join(ctx.tmp, 'w5-year');
  mkdirSync(dir, { recursive: true });
  const records = readings(YEAR_SERIES, new Date(YEAR_START), 365 * DAY_MINUTES, true);
  const before = records.filter((r) => Date.parse(r.ts) < OFFLINE_FROM);
  const lastWeek = records.filter((r) => Date.parse(r.ts) >= OFFLINE_FROM);
  const offlineDb = join(dir, 'offline.sqlite');
  const fullDb = join(dir, 'full.sqlite');
  ctx.progress(
    `  W5: building the year in SQLite: ${before.length.toLocaleString('en')} minutes stored and aggregated in-process, ` +
      `then the last week's ${lastWeek.length.toLocaleString('en')} stored pending`,
  );
  const offline = openSqlite(offlineDb);
  try {
    await populate(offline, before);
    await aggregate(offline, YEAR_SERIES, silentLogger());
    await populate(offline, lastWeek);
  } finally {
    await offline.close();
  }
  copyFileSync(offlineDb, fullDb);
  const full = openSqlite(fullDb);
  try {
    await aggregate(full, YEAR_SERIES, silentLogger());
  } finally {
    await full.close();
  }
  const ms = performance.now() - started;
  ctx.progress(`  W5: the SQLite year took ${(ms / 1000).toFixed(1)} s`);
  return { records, lastWeek, offlineDb, fullDb, ms };
}

/** Throws unless the series has no pending minutes or hours left (an aggregate run did its job). */
async function assertNothingPending(store: Store, what: string): Promise<void> {
  try {
    const minutes = await store.pendingPartitions('minutes', YEAR_SERIES);
    const hours = await store.pendingPartitions('hours', YEAR_SERIES);
    if (minutes.length > 0 || hours.length > 0) {
      throw new Error(`${what}: ${minutes.length} minute and ${hours.length} hour partitions still pending`);
    }
  } finally {
    await store.close();
  }
}

// ---- W5: one year in SQLite -----------------------------------------------------------------------

interface ScaleFigure {
  label: string;
  minutes: number;
  wallMs: number;
  peakRssMiB: number;
}

function fileSize(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) total += statSync(path + suffix).size;
  }
  return total;
}

/** W5: a year of minutes in SQLite: size, backfill aggregation over growing ranges, pending catch-up. */
export async function w5(ctx: BenchContext): Promise<{ results: WorkloadResult[]; figures: ScaleFigure[] }> {
  const dir = workDir(ctx, 'w5');
  const series = YEAR_SERIES;
  const yearStart = YEAR_START;
  const template = join(dir, 'year.sqlite');
  const records = readings(series, new Date(yearStart), 365 * DAY_MINUTES, true);
  ctx.progress(`  W5: storing ${records.length.toLocaleString('en')} minutes of 2025 in SQLite`);
  const fixture = openSqlite(template);
  await populate(fixture, records);
  await fixture.close();
  const sizeBytes = fileSize(template);
  const results: WorkloadResult[] = [];
  const figures: ScaleFigure[] = [];
  const minutesBetween = (from: number, to: number) =>
    records.filter((r) => {
      const t = Date.parse(r.ts);
      return t >= from && t < to;
    }).length;

  // The first hourly run after a year of readings: everything pending.
  const pendingDb = join(dir, 'pending.sqlite');
  const pendingSamples = await measure(ctx, 'sqlite', ctx.scaleRuns, () => {
    copyFileSync(template, pendingDb);
    return { entry: 'aggregate', args: [...seriesArgs(series, dir), '--db', pendingDb] };
  });
  const pending = summarize('W5', 'aggregate a year of pending minutes', 'sqlite', pendingSamples);
  results.push(pending);
  figures.push({
    label: 'pending, 1 year',
    minutes: records.length,
    wallMs: pending.medianWallMs,
    peakRssMiB: pending.medianPeakRssMiB,
  });

  // Backfills over growing ranges of the same (already aggregated) year database.
  const ranges: [string, string, string][] = [
    ['backfill 1 month', '2025-06-01', '2025-06-30'],
    ['backfill 3 months', '2025-04-01', '2025-06-30'],
    ['backfill 12 months', '2025-01-01', '2025-12-31'],
  ];
  for (const [label, from, to] of ranges) {
    const samples = await measure(ctx, 'sqlite', ctx.scaleRuns, () => ({
      entry: 'aggregate',
      args: [...seriesArgs(series, dir), '--db', pendingDb, '--from', from, '--to', to],
    }));
    const n = minutesBetween(Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`) + DAY_MINUTES * MINUTE_MS);
    const result = summarize('W5', `aggregate --from ${from} --to ${to}`, 'sqlite', samples, { minutes: n });
    results.push(result);
    figures.push({ label, minutes: n, wallMs: result.medianWallMs, peakRssMiB: result.medianPeakRssMiB });
  }

  // Reports on the aggregated year: a month and the whole year, from the hours and from the minutes.
  if (reportBuilt(ctx)) {
    const periods: [string, string[], number][] = [
      ['month', ['--month', '2025-06'], minutesBetween(Date.UTC(2025, 5, 1), Date.UTC(2025, 6, 1))],
      ['year', ['--from', '2025-01-01', '--to', '2025-12-31'], records.length],
    ];
    for (const [label, period, n] of periods) {
      for (const source of ['aggregated', 'raw'] as const) {
        const samples = await measure(ctx, 'sqlite', ctx.scaleRuns, () => ({
          entry: 'report',
          args: [...reportSeriesArgs(series, dir), '--db', pendingDb, ...period, '--tz', 'UTC', '--source', source],
        }));
        const result = summarize('W5', `report ${period.join(' ')} (${source})`, 'sqlite', samples, { minutes: n });
        results.push(result);
        figures.push({
          label: `report ${label}, ${source}`,
          minutes: n,
          wallMs: result.medianWallMs,
          peakRssMiB: result.medianPeakRssMiB,
        });
      }
    }
  }

  // The cron run after a week offline: the year aggregated, its last week's minutes pending.
  const year = await yearFixture(ctx);
  const offlineRun = join(dir, 'offline.sqlite');
  const offline = await measure(ctx, 'sqlite', ctx.scaleRuns, () => {
    copyFileSync(year.offlineDb, offlineRun);
    return {
      entry: 'aggregate',
      args: [...seriesArgs(series, dir), '--db', offlineRun],
      verify: () => assertNothingPending(openSqlite(offlineRun), 'W5 sqlite after a week offline'),
    };
  });
  results.push(
    summarize(
      'W5',
      `aggregate after a week offline (${year.lastWeek.length.toLocaleString('en')} minutes pending)`,
      'sqlite',
      offline,
      {
        minutes: year.lastWeek.length,
      },
    ),
  );

  const extra = { databaseBytes: sizeBytes, minutes: records.length, bytesPerMinute: sizeBytes / records.length };
  const first = results[0];
  if (first) first.extra = { ...first.extra, ...extra, aggregatedDatabaseBytes: fileSize(pendingDb) };
  return { results, figures };
}

// ---- W5: one year in DynamoDB ---------------------------------------------------------------------

/** One table's (or the status index's) size: counted here, and what DescribeTable says. */
export interface TableSize {
  store: StoreKind;
  /** `minutes`, `hours`, `days`, `status index`, …. */
  table: string;
  items: number;
  /** DynamoDB's documented item size summed: attribute names plus values (no per-item overhead). */
  bytes: number;
  /** DescribeTable's ItemCount and TableSizeBytes (IndexSizeBytes for the index) as the server reports them. */
  reportedItems?: number;
  reportedBytes?: number;
}

/**
 * DynamoDB's item size as documented ("Item sizes and formats"): the UTF-8 length of each attribute
 * name plus its value: strings their UTF-8 length, numbers 1 byte per two significant digits plus 1,
 * booleans and null 1 byte, lists and maps 3 bytes plus 1 per element plus the elements. dynalite
 * bills capacity by the same rules (its `itemSize`), which is what the proxy's units are.
 */
export function dynamoItemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return 1 + Math.ceil(Math.max(1, digits.length) / 2);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((a, v) => a + Buffer.byteLength(v), 0);
  if (value.NS !== undefined) return value.NS.reduce((a, v) => a + numberSize(v), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((a, v) => a + 1 + valueSize(v), 0);
  if (value.M !== undefined) return 3 + Object.keys(value.M).length + dynamoItemSize(value.M);
  return 0;
}

/** Per-item storage overhead DynamoDB bills on top of the item size, for a table item and an index entry. */
export const DYNAMO_ITEM_OVERHEAD_BYTES = 100;

/**
 * Counts and sizes every item of the year's tables, read straight from dynalite (one Scan, not
 * through the proxy), next to what DescribeTable reports. The status index projects ALL: each
 * entry holds the whole item, and only items with `pk_status` and `ts` (not the registry's) have one.
 */
async function measureDynamoSize(endpoint: string, mode: string): Promise<TableSize[]> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  const sizes: TableSize[] = [];
  const index: TableSize = { store: 'dynamodb', table: 'status index (all tables)', items: 0, bytes: 0 };
  let reportedIndexItems = 0;
  let reportedIndexBytes = 0;
  try {
    for (const table of TABLES) {
      const name = tableName(mode, table);
      const { Table: described } = await client.send(new DescribeTableCommand({ TableName: name }));
      const own: TableSize = {
        store: 'dynamodb',
        table,
        items: 0,
        bytes: 0,
        reportedItems: described?.ItemCount ?? 0,
        reportedBytes: described?.TableSizeBytes ?? 0,
      };
      const registry: TableSize = { store: 'dynamodb', table: `${table}: series registry`, items: 0, bytes: 0 };
      for (const gsi of described?.GlobalSecondaryIndexes ?? []) {
        reportedIndexItems += gsi.ItemCount ?? 0;
        reportedIndexBytes += gsi.IndexSizeBytes ?? 0;
      }
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
        for (const item of page.Items ?? []) {
          const size = dynamoItemSize(item);
          own.items++;
          own.bytes += size;
          if (item.pk?.S === REGISTRY_PK) {
            registry.items++;
            registry.bytes += size;
          }
          if (item.pk_status !== undefined && item.ts !== undefined) {
            index.items++;
            index.bytes += size;
          }
        }
        start = page.LastEvaluatedKey;
      } while (start);
      sizes.push(own);
      if (registry.items > 0) sizes.push(registry);
    }
  } finally {
    client.destroy();
  }
  sizes.push({ ...index, reportedItems: reportedIndexItems, reportedBytes: reportedIndexBytes });
  return sizes;
}

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

/** BatchWriteItem straight to dynalite (fixture resets, not measured), 25 per request, several at once. */
async function writeDirect(endpoint: string, table: string, requests: WriteRequests): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  const doc = DynamoDBDocumentClient.from(client);
  try {
    await mapLimit(chunk(requests, 25), 8, async (part) => {
      let pending: WriteRequests = part;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`W5: BatchWriteItem on ${table}: items still unprocessed`);
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = out.UnprocessedItems?.[table] ?? [];
      }
    });
  } finally {
    client.destroy();
  }
}

/**
 * W5 on DynamoDB: the year loaded into dynalite once (straight, not through the proxy), its size,
 * year reports, and the cron `aggregate` after a week offline (the last week's minutes reset to
 * pending and its hours and days deleted before each run, so every run does the same work).
 */
export async function w5Dynamo(ctx: BenchContext): Promise<{ results: WorkloadResult[]; sizes: TableSize[] }> {
  if (!ctx.dynamo) throw new Error('W5 on DynamoDB needs dynalite');
  const direct = ctx.dynamo.direct;
  const dir = workDir(ctx, 'w5-dynamodb');
  const started = performance.now();
  const year = await yearFixture(ctx);
  const since = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

  // The aggregated hours and days as the SQLite pipeline left them.
  const sqlite = openSqlite(year.fullDb);
  const range = [new Date(YEAR_START), new Date(YEAR_END)] as const;
  let hours: AggregateRecord[];
  let days: AggregateRecord[];
  try {
    hours = [
      ...(await sqlite.readPartitions('hours', partitionKeysBetween('hours', YEAR_SERIES, ...range))).values(),
    ].flat();
    days = [
      ...(await sqlite.readPartitions('days', partitionKeysBetween('days', YEAR_SERIES, ...range))).values(),
    ].flat();
  } finally {
    await sqlite.close();
  }
  const startOf = (table: 'hours' | 'days', item: ItemKey) => parseItemKey(table, item)?.start.getTime() ?? 0;
  // On a Pi each hour was rolled up by the hourly run a few minutes after it ended (see W4): `auto`
  // trusts an hours item only when it was stamped after its hour, and reads the index for mixed ones
  // stamped over 10 minutes ago.
  const stamped = hours.map((h) => ({ ...h, ts: formatTimestamp(new Date(startOf('hours', h) + 65 * MINUTE_MS)) }));

  const loadStarted = performance.now();
  ctx.progress(
    `  W5 dynamodb: loading the year into dynalite directly: ${year.records.length.toLocaleString('en')} minutes (done), ` +
      `${hours.length.toLocaleString('en')} hours, ${days.length} days`,
  );
  await createDynamoTables(direct, YEAR_MODE);
  const loader = openDynamo(direct, YEAR_MODE);
  try {
    // The project's own writes: markDone rewrites minutes as `done` in batches (what aggregate leaves),
    // putAggregates('days') also writes the series registry and its month counts.
    await loader.markDone('minutes', year.records);
    ctx.progress(`  W5 dynamodb: minutes loaded after ${since(loadStarted)}`);
    await loader.putAggregates('hours', stamped);
    await loader.putAggregates('days', days);
    if (!(await loader.hasReadings(YEAR_SERIES))) throw new Error('W5 dynamodb: the loaded series is not registered');
  } finally {
    await loader.close();
  }
  const loadMs = performance.now() - loadStarted;
  ctx.progress(`  W5 dynamodb: year loaded in ${since(loadStarted)}; sizing the tables (Scan, direct)`);
  const sizeStarted = performance.now();
  const sizes = await measureDynamoSize(direct, YEAR_MODE);
  const sizeMs = performance.now() - sizeStarted;

  const results: WorkloadResult[] = [];
  const sources = ['auto', 'aggregated', 'raw'] as const;
  for (const source of sources) {
    ctx.progress(`  W5 dynamodb: report a year, ${source} source (${ctx.scaleRuns} runs + warm-up)`);
    const t = performance.now();
    const measured = await measure(ctx, 'dynamodb', ctx.scaleRuns, () => ({
      entry: 'report',
      args: [
        ...reportSeriesArgs(YEAR_SERIES, dir, YEAR_MODE),
        ...storeArgs(ctx, 'dynamodb', ''),
        ...YEAR_REPORT,
        '--source',
        source,
      ],
      verify: (run) => {
        if (!run.stdout.includes('2025-12'))
          throw new Error(`W5 dynamodb: the ${source} year report printed no December`);
      },
    }));
    results.push(
      summarize('W5', `report ${YEAR_REPORT.slice(0, 4).join(' ')} (${source})`, 'dynamodb', measured, {
        minutes: year.records.length,
      }),
    );
    ctx.progress(`  W5 dynamodb: ${source} done in ${since(t)}`);
  }

  // After a week offline: before each run the last week is as read-pin left it on the Pi's return.
  const lastWeekHours = hours.filter((h) => startOf('hours', h) >= OFFLINE_FROM);
  const lastWeekDays = days.filter((d) => startOf('days', d) >= OFFLINE_FROM);
  const keyOf = (item: ItemKey) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } });
  const offlineStarted = performance.now();
  let resetMs = 0;
  const offline = await measure(ctx, 'dynamodb', ctx.scaleRuns, async (i) => {
    const t = performance.now();
    await writeDirect(direct, tableName(YEAR_MODE, 'hours'), lastWeekHours.map(keyOf));
    await writeDirect(direct, tableName(YEAR_MODE, 'days'), lastWeekDays.map(keyOf));
    await writeDirect(
      direct,
      tableName(YEAR_MODE, 'minutes'),
      year.lastWeek.map((r) => ({ PutRequest: { Item: { ...r } } })),
    );
    resetMs = performance.now() - t;
    ctx.progress(
      `  W5 dynamodb: aggregate after a week offline, run ${i}: the last week reset to pending in ${since(t)}`,
    );
    return {
      entry: 'aggregate',
      args: [...seriesArgs(YEAR_SERIES, dir, YEAR_MODE), ...storeArgs(ctx, 'dynamodb', '')],
      verify: () => assertNothingPending(openDynamo(direct, YEAR_MODE), 'W5 dynamodb after a week offline'),
    };
  });
  results.push(
    summarize(
      'W5',
      `aggregate after a week offline (${year.lastWeek.length.toLocaleString('en')} minutes pending)`,
      'dynamodb',
      offline,
      { minutes: year.lastWeek.length },
    ),
  );
  ctx.progress(`  W5 dynamodb: aggregate after a week offline done in ${since(offlineStarted)}`);

  const first = results[0];
  if (first) {
    first.extra = {
      ...first.extra,
      sqliteYearMs: Math.round(year.ms),
      loadMs: Math.round(loadMs),
      sizeScanMs: Math.round(sizeMs),
      resetMs: Math.round(resetMs),
      totalMs: Math.round(performance.now() - started),
    };
  }
  ctx.progress(`  W5 dynamodb: all done in ${since(started)}`);
  return { results, sizes };
}

// ---- Steady state: what one device costs a day ------------------------------------------------------

/**
 * The two runs of a device's day besides its 1,440 read-pin runs (W1): an hourly `aggregate` with one
 * new hour pending on a series whose earlier hours and days are rolled up (the 24 a day), and the
 * daily report of yesterday (`report --day`, auto source). Each run adds the next hour, so every run
 * rolls up exactly one.
 */
export async function steady(ctx: BenchContext, store: StoreKind): Promise<WorkloadResult[]> {
  const dir = workDir(ctx, `steady-${store}`);
  const series: Series = { device: `steady_${store}`, pin: PIN };
  const db = join(dir, 'bench.sqlite');
  if (store === 'dynamodb' && ctx.dynamo) await createDynamoTables(ctx.dynamo.direct, MODE);
  const open = () => (store === 'sqlite' ? openSqlite(db) : openDynamo(ctx.dynamo?.direct ?? '', MODE));
  const start = Date.UTC(2025, 6, 1);
  // Two days rolled up before: yesterday is complete for the report.
  const history = readings(series, new Date(start), 2 * DAY_MINUTES, false);
  const fixture = open();
  try {
    await populate(fixture, history);
  } finally {
    await fixture.close();
  }
  const first = await ctx.runner.run('aggregate', [...seriesArgs(series, dir), ...storeArgs(ctx, store, db)], {
    env: storeEnv(store),
  });
  if (first.code !== 0) throw new Error(`steady state: aggregate failed: ${first.stderr}`);
  const today = start + 2 * DAY_MINUTES * MINUTE_MS;
  const hourly = await measure(ctx, store, ctx.runs, async (i) => {
    const hour = readings(series, new Date(today + i * 60 * MINUTE_MS), 60, false);
    const writer = open();
    try {
      await populate(writer, hour);
    } finally {
      await writer.close();
    }
    return { entry: 'aggregate', args: [...seriesArgs(series, dir), ...storeArgs(ctx, store, db)] };
  });
  const daily = await measure(ctx, store, ctx.runs, () => ({
    entry: 'report',
    args: [
      ...reportSeriesArgs(series, dir),
      ...storeArgs(ctx, store, db),
      '--day',
      new Date(today - DAY_MINUTES * MINUTE_MS).toISOString().slice(0, 10),
      '--tz',
      'UTC',
    ],
    verify: (run) => {
      if (run.stdout.trim() === '') throw new Error('steady state: the daily report printed nothing');
    },
  }));
  return [
    summarize('S1', 'hourly aggregate, one new hour (24 a day)', store, hourly),
    summarize('S2', 'daily report of yesterday (once a day)', store, daily),
  ];
}
