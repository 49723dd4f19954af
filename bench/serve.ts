/**
 * SERVE: blackout-serve on SQLite, as the app uses it — one running server, requests over a kept-alive
 * connection — against spawning `blackout-report --format json` for the same period, and the
 * server's memory once it has answered them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Series } from '../src/domain/keys.js';
import { SERVE_NODE_FLAGS } from '../src/install/templates.js';
import { generateMinutes } from '../test/support/data.js';
import { DAY_MINUTES, MINUTE_MS, openSqlite, populate } from './fixtures.js';
import { median } from './measure.js';
import type { BenchContext } from './workloads.js';

export interface ServeFigures {
  days: number;
  minutes: number;
  requests: number;
  statusMedianMs: number;
  reportMedianMs: number;
  cliReportMedianMs: number;
  ratio: number;
  rssMiB: number;
  peakRssMiB: number;
  targets: { label: string; met: boolean }[];
}

const MODE = 'bench';
const SERIES: Series = { device: 'serve_bench', pin: 4 };
/** The history a Pi has after a season: the report reads 30 days of it, the status 7. */
const HISTORY_DAYS = 90;
const REQUESTS = 30;

/**
 * A Pi's history: power off 18:00-20:00 (UTC) every day, a reading missed now and then (one in 997
 * minutes) and the Pi itself down for 3 hours on the second day. The 2 % of minutes missed at random
 * in the other workloads' data would make seven hours in ten "mixed", read minute by minute by the
 * report's auto source (exact numbers): that measures the report model, not the server.
 */
function history(from: Date, minutes: number) {
  return generateMinutes(SERIES, from, minutes, (i) => {
    if ((i >= DAY_MINUTES + 600 && i < DAY_MINUTES + 780) || i % 997 === 0) return null;
    return i % DAY_MINUTES >= 18 * 60 && i % DAY_MINUTES < 20 * 60 ? 0 : 1;
  });
}

/** VmRSS and VmHWM of a running process, MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function startServer(ctx: BenchContext, args: string[]): Promise<{ child: ChildProcess; base: string }> {
  // With node's flags of the unit blackout-install --dashboard writes: the server as it runs on a Pi.
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, join(ctx.runner.dist, 'serve.js'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolveStart, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d;
      const url = /dashboard: (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) resolveStart({ child, base: url.replace(/\/$/, '') });
    });
    child.on('close', (code) => reject(new Error(`SERVE: blackout-serve exited ${code}: ${stderr}`)));
  });
}

async function timedGets(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const answer = await fetch(url);
    const body = await answer.text();
    times.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`SERVE: ${url} answered ${answer.status}: ${body}`);
  }
  return times;
}

export async function serveBench(ctx: BenchContext): Promise<ServeFigures> {
  const dir = join(ctx.tmp, 'serve');
  const db = join(dir, 'bench.sqlite');
  const common = ['--mode', MODE, '--db', db, '--log-dir', join(dir, 'logs')];
  // History up to the current minute, so the status is about now (the server reads the clock).
  const end = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const records = history(new Date(end - HISTORY_DAYS * DAY_MINUTES * MINUTE_MS), HISTORY_DAYS * DAY_MINUTES);
  ctx.progress(
    `  SERVE: storing and aggregating ${records.length.toLocaleString('en')} minutes (${HISTORY_DAYS} days)`,
  );
  const store = openSqlite(db);
  try {
    await populate(store, records);
  } finally {
    await store.close();
  }
  const series = ['--device', SERIES.device, '--pin', String(SERIES.pin)];
  const aggregated = await ctx.runner.run('aggregate', [...series, ...common, '--buffer-dir', join(dir, 'buffer')]);
  if (aggregated.code !== 0) throw new Error(`SERVE: aggregate failed: ${aggregated.stderr}`);

  const period = ['--last', '30d', '--tz', 'UTC'];
  const { child, base } = await startServer(ctx, [...common, '--port', String(await freePortNumber())]);
  try {
    const query = `device=${SERIES.device}&pin=${SERIES.pin}`;
    const statusUrl = `${base}/api/status?${query}`;
    const reportUrl = `${base}/api/report?${query}&last=30d&tz=UTC`;
    // The first requests open the database and compile the code paths: a running server has done that.
    await timedGets(statusUrl, 3);
    await timedGets(reportUrl, 3);
    const status = await timedGets(statusUrl, Math.max(REQUESTS, ctx.runs));
    const report = await timedGets(reportUrl, Math.max(REQUESTS, ctx.runs));
    const memory = memoryOf(child.pid ?? 0);
    const cli: number[] = [];
    for (let i = 0; i <= ctx.runs; i++) {
      const run = await ctx.runner.run('report', [...series, ...common, ...period, '--format', 'json']);
      if (run.code !== 0) throw new Error(`SERVE: blackout-report failed: ${run.stderr}`);
      if (i > 0) cli.push(run.wallMs);
    }
    const statusMedianMs = median(status);
    const reportMedianMs = median(report);
    const cliReportMedianMs = median(cli);
    const ratio = cliReportMedianMs / reportMedianMs;
    return {
      days: HISTORY_DAYS,
      minutes: records.length,
      requests: status.length,
      statusMedianMs,
      reportMedianMs,
      cliReportMedianMs,
      ratio,
      rssMiB: memory.rss,
      peakRssMiB: memory.peak,
      targets: [
        { label: '/api/status ≤ 30 ms', met: statusMedianMs <= 30 },
        { label: '30-day /api/report ≤ 120 ms', met: reportMedianMs <= 120 },
        { label: '≥ 5× faster than the CLI', met: ratio >= 5 },
        { label: 'RSS ≤ 90 MiB', met: memory.rss <= 90 },
      ],
    };
  } finally {
    child.kill('SIGTERM');
  }
}

async function freePortNumber(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export function renderServe(f: ServeFigures): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    '',
    `| SERVE (SQLite, ${f.days} days = ${f.minutes.toLocaleString('en')} minutes, aggregated; ${f.requests} requests each, kept-alive) | Median |`,
    '|---|---:|',
    `| GET /api/status (last 7 days) | ${ms(f.statusMedianMs)} |`,
    `| GET /api/report last 30d | ${ms(f.reportMedianMs)} |`,
    `| blackout-report --last 30d --format json (fresh process) | ${ms(f.cliReportMedianMs)} |`,
    `| ratio CLI / server | ${f.ratio.toFixed(1)}× |`,
    `| server RSS after the requests (peak) | ${f.rssMiB.toFixed(1)} MiB (${f.peakRssMiB.toFixed(1)} MiB) |`,
    '',
    `Targets: ${f.targets.map((t) => `${t.met ? 'ok' : 'MISSED'} ${t.label}`).join(', ')}`,
    '',
  ].join('\n');
}
