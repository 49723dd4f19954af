/**
 * `npm run bench`: the workloads of issue 6 against SQLite (temp files) and DynamoDB (dynalite on
 * loopback behind the request-counting proxy), each from fresh `node dist/<entry>.js` processes.
 *
 *   npm run bench                          everything, human-readable
 *   npm run bench -- --json                the same as JSON
 *   npm run bench -- --markdown            tables for doc/benchmarks.md
 *   npm run bench -- --only W1,W3 --stores sqlite --runs 9
 *   npm run bench -- --only SERVE          blackout-serve against spawning blackout-report (SQLite)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { StoreKind } from '../src/stores/store.js';
import { startDynalite, useTestAwsEnv } from '../test/support/dynalite.js';
import { startDynamoProxy } from '../test/support/dynamo-proxy.js';
import { median, ROOT, Runner } from './measure.js';
import { renderServe, type ServeFigures, serveBench } from './serve.js';
import {
  type BenchContext,
  DYNAMO_ITEM_OVERHEAD_BYTES,
  PYTHON_ORIGINAL,
  reportBuilt,
  steady,
  type TableSize,
  type WorkloadResult,
  w1,
  w2,
  w3,
  w4,
  w5,
  w5Dynamo,
} from './workloads.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'scale-runs': { type: 'string', default: '3' },
    only: { type: 'string', default: 'W1,W2,W3,W4,W5,S,SERVE' },
    stores: { type: 'string', default: 'sqlite,dynamodb' },
    json: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    'no-phases': { type: 'boolean', default: false },
    'no-proxy': { type: 'boolean', default: false },
    'compare-unbundled': { type: 'boolean', default: false },
    'save-json': { type: 'string' },
    'from-json': { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-dir': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    'no-capacity': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: npm run bench -- [--runs N] [--scale-runs N] [--only W1,W2,W3,W4,W5,S,SERVE] [--stores sqlite,dynamodb] [--json | --markdown] [--no-phases] [--profile [--profile-dir DIR]] [--latency-ms MS] [--no-capacity] [--no-proxy] [--compare-unbundled] [--save-json FILE] [--from-json FILE]\n',
  );
  process.exit(0);
}

const runs = Number(values.runs);
const latencyMs = Number(values['latency-ms']);
if (!Number.isInteger(latencyMs) || latencyMs < 0)
  throw new Error(`--latency-ms: not a whole number of ms: ${values['latency-ms']}`);
const capacity = !values['no-capacity'];
const scaleRuns = Number(values['scale-runs']);
const only = new Set(values.only.split(',').map((w) => w.trim().toUpperCase()));
const stores = values.stores.split(',').map((s) => s.trim()) as StoreKind[];
const progress = (message: string) => process.stderr.write(`${message}\n`);

interface Phase {
  step: string;
  ms: number;
  peakRssMiB: number;
}

interface Baseline {
  label: string;
  wallMs: number;
  peakRssMiB: number;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '?';
  }
}

function machine(rssMethod: string): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? '?',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    dynalite: packageVersion('dynalite'),
    'better-sqlite3': packageVersion('better-sqlite3'),
    '@aws-sdk/client-dynamodb': packageVersion('@aws-sdk/client-dynamodb'),
    peakRssMethod: rssMethod,
    latencyMsPerRequest: latencyMs,
    capacityAccounting: capacity ? 'on' : 'off',
    runs,
    scaleRuns,
  };
}

async function sqliteVersion(): Promise<string> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

const probe = join(ROOT, '.tools', 'bench', 'phase-probe.js');

async function baselines(ctx: BenchContext): Promise<Baseline[]> {
  const cases: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['import @aws-sdk/client-dynamodb + lib-dynamodb', [probe, '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']],
    [
      'import better-sqlite3, open a database',
      [probe, 'better-sqlite3', `sqlite-open:${join(ctx.tmp, 'baseline.sqlite')}`],
    ],
  ];
  const out: Baseline[] = [];
  for (const [label, args] of cases) {
    const wall: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i <= ctx.runs; i++) {
      const run = await ctx.runner.runNode(args);
      if (run.code !== 0) throw new Error(`${label}: exit ${run.code}: ${run.stderr}`);
      if (i === 0) continue;
      wall.push(run.wallMs);
      rss.push(run.peakRssKb);
    }
    out.push({ label, wallMs: median(wall), peakRssMiB: median(rss) / 1024 });
  }
  return out;
}

/**
 * Where a cold read-pin spends its time and memory: imports in the order the entrypoint does, from
 * the unbundled build at `unbundledDist` (one file per module).
 */
