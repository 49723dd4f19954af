/**
 * The dashboard's DynamoDB mode in real headless Chromium: the page bundles createDynamoSource
 * (esbuild, platform browser), reads dynalite (which answers CORS) with test credentials, and gets
 * the same minute states and status as the report loader in Node for the same tables. Every request
 * goes to the page's origin or the DynamoDB endpoint, and a 30-day view takes ≤ 40 Query requests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoWebConfig } from '../../src/dashboard/contract.js';
import { lastLocalDays, localDay } from '../../src/domain/period.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { loadMinuteStates } from '../../src/report/load.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { ROOT, tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { useDynalite } from '../support/dynalite.js';
import { type HarnessParams, type HarnessRange, type HarnessRangeResult, summarize } from './dynamodb-harness.js';

const MODE = 'web';
const TZ = 'Europe/Kyiv';
/** The page's "now": mid-hour, with a power cut running since 11:50 UTC. */
const NOW = new Date('2025-11-20T12:34:00Z');
const at = (iso: string): number => new Date(iso).getTime();

/** Readings on a few days only: hours without any cost no request in `auto`. */
const BLOCKS: { from: string; to: string; off: [string, string][] }[] = [
  // Covers the 30-day view's start (local 2025-10-22 00:00 = 21:00 UTC): monitored before it.
  { from: '2025-10-21T18:00:00Z', to: '2025-10-23T00:00:00Z', off: [['2025-10-22T08:20:00Z', '2025-10-22T09:45:00Z']] },
  { from: '2025-11-05T00:00:00Z', to: '2025-11-06T00:00:00Z', off: [['2025-11-05T13:10:00Z', '2025-11-05T13:50:00Z']] },
  {
    from: '2025-11-19T00:00:00Z',
    to: '2025-11-20T12:00:00Z',
    off: [
      ['2025-11-19T17:05:00Z', '2025-11-19T19:40:00Z'],
      ['2025-11-20T11:50:00Z', '2025-11-20T13:00:00Z'],
    ],
  },
];
/** Written after the roll-up: pending minutes of the current hour (status index `new`). */
const LATE = { from: '2025-11-20T12:00:00Z', to: '2025-11-20T12:33:00Z' };

function minutesOf(block: { from: string; to: string }) {
  const offRuns = BLOCKS.flatMap((b) => b.off).map(([a, b]) => [at(a), at(b)] as const);
  return generateMinutes(SERIES, new Date(block.from), (at(block.to) - at(block.from)) / 60_000, (_i, when) => {
    const minute = Math.floor(when.getTime() / 60_000) * 60_000;
    return offRuns.some(([a, b]) => minute >= a && minute < b) ? 0 : 1;
  });
}

const range = (name: string, r: { from: Date; to: Date }): HarnessRange => ({
  name,
  from: r.from.toISOString(),
  to: r.to.toISOString(),
  tz: TZ,
  now: NOW.toISOString(),
});
const RANGES: HarnessRange[] = [
  range('last30', lastLocalDays(30, TZ, NOW)),
  range('last7', lastLocalDays(7, TZ, NOW)),
  range('today', localDay('2025-11-20', TZ)),
];

const dynalite = useDynalite();

interface SeenRequest {
  url: string;
  method: string;
  target: string | undefined;
}

