/**
 * The HTML report in real headless Chromium (Debian `chromium`, driven by playwright-core): written by
 * the compiled entrypoint from a SQLite file with known readings, opened from file://. No console
 * errors, no request but the file itself, the expected number of marks per chart, and screenshots
 * (desktop and phone width) under test-output/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { knownMinutes, TZ } from './known-data.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'report');

describe('HTML report in headless Chromium', () => {
  let temp: ReturnType<typeof tempDir>;
  let browser: BrowserContext;
  let db: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    temp = tempDir('blackout-html-');
    db = join(temp.dir, 'known.sqlite');
    const store = new SqliteStore({ file: db });
    await store.putMinutes(knownMinutes());
    await store.close();
    mkdirSync(SHOTS, { recursive: true });
    // A fresh profile folder per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(join(temp.dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      deviceScaleFactor: 1,
    });
  });
  afterAll(async () => {
    await browser?.close();
    temp?.cleanup();
  });

  async function writeReport(name: string, period: string[]): Promise<string> {
    const out = join(temp.dir, `${name}.html`);
    const result = await runEntrypoint('report', [
      ...[SERIES.device, String(SERIES.pin), 'dev'],
      ...['--db', db, '--log-dir', join(temp.dir, 'logs'), '--tz', TZ, '--source', 'raw', '--format', 'html'],
      ...['--out', out, ...period],
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    return out;
  }

  /** Opens the page, recording console errors, page errors and every request. */
  async function open(file: string, width: number): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser.newPage();
    await page.setViewportSize({ width, height: 900 });
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
      // The page explains a mark when it is tapped (phones have no hover).
      await page.locator('rect[data-chart="timeline"].off').first().click();
      expect(await page.locator('#info').textContent()).toContain('2025-10-25 23:40–00:00 power off: 20 min');
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
      await page.close();
    }
  });

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
});