async function phases(ctx: BenchContext, store: StoreKind, unbundledDist: string): Promise<Phase[]> {
  const common = ['commander', 'pino', 'dist/cli/commands.js', 'dist/sensors/index.js', 'dist/pipeline/read-pin.js'];
  const storeSteps =
    store === 'sqlite'
      ? ['better-sqlite3', 'dist/stores/open-store.js', `sqlite-open:${join(ctx.tmp, 'phases.sqlite')}`]
      : [
          'dist/stores/open-store.js',
          '@aws-sdk/client-dynamodb',
          '@aws-sdk/lib-dynamodb',
          'dist/stores/dynamodb/dynamodb-store.js',
        ];
  const perStep = new Map<string, { ms: number[]; rss: number[] }>();
  for (let i = 0; i <= ctx.runs; i++) {
    const run = await ctx.runner.runNode([probe, ...common, ...storeSteps], {
      env: { BENCH_DIST_DIR: unbundledDist },
    });
    if (run.code !== 0) throw new Error(`phase probe failed: ${run.stderr}`);
    if (i === 0) continue;
    for (const step of JSON.parse(run.stdout) as { step: string; ms: number; peakRssKb: number }[]) {
      const entry = perStep.get(step.step) ?? { ms: [], rss: [] };
      entry.ms.push(step.ms);
      entry.rss.push(step.peakRssKb);
      perStep.set(step.step, entry);
    }
  }
  return [...perStep].map(([step, { ms, rss }]) => ({ step, ms: median(ms), peakRssMiB: median(rss) / 1024 }));
}

// ---- output --------------------------------------------------------------------------------------

const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(3)} s`);
const fmtMiB = (m: number): string => `${m.toFixed(1)} MiB`;
const fmtUnits = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const METRIC_UNIT: Record<string, (n: number) => string> = {
  wallMs: fmtMs,
  peakRssMiB: fmtMiB,
  requests: (n) => `${n} requests`,
  queries: (n) => `${n} queries`,
  roundTrips: (n) => `${n} round trip${n === 1 ? '' : 's'}`,
};

function targetText(result: WorkloadResult): string {
  if (result.targets.length === 0) return '-';
  return result.targets
    .map((t) => `${t.met ? 'ok' : 'MISSED'} ≤ ${(METRIC_UNIT[t.metric] ?? String)(t.limit)}`)
    .join(', ');
}

function operationsText(ops: Record<string, number> | undefined): string {
  if (!ops) return '';
  return Object.entries(ops)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
}

/**
 * On-demand prices per million request units. us-east-1 as published after AWS's price cut of
 * November 2024 (airbyte.com/data-engineering-resources/dynamodb-pricing quotes them; check
 * aws.amazon.com/dynamodb/pricing/on-demand for the user's region: prices change and differ by region).
 */
const PRICE_PER_MILLION = { region: 'us-east-1', write: 0.625, read: 0.125 } as const;
const DAYS_PER_MONTH = 30.44;

/** A device's day on DynamoDB: 1,440 read-pin runs (W1), 24 hourly aggregates (S1), one daily report (S2). */
function costPerDeviceDay(results: readonly WorkloadResult[]): string[] | undefined {
  const units = (id: string) => results.find((r) => r.id === id && r.store === 'dynamodb')?.units;
  const [minute, hour, report] = [units('W1'), units('S1'), units('S2')];
  if (!minute || !hour || !report) return undefined;
  const read = 1440 * minute.read + 24 * hour.read + report.read;
  const write =
    1440 * (minute.write + minute.indexWrite) + 24 * (hour.write + hour.indexWrite) + report.write + report.indexWrite;
  const month = (DAYS_PER_MONTH * (write * PRICE_PER_MILLION.write + read * PRICE_PER_MILLION.read)) / 1e6;
  const f = (n: number) => fmtUnits(Math.round(n * 10) / 10);
  return [
    '| Per device-day (DynamoDB) | RRU | WRU (table + index) |',
    '|---|---:|---:|',
    `| 1,440 × read-pin (W1) | ${f(1440 * minute.read)} | ${f(1440 * minute.write)} + ${f(1440 * minute.indexWrite)} |`,
    `| 24 × hourly aggregate (S1) | ${f(24 * hour.read)} | ${f(24 * hour.write)} + ${f(24 * hour.indexWrite)} |`,
    `| 1 × daily report (S2) | ${f(report.read)} | ${f(report.write)} + ${f(report.indexWrite)} |`,
    `| **total** | **${f(read)}** | **${f(write)}** |`,
    '',
    `Monthly on-demand price per device = ${DAYS_PER_MONTH} × (WRU/day × $${PRICE_PER_MILLION.write} + RRU/day × $${PRICE_PER_MILLION.read}) / 10⁶ ` +
      `(${PRICE_PER_MILLION.region} rates per million units) = $${month.toFixed(4)}`,
  ];
}

/** Least-squares line through (minutes, wall) points: fixed start-up cost plus cost per minute. */
function linearFit(points: { minutes: number; wallMs: number }[]) {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.minutes, 0) / n;
  const my = points.reduce((a, p) => a + p.wallMs, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.minutes - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.minutes - mx) * (p.wallMs - my), 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((a, p) => a + (p.wallMs - my) ** 2, 0);
  const ssRes = points.reduce((a, p) => a + (p.wallMs - (intercept + slope * p.minutes)) ** 2, 0);
  return { interceptMs: intercept, usPerMinute: slope * 1000, r2: 1 - ssRes / ssTot };
}

/** W5 on DynamoDB: items and bytes per table for the aggregated year, and per stored minute. */
function sizeTable(report: Report): string[] | undefined {
  const sizes = report.sizes ?? [];
  if (sizes.length === 0) return undefined;
  const minutes = Number(report.results.find((r) => r.id === 'W5' && r.store === 'dynamodb')?.extra?.minutes ?? 0);
  const n = (v: number) => v.toLocaleString('en');
  const perMinute = (bytes: number) => (minutes > 0 ? (bytes / minutes).toFixed(1) : '-');
  const lines = [
    `| W5 DynamoDB size, a year aggregated (${n(minutes)} minutes) | Items | Item bytes | + ${DYNAMO_ITEM_OVERHEAD_BYTES} B per item (billed) | Bytes per minute (billed) | DescribeTable (dynalite): items / bytes |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  // Registry rows are a part of their table's row: the totals count each item once.
  const whole = sizes.filter((s) => !s.table.includes(':'));
  for (const s of sizes) {
    const billed = s.bytes + DYNAMO_ITEM_OVERHEAD_BYTES * s.items;
    const reported = s.reportedItems !== undefined ? `${n(s.reportedItems)} / ${n(s.reportedBytes ?? 0)}` : '-';
    lines.push(
      `| ${s.table} | ${n(s.items)} | ${n(s.bytes)} | ${n(billed)} | ${perMinute(s.bytes)} (${perMinute(billed)}) | ${reported} |`,
    );
  }
  const items = whole.reduce((a, s) => a + s.items, 0);
  const bytes = whole.reduce((a, s) => a + s.bytes, 0);
  const billed = bytes + DYNAMO_ITEM_OVERHEAD_BYTES * items;
  lines.push(
    `| **total (tables + index)** | **${n(items)}** | **${n(bytes)}** | **${n(billed)}** | **${perMinute(bytes)} (${perMinute(billed)})** | |`,
  );
  return lines;
}

