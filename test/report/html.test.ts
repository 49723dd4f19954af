/**
 * The HTML report in real headless Chromium (Debian `chromium`, driven by playwright-core): written by
 * the compiled entrypoint from a SQLite file with known readings (or rendered in-process at a fixed
 * now, for the status), opened from file://. No console errors, no request but the file itself, the
 * expected number of marks per chart, what a person sees first, sizes and positions measured in the
 * page, and screenshots (phone and desktop width, light and dark) under test-output/report/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { renderReport } from '../../src/report/report.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { ROOT, runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { freshReport } from './fresh-checks.js';
import { freshMinutes } from './fresh-data.js';
import { knownMinutes, TZ } from './known-data.js';

const SHOTS = join(ROOT, 'test-output', 'report');

describe('HTML report in headless Chromium', () => {
  let temp: ReturnType<typeof tempDir>;
  let browser: BrowserContext;
  let db: string;
  let aggregatedDb: string;
  let fresh: SqliteStore;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    temp = tempDir('blackout-html-');
    db = join(temp.dir, 'known.sqlite');
    const store = new SqliteStore({ file: db });
    await store.putMinutes(knownMinutes());
    await store.close();
    aggregatedDb = join(temp.dir, 'aggregated.sqlite');
    const hourly = new SqliteStore({ file: aggregatedDb });
    await hourly.putMinutes(knownMinutes());
    await aggregate(hourly, SERIES, silentLogger());
    await hourly.close();
    fresh = new SqliteStore({ file: join(temp.dir, 'fresh.sqlite') });
    await fresh.putMinutes(freshMinutes());
    mkdirSync(SHOTS, { recursive: true });
    // A fresh profile folder per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(join(temp.dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      deviceScaleFactor: 1,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await fresh?.close();
    temp?.cleanup();
  });

  async function writeReport(name: string, period: string[], options: { db?: string; source?: string } = {}) {
    const out = join(temp.dir, `${name}.html`);
    const result = await runEntrypoint('report', [
      ...[SERIES.device, String(SERIES.pin), 'dev', '--db', options.db ?? db, '--log-dir', join(temp.dir, 'logs')],
      ...['--tz', TZ, '--source', options.source ?? 'raw', '--format', 'html'],
      ...['--out', out, ...period],
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    return out;
  }

  /** Opens the page, recording console errors, page errors and every request. */
  /** The fresh monitor's week, rendered at `now` (the entrypoint would take the real clock). */
  async function writeFreshReport(name: string, now?: Date, series = SERIES): Promise<string> {
    const out = join(temp.dir, `${name}.html`);
    const { report } = await freshReport(fresh, series, { source: 'auto', ...(now ? { now } : {}) });
    writeFileSync(out, renderReport(report, 'html'));
    return out;
  }

  async function open(
    file: string,
    width: number,
    options: { dark?: boolean } = {},
  ): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: options.dark ? 'dark' : 'light' });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();

  it('draws three days: timelines, daily bars, heatmap, outage and gap tables', async () => {
    const file = await writeReport('three-days', ['--from', '2025-10-25', '--to', '2025-10-27']);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    for (const width of [1280, 390]) {
      const { page, errors, requests } = await open(file, width);
      // Runs per day: 25th on/off; 26th off/on/off/on/unknown/off/on; 27th on/off/on/unknown/on.
      expect(await count(page, 'rect[data-chart="timeline"]')).toBe(2 + 7 + 5);
      expect(await count(page, 'rect[data-chart="timeline"].off')).toBe(1 + 3 + 1);
      // Daily stacked bars: on+off, on+off+unknown, on+off+unknown.
      expect(await count(page, 'rect[data-chart="days"]')).toBe(2 + 3 + 3);
      expect(await count(page, 'rect[data-chart="hours"]')).toBe(0);
      // 24 cells per day; the 25-hour day's repeated hour shares one cell.
      expect(await count(page, 'rect[data-chart="heatmap"]')).toBe(3 * 24);
      expect(await count(page, 'tr.outage')).toBe(4);
      expect(await page.locator('tr.outage').nth(2).textContent()).toContain('≥ 47 min');
      // Outage B starts and ends in the hour repeated on the DST day: both times carry their offset.
      expect(await page.locator('tr.outage').nth(1).locator('td').allTextContents()).toEqual([
        '2025-10-26 03:30 (+03:00)',
        '03:20 (+02:00)',
        '50 min',
      ]);
      expect(await page.locator('tr.outage').nth(2).locator('td').first().textContent()).toBe('2025-10-26 12:13');
      expect(await count(page, 'tr.gap')).toBe(2);
      const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
      expect(scrollWidth).toBeLessThanOrEqual(width);
      // No chart or table needs a sideways scroll, on a phone either.
      const overflowing = await page.evaluate(
        '[...document.querySelectorAll("main > *, .scroll")].filter((e) => e.scrollWidth > e.clientWidth + 1).length',
      );
      expect(overflowing).toBe(0);
      await page.screenshot({ path: join(SHOTS, `three-days-${width}.png`), fullPage: true });
      // The page explains a mark when it is tapped (phones have no hover): an outage by its tap target,
      // which is wider than the outage when it is short.
      await page.locator('.hit').first().click();
      expect(await page.locator('#info').textContent()).toBe('Power off Sat 25 Oct 23:40 – Sun 26 Oct 00:25, 45 min');
      await page.locator('rect[data-chart="timeline"].on').first().click();
      expect(await page.locator('#info').textContent()).toBe('2025-10-25 00:00–23:40 power on: 23 h 40 min');
      await checkLayout(page, width);
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
      await page.close();
    }
  });

  /** Nothing wider than the page, on a phone either. */
  async function checkNoSideways(page: Page, width: number): Promise<void> {
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(width);
    const overflowing = await page.evaluate(
      '[...document.querySelectorAll("main > *, main > * *, .scroll")].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible" || e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.className || e.tagName)',
    );
    expect(overflowing).toEqual([]);
  }

  /** Measured in the page: hour ticks on the bars, tap targets, numbers in view, legends, colours. */
  async function checkLayout(page: Page, width: number): Promise<void> {
    const geometry = (await page.evaluate(`(() => {
      const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
      const bar = document.querySelector('.day .bar svg');
      const ticks = document.querySelector('.ticks');
      return {
        bar: box(bar),
        ticks: [...ticks.querySelectorAll('i')].map((i) => { const b = box(i); return b.x + b.w / 2; }),
        labels: [...ticks.querySelectorAll('span')].map((s) => ({ text: s.textContent, ...box(s) })),
        hits: [...document.querySelectorAll('.hit')].map(box),
        nums: [...document.querySelectorAll('.day .nums')].map((n) => ({ text: n.textContent, ...box(n) })),
      };
    })()`)) as {
      bar: { x: number; w: number };
      ticks: number[];
      labels: { text: string; x: number; w: number }[];
      hits: { w: number; h: number }[];
      nums: { text: string; h: number }[];
    };
    const { bar } = geometry;
    // A tick at 00, 06, 12, 18 and 24 lies on the bar's start, quarters and end (to a pixel).
    expect(geometry.ticks).toHaveLength(5);
    geometry.ticks.forEach((x, i) => {
      expect(Math.abs(x - (bar.x + (bar.w * i) / 4)), `tick ${i} at ${width} px`).toBeLessThanOrEqual(1);
    });
    const [first, , middle, , last] = geometry.labels;
    expect(first?.text).toBe('00');
    // "00" starts where the bar starts (it used to sit 11-14 px to the left), "12" is centred on its
    // tick, "24" ends where the bar ends.
    expect(Math.abs((first?.x ?? 0) - bar.x)).toBeLessThanOrEqual(1);
    expect(Math.abs((middle?.x ?? 0) + (middle?.w ?? 0) / 2 - (bar.x + bar.w / 2))).toBeLessThanOrEqual(1);
    expect(Math.abs((last?.x ?? 0) + (last?.w ?? 0) - (bar.x + bar.w))).toBeLessThanOrEqual(1);
    // Every outage, however short, is a target of at least 24 × 24 px.
    expect(geometry.hits.length).toBeGreaterThan(0);
    for (const hit of geometry.hits) {
      expect(hit.w).toBeGreaterThanOrEqual(24);
      expect(hit.h).toBeGreaterThanOrEqual(24);
    }
    // Each day's numbers are on the page, not behind a tap.
    expect(geometry.nums.length).toBe(await count(page, '.day .bar svg:not(.heat)'));
    for (const n of geometry.nums) expect(n.h).toBeGreaterThan(10);
    // The heatmap has a legend for its scale.
    expect(await page.locator('[data-legend="heatmap"]').textContent()).toContain('≤ 10%');
    // Okabe–Ito colours, and OFF is striped, not only a colour.
    const fills = (await page.evaluate(
      `['on', 'off', 'unknown'].map((c) => getComputedStyle(document.querySelector('rect.' + c)).fill)`,
    )) as string[];
    expect(fills[0]).toBe('rgb(0, 158, 115)');
    expect(fills[1]).toBe('url("#stripes")');
  }

  it('draws the 25-hour DST day with 25 hourly bars', async () => {
    const file = await writeReport('dst-day', ['--day', '2025-10-26']);
    const { page, errors, requests } = await open(file, 1280);
    expect(await count(page, 'rect[data-chart="timeline"]')).toBe(7);
    // Hours: 00 off+on, 01, 02, 03(+03) on+off, 03(+02) off+on, 04-11, 12 unknown+off, 13-23.
    expect(await count(page, 'rect[data-chart="hours"]')).toBe(2 + 1 + 1 + 2 + 2 + 8 + 2 + 11);
    expect(await count(page, 'rect[data-chart="days"]')).toBe(0);
    expect(await count(page, 'rect[data-chart="heatmap"]')).toBe(24);
    // Times in the repeated hour say which one they are; the heatmap cell says it sums both.
    const timelineTips = await page.$$eval('rect[data-chart="timeline"]', (rects) =>
      rects.map((r) => r.getAttribute('data-tip')),
    );
    expect(timelineTips.join('\n')).toMatch(/03:\d\d \(\+03:00\)/);
    expect(timelineTips.join('\n')).toMatch(/03:\d\d \(\+02:00\)/);
    const cell = await page.getAttribute('rect[data-chart="heatmap"][data-tip*=" 03:00"]', 'data-tip');
    expect(cell).toContain('came twice');
    expect(await count(page, 'tr.outage')).toBe(3);
    await page.screenshot({ path: join(SHOTS, 'dst-day-1280.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it('puts the status first and big, and leaves the time before the monitor existed out', async () => {
    const file = await writeFreshReport('fresh-week');
    for (const width of [390, 1280]) {
      const { page, errors, requests } = await open(file, width);
      // The first thing on the page, at the top of the first screen.
      expect(await page.evaluate('document.querySelector("main").firstElementChild.id')).toBe('status');
      const status = page.locator('#status');
      expect(await status.locator('.state').textContent()).toBe('✔Power ON');
      expect(await status.locator('.detail').textContent()).toBe('since 12:00 (2 h 00 min)');
      expect(await status.locator('.meta').textContent()).toBe(
        'last reading 13:59 · last outage 09:00\u2060–\u206012:00, 3 h 00 min',
      );
      await checkNoSideways(page, width);
      const box = await status.boundingBox();
      expect(box?.y).toBeLessThan(20);
      expect(
        Number.parseFloat(
          String(await page.evaluate('getComputedStyle(document.querySelector("#status .state")).fontSize')),
        ),
      ).toBeGreaterThanOrEqual(27);
      expect(await page.locator('.sub').first().textContent()).toBe(
        'Wed 25 Nov – Tue 1 Dec 2026 · 7 days · Europe/Kyiv · mode dev · source auto',
      );
      expect(await page.locator('.monitoring').textContent()).toBe(
        'Monitoring since Sat 28 Nov 10:17 · not monitored before: 82 h 17 min, not counted',
      );
      // Three days before the monitor: "not monitored", no failure; the outage of the 28th is one.
      expect(await page.locator('.day .nums').allTextContents()).toEqual([
        'not monitored',
        'not monitored',
        'not monitored',
        'ON 85.5% · off 1 h 59 min (1 outage) · no reading 1 min · monitored from 10:17',
        'ON 100.0% · no outage',
        'ON 100.0% · no outage',
        'ON 78.6% · off 3 h 00 min (1 outage) · 10 h 00 min to come',
      ]);
      expect(await page.locator('tr.outage').nth(0).locator('td').allTextContents()).toEqual([
        '2026-11-28 19:45',
        '21:45',
        '2 h 00 min1 min without reading inside',
      ]);
      expect(await count(page, 'tr.gap')).toBe(1);
      expect(await page.locator('.card').nth(2).textContent()).toBe('no reading0 h 01 min1 gap(s)');
      await checkLayout(page, width);
      await page.screenshot({ path: join(SHOTS, `fresh-week-${width}.png`), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
      await page.close();
    }
  });

  it('says OFF (striped, not only red) during an outage and UNKNOWN when the readings stopped', async () => {
    const now = new Date('2026-12-01T08:30:30Z');
    const series = { device: 'html_off', pin: 4 };
    await fresh.putMinutes(freshMinutes({ series }).filter((m) => new Date(m.ts) < now));
    const off = await open(await writeFreshReport('status-off', now, series), 390);
    expect(await off.page.locator('#status .state').textContent()).toBe('✖Power OFF');
    expect(await off.page.locator('#status .detail').textContent()).toBe('since 09:00 (1 h 30 min)');
    expect(
      String(await off.page.evaluate('getComputedStyle(document.querySelector("#status")).backgroundImage')),
    ).toContain('repeating-linear-gradient');
    expect(await off.page.locator('#status .meta').textContent()).toBe(
      'last reading 10:30 · last outage Sat 28 Nov 19:45\u2060–\u206021:45, 2 h 00 min',
    );
    await checkNoSideways(off.page, 390);
    await off.page.screenshot({ path: join(SHOTS, 'status-off-390.png') });
    await off.page.close();
    const stale = await open(await writeFreshReport('status-stale', new Date('2026-12-01T12:20:30Z')), 390);
    expect(await stale.page.locator('#status .state').textContent()).toBe('?Power UNKNOWN');
    expect(await stale.page.locator('#status .detail').textContent()).toBe('no reading since 13:59 (21 min)');
    await checkNoSideways(stale.page, 390);
    await stale.page.screenshot({ path: join(SHOTS, 'status-stale-390.png') });
    expect([...off.errors, ...stale.errors]).toEqual([]);
    await stale.page.close();
  });

  it('follows a dark colour scheme', async () => {
    const file = await writeFreshReport('fresh-week');
    const { page, errors } = await open(file, 390, { dark: true });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(17, 20, 24)');
    expect(await page.evaluate('getComputedStyle(document.body).color')).toBe('rgb(230, 237, 243)');
    await page.screenshot({ path: join(SHOTS, 'fresh-week-390-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('with --source aggregated, claims no minute it does not know', async () => {
    // 2025-10-26: the 13 minutes without a reading fall in a mixed hour: counted, but no gap to list.
    const day = await writeReport('aggregated-day', ['--day', '2025-10-26'], {
      db: aggregatedDb,
      source: 'aggregated',
    });
    const { page, errors } = await open(day, 390);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('every minute');
    expect(await page.locator('h2:has-text("Gaps") + p').textContent()).toBe(
      'No gap to list, but 13 min had no reading: they fall in hours read from hourly totals, which do not say which minutes (use --source auto or raw for the exact gaps).',
    );
    // 12:00: 13 minutes without a reading, then OFF: not "on and off".
    const tips = await page.$$eval('rect[data-chart="timeline"]', (rects) =>
      rects.map((r) => r.getAttribute('data-tip')),
    );
    expect(tips).toContain(
      '2025-10-26 12:00–13:00 off 47 min, no reading 13 min (hourly data: which minutes is not known)',
    );
    await page.screenshot({ path: join(SHOTS, 'aggregated-day-390.png'), fullPage: true });
    await page.close();
    // 2025-10-27 17:00: ON and minutes without a reading, nothing off: not "on and off" either.
    const next = await writeReport('aggregated-next', ['--day', '2025-10-27'], {
      db: aggregatedDb,
      source: 'aggregated',
    });
    const second = await open(next, 390);
    const block = second.page.locator('rect[data-chart="timeline"][data-tip^="2025-10-27 17:00"]');
    expect(await block.getAttribute('class')).toBe('unresolved-on');
    expect(await block.getAttribute('data-tip')).toBe(
      '2025-10-27 17:00–18:00 on 30 min, no reading 30 min (hourly data: which minutes is not known)',
    );
    expect(await second.page.locator('.legend').textContent()).toContain(
      'on, some minutes without reading (hourly data)',
    );
    expect([...errors, ...second.errors]).toEqual([]);
    await second.page.close();
  });
});