describe('DynamoDB mode in headless Chromium (dynalite)', () => {
  let temp: ReturnType<typeof tempDir>;
  let browser: BrowserContext;
  let server: Server;
  let origin: string;
  let harness: string;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    const store = new DynamoStore({ mode: MODE, endpoint: dynalite().endpoint });
    for (const block of BLOCKS) await store.putMinutes(minutesOf(block));
    await aggregate(store, SERIES, silentLogger());
    await store.putMinutes(minutesOf(LATE));
    await store.close();

    const bundle = await build({
      entryPoints: [join(ROOT, 'test/web/dynamodb-harness.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'warning',
    });
    harness = bundle.outputFiles[0]?.text ?? '';

    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = path === '/harness.js' ? harness : pages.get(path);
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      const type = path.endsWith('.js')
        ? 'text/javascript'
        : path.endsWith('.json')
          ? 'application/json'
          : 'text/html; charset=utf-8';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    temp = tempDir('blackout-web-dyn-');
    browser = await chromium.launchPersistentContext(join(temp.dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    temp?.cleanup();
  });

  const config = (): DynamoWebConfig => ({
    source: 'dynamodb',
    mode: MODE,
    region: 'us-east-1',
    endpoint: dynalite().endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    series: [SERIES],
    tz: TZ,
  });

  /** Opens a page that loads `ranges`; returns what it wrote and every request it made. */
  async function openPage(name: string, params: HarnessParams) {
    pages.set(
      `/${name}/index.html`,
      '<!doctype html><title>t</title><link rel="icon" href="data:,"><script type="module" src="/harness.js"></script>',
    );
    pages.set(`/${name}/params.json`, JSON.stringify(params));
    const page = await browser.newPage();
    const requests: SeenRequest[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), target: r.headers()['x-amz-target'] }));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${origin}/${name}/index.html`);
      await page.waitForSelector('body[data-done]', { timeout: 60_000 });
      const text = (await page.textContent('body')) ?? '';
      return { output: JSON.parse(text) as { results?: HarnessRangeResult[]; error?: string }, requests, errors };
    } finally {
      await page.close();
    }
  }

  it('gives the minute states and status the report loader gives in Node, reading only Query/GetItem', async () => {
    const { output, requests, errors } = await openPage('compare', { config: config(), ranges: RANGES });
    expect(output.error).toBeUndefined();
    expect(errors).toEqual([]);

    const reader = new DynamoStore({ mode: MODE, access: 'read', endpoint: dynalite().endpoint });
    try {
      for (const r of RANGES) {
        const loaded = await loadMinuteStates(reader, {
          series: SERIES,
          from: new Date(r.from),
          to: new Date(r.to),
          tz: r.tz,
          source: 'auto',
          now: NOW,
        });
        const fromBrowser = output.results?.find((x) => x.name === r.name);
        expect(fromBrowser, r.name).toEqual(summarize(SERIES, MODE, r, loaded));
      }
    } finally {
      await reader.close();
    }
    // The known answer, not only agreement: off since 11:50 UTC, ON before.
    const today = output.results?.find((x) => x.name === 'today');
    expect(today?.status).toMatchObject({ state: 'off', since: '2025-11-20T13:50:00+02:00' });

    const pageOrigin = new URL(origin).origin;
    const dynamo = new URL(dynalite().endpoint).origin;
    for (const r of requests) expect([pageOrigin, dynamo], r.url).toContain(new URL(r.url).origin);
    const operations = new Set(requests.filter((r) => r.target).map((r) => r.target?.split('.')[1]));
    expect(
      [...operations].every((op) => op === 'Query' || op === 'GetItem'),
      [...operations].join(),
    ).toBe(true);
  });

  it('reads a 30-day view with at most 40 DynamoDB requests', async () => {
    const [last30] = RANGES;
    const { output, requests } = await openPage('last30', { config: config(), ranges: [last30 as HarnessRange] });
    expect(output.error).toBeUndefined();
    const dynamoRequests = requests.filter((r) => r.target !== undefined);
    // 31 UTC days of hours (one Query each), the status index (1) and the current and previous hour's
    // minutes (2): 34. The 5 mixed hours before them (an outage starting or ending mid-hour) come from
    // their hours items (by_minute), no query each.
    expect(dynamoRequests.length).toBe(31 + 1 + 2);
    expect(dynamoRequests.length).toBeLessThanOrEqual(40);
    expect(dynamoRequests.every((r) => r.target === 'DynamoDB_20120810.Query')).toBe(true);
  });

  it('reads the days view (counts per hour) without a query per mixed hour, the counts unchanged', async () => {
    const [last30] = RANGES as [HarnessRange];
    const hourly: HarnessRange = { ...last30, name: 'last30-hours', detail: 'hours' };
    const exact = await openPage('last30-exact', { config: config(), ranges: [last30] });
    const { output, requests } = await openPage('last30-hours', { config: config(), ranges: [hourly] });
    expect(output.error).toBeUndefined();
    const [byHour] = output.results ?? [];
    // The 5 mixed hours are blocks of counts now, and every total is the same.
    expect(byHour?.unresolved).toBe(5);
    expect(byHour?.counts).toEqual(exact.output.results?.[0]?.counts);
    // 31 UTC days of hours, the status index, the minutes of the hour not rolled up yet: none per mixed hour.
    expect(requests.filter((r) => r.target !== undefined).length).toBeLessThanOrEqual(31 + 1 + 2);
  });
});