function markdown(report: Report): string {
  const lines: string[] = [];
  lines.push(
    '| Workload | Store | Median wall | Peak RSS | CPU (server) | Requests | Round trips | RRU / WRU (index) | Target | Runs (wall, s) |',
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---|---|');
  for (const r of report.results) {
    if (r.skipped) {
      lines.push(`| ${r.id} ${r.title} | ${r.store} | - | - | - | - | - | - | skipped: ${r.skipped} | |`);
      continue;
    }
    const requests = r.requests !== undefined ? `${r.requests} (${operationsText(r.operations)})` : '-';
    const walls = r.samples.map((s) => (s.wallMs / 1000).toFixed(3)).join(' ');
    const cpu = `${fmtMs(r.medianCpuMs)}${r.medianServerCpuMs !== undefined ? ` (${fmtMs(r.medianServerCpuMs)})` : ''}`;
    const trips = r.roundTrips !== undefined ? String(r.roundTrips) : '-';
    const u = r.units;
    const capacityText = u
      ? `${fmtUnits(u.read)} (${fmtUnits(u.indexRead)}) / ${fmtUnits(u.write)} (+${fmtUnits(u.indexWrite)})`
      : '-';
    lines.push(
      `| ${r.id} ${r.title} | ${r.store} | ${fmtMs(r.medianWallMs)} | ${fmtMiB(r.medianPeakRssMiB)} | ${cpu} | ${requests} | ${trips} | ${capacityText} | ${targetText(r)} | ${walls} |`,
    );
  }
  const perDay = costPerDeviceDay(report.results);
  if (perDay) lines.push('', ...perDay);
  if (report.scale.length > 0) {
    lines.push(
      '',
      '| W5 scale (SQLite) | Minutes | Median wall | µs per minute | Peak RSS |',
      '|---|---:|---:|---:|---:|',
    );
    for (const f of report.scale) {
      lines.push(
        `| ${f.label} | ${f.minutes.toLocaleString('en')} | ${fmtMs(f.wallMs)} | ${((f.wallMs * 1000) / f.minutes).toFixed(1)} | ${fmtMiB(f.peakRssMiB)} |`,
      );
    }
  }
  const sized = report.results.find((r) => r.extra?.databaseBytes !== undefined)?.extra;
  if (sized) {
    const mb = (n: unknown) => `${(Number(n) / 1e6).toFixed(1)} MB`;
    lines.push(
      '',
      `SQLite database with ${Number(sized.minutes).toLocaleString('en')} minutes: ${mb(sized.databaseBytes)} ` +
        `(${Number(sized.bytesPerMinute).toFixed(0)} bytes per minute); with the hours and days added: ${mb(sized.aggregatedDatabaseBytes)}.`,
    );
  }
  const sizeLines = sizeTable(report);
  if (sizeLines) lines.push('', ...sizeLines);
  const fit = linearFit(report.scale.filter((f) => f.label.startsWith('backfill')));
  if (fit) {
    lines.push(
      '',
      `Backfill cost fit: wall ≈ ${fmtMs(fit.interceptMs)} + ${fit.usPerMinute.toFixed(2)} µs × minutes (R² ${fit.r2.toFixed(3)})`,
    );
  }
  if (report.baselines.length > 0) {
    lines.push('', '| Baseline process | Median wall | Peak RSS |', '|---|---:|---:|');
    for (const b of report.baselines) lines.push(`| ${b.label} | ${fmtMs(b.wallMs)} | ${fmtMiB(b.peakRssMiB)} |`);
  }
  for (const [store, steps] of Object.entries(report.phases)) {
    lines.push(
      '',
      `| W1 ${store} import costs, unbundled modules: cumulative after | ms since start | Peak RSS |`,
      '|---|---:|---:|',
    );
    for (const p of steps) lines.push(`| ${p.step} | ${p.ms.toFixed(0)} | ${fmtMiB(p.peakRssMiB)} |`);
  }
  for (const r of report.results) {
    if (!r.profile) continue;
    lines.push(
      '',
      `| Profile ${r.id} ${r.store} (one run, ${r.profile.totalMs.toFixed(0)} ms profiled): self time | ms |`,
      '|---|---:|',
    );
    for (const share of r.profile.shares) lines.push(`| ${share.where} | ${share.ms.toFixed(1)} |`);
    lines.push('', `| Profile ${r.id} ${r.store}: top functions (self time) | ms |`, '|---|---:|');
    for (const share of r.profile.functions)
      lines.push(`| ${share.where.replace(/\|/g, '\\|')} | ${share.ms.toFixed(1)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function human(report: Report): string {
  const lines: string[] = ['', 'Machine:'];
  for (const [k, v] of Object.entries(report.machine)) lines.push(`  ${k}: ${v}`);
  lines.push('', markdown(report).replace(/^\|---.*\n/gm, ''));
  lines.push(
    `Python original (issue 6): W1 ${PYTHON_ORIGINAL.W1.wallMs / 1000} s / ${PYTHON_ORIGINAL.W1.peakRssMiB} MB, ` +
      `W2 ${PYTHON_ORIGINAL.W2.wallMs / 1000} s / ${PYTHON_ORIGINAL.W2.requests} requests, ` +
      `W3 ${PYTHON_ORIGINAL.W3.wallMs / 1000} s / ${PYTHON_ORIGINAL.W3.requests} requests.`,
  );
  const missed = report.results.flatMap((r) =>
    r.targets.filter((t) => !t.met).map((t) => `${r.id} ${r.store} ${t.metric}`),
  );
  lines.push(missed.length > 0 ? `Targets missed: ${missed.join(', ')}` : 'All targets met.');
  return `${lines.join('\n')}\n`;
}

interface Report {
  machine: Record<string, string | number>;
  results: WorkloadResult[];
  scale: { label: string; minutes: number; wallMs: number; peakRssMiB: number }[];
  /** W5 on DynamoDB: the aggregated year's tables and index (absent in reports saved before it). */
  sizes?: TableSize[];
  baselines: Baseline[];
  phases: Partial<Record<StoreKind, Phase[]>>;
  pythonOriginal: typeof PYTHON_ORIGINAL;
}

// ---- main -----------------------------------------------------------------------------------------

const render = (r: Report): string =>
  values.json ? `${JSON.stringify(r, null, 2)}\n` : values.markdown ? markdown(r) : human(r);

if (values['from-json']) {
  // Re-render a saved run (e.g. as markdown for doc/benchmarks.md) without measuring again.
  process.stdout.write(render(JSON.parse(readFileSync(values['from-json'], 'utf8')) as Report));
  process.exit(0);
}

const runner = new Runner();
const tmp = mkdtempSync(join(tmpdir(), 'blackout-bench-'));
useTestAwsEnv();
const dynalite = stores.includes('dynamodb') ? await startDynalite() : undefined;
const proxy = dynalite ? await startDynamoProxy(dynalite.endpoint, undefined, { latencyMs, capacity }) : undefined;
const ctx: BenchContext = {
  runner,
  runs,
  scaleRuns,
  tmp,
  ...(proxy && dynalite ? { dynamo: { proxy, direct: dynalite.endpoint, capacity } } : {}),
  profile: values.profile || values['profile-dir'] !== undefined,
  ...(values['profile-dir'] ? { profileDir: resolve(values['profile-dir']) } : {}),
  bypassProxy: values['no-proxy'],
  latencyMs,
  progress,
};

const report: Report = {
  machine: { ...machine(runner.rssMethod), sqlite: await sqliteVersion() },
  results: [],
  scale: [],
  sizes: [],
  baselines: [],
  phases: {},
  pythonOriginal: PYTHON_ORIGINAL,
};

/**
 * The same code as tsc alone emits it (one file per module, packages from node_modules), for W1
 * unbundled and the import phases. Built on demand: dist/ holds only the bundles.
 */
let unbundled: Runner | undefined;
function unbundledRunner(): Runner {
  if (unbundled) return unbundled;
  progress('building the unbundled tree (tsc only)…');
  const plain = join(ROOT, '.tools', `bench-tsc-${process.pid}`);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noEmit', 'false', '--outDir', plain], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    unbundled = new Runner(plain, 'unbundled');
  } finally {
    rmSync(plain, { recursive: true, force: true });
  }
  return unbundled;
}

const hasReport = reportBuilt(ctx);
let serve: ServeFigures | undefined;
try {
  for (const [id, workload] of [
    ['W1', w1],
    ['W2', w2],
    ['W3', w3],
  ] as const) {
    if (!only.has(id)) continue;
    for (const store of stores) {
      progress(`${id} ${store}…`);
      report.results.push(await workload(ctx, store));
    }
  }
  if (only.has('W4')) {
    for (const store of stores) {
      progress(`W4 ${store}…`);
      report.results.push(...(await w4(ctx, store)));
    }
  }
  if (only.has('S') && stores.includes('dynamodb')) {
    progress('steady state (S1 hourly aggregate, S2 daily report) dynamodb…');
    report.results.push(...(await steady(ctx, 'dynamodb')));
  }
  if (only.has('W5') && stores.includes('sqlite')) {
    progress('W5 sqlite (one year)…');
    const scale = await w5(ctx);
    report.results.push(...scale.results);
    report.scale = scale.figures;
  }
  if (only.has('W5') && stores.includes('dynamodb')) {
    progress('W5 dynamodb (one year)…');
    const scale = await w5Dynamo(ctx);
    report.results.push(...scale.results);
    report.sizes = scale.sizes;
  }
  if (only.has('SERVE') && stores.includes('sqlite')) {
    progress('SERVE sqlite…');
    serve = await serveBench(ctx);
  }
  if (values['compare-unbundled'] && only.has('W1')) {
    const plainRunner = unbundledRunner();
    progress('W1 on an unbundled build (tsc only)…');
    for (const store of stores) report.results.push(await w1({ ...ctx, runner: plainRunner }, store, 'W1 unbundled'));
  }
  if (!values['no-phases'] && only.has('W1')) {
    progress('baselines and W1 import phases…');
    report.baselines = await baselines(ctx);
    const unbundledDist = unbundledRunner().dist;
    for (const store of stores) report.phases[store] = await phases(ctx, store, unbundledDist);
  }
} finally {
  await proxy?.close();
  await dynalite?.close();
  runner.close();
  unbundled?.close();
  rmSync(tmp, { recursive: true, force: true });
}

if (!hasReport) progress('note: dist/report.js does not exist yet, W4 was skipped');
if (values['save-json']) writeFileSync(values['save-json'], `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(render(report));
if (serve) process.stdout.write(values.json ? `${JSON.stringify({ serve }, null, 2)}\n` : renderServe(serve));
