/**
 * The dashboard in real headless Chromium against any site that serves it (a folder on a static
 * server, `blackout-serve`, a `blackout-publish` folder, DynamoDB): the site is a parameter, the checks
 * are the same. The page's clock is Playwright's (`page.clock.install`), so "now" is the data set's
 * fixed instant and the 60-second refresh is run by advancing that clock, never by waiting.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Series } from '../../src/domain/keys.js';
import { launchChromium } from '../support/chromium.js';
import { ROOT } from '../support/cli.js';

const SHOTS = join(ROOT, 'test-output', 'web');

/** The known data set: Europe/Kyiv, the week up to Mon 30 Mar 2026 (Sun 29 Mar has 23 hours). */
export const WEB_TZ = 'Europe/Kyiv';
/** 10:00:10 local (+03:00). */
export const WEB_NOW = new Date('2026-03-30T07:00:10Z');
export const WEB_FIRST_READING = new Date('2026-03-27T00:00:00Z');
/** OFF 07:30–08:15 local today; the power is back since 08:15. */
export const WEB_OUTAGE: [Date, Date] = [new Date('2026-03-30T04:30:00Z'), new Date('2026-03-30T05:15:00Z')];
/** 20 minutes without a reading on the DST day. */
export const WEB_GAP: [Date, Date] = [new Date('2026-03-29T10:00:00Z'), new Date('2026-03-29T10:20:00Z')];
/** A second series (another entrance), always ON: the device list appears. */
export const WEB_SECOND: Series = { device: 'block_b', pin: 17 };

export interface DashboardSite {
  /** The page's folder URL, ending in `/`. */
  baseUrl: string;
  /** Origins the page may talk to besides its own (the DynamoDB endpoint in that mode). */
  otherOrigins?: string[];
  /** No server makes the calendar (DynamoDB mode): the page offers the file instead of an address. */
  calendarFile?: boolean;
  /**
   * The site has an outage schedule: the Now page's schedule lines at the data set's now, and once the
   * power goes OFF at 10:01. Absent: no schedule is configured, and the page shows none.
   */
  schedule?: { now: string[]; afterOff: string[] };
  /** The series shown first (its reading goes OFF below). */
  series: Series;
  /** A reading OFF at the minute `at` for `series`, visible to the site as of `now`. */
  addOffReading(at: Date, now: Date): Promise<void>;
  /** The data stops (or starts again) answering; the page itself was loaded already. */
  setDataReachable(reachable: boolean): void;
  close(): Promise<void>;
}

/**
 * Playwright's fake Date returns a plain Date even to a subclass (`class X extends Date`), so a
 * TZDate (@date-fns/tz, which the zone code uses) loses its methods and reads the browser's zone. A
 * real browser has no such problem; under the fake clock, the object gets its subclass back.
 */
const KEEP_DATE_SUBCLASSES = `(() => {
  const Fake = Date;
  const Kept = new Proxy(Fake, {
    construct(target, args, newTarget) {
      const date = Reflect.construct(target, args, newTarget);
      if (newTarget !== Kept && Object.getPrototypeOf(date) !== newTarget.prototype) Object.setPrototypeOf(date, newTarget.prototype);
      return date;
    },
  });
  globalThis.Date = Kept;
})();`;

/** A locator's text as read aloud: the page's no-break spaces (which keep `1 h 45 min` on one line) as spaces. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replaceAll('\u00a0', ' ');
}

export function dashboardSuite(name: string, makeSite: () => Promise<DashboardSite>): void {
  describe(`dashboard in headless Chromium: ${name}`, () => {
    let site: DashboardSite;
    let browser: Browser;

    beforeAll(async () => {
      site = await makeSite();
      mkdirSync(SHOTS, { recursive: true });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await site?.close();
    });

    /** A page at the data set's now, recording console errors and every request's origin. */
    async function openPage(hash: string, viewport = { width: 390, height: 844 }) {
      // The browser's own zone differs from the config's: the page must count days in the config's.
      const context = await browser.newContext({ viewport, colorScheme: 'light', timezoneId: 'America/New_York' });
      const page = await context.newPage();
      const errors: string[] = [];
      const origins = new Set<string>();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => origins.add(new URL(r.url()).origin));
      await page.clock.install({ time: WEB_NOW });
      await page.addInitScript(KEEP_DATE_SUBCLASSES);
      await page.goto(`${site.baseUrl}${hash}`);
      return { page, context, errors, origins };
    }

    const allowed = (): Set<string> => new Set([new URL(site.baseUrl).origin, ...(site.otherOrigins ?? [])]);

    async function shoot(page: Page, shot: string): Promise<void> {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const width of [390, 1280]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
          await page.screenshot({ path: join(SHOTS, `${name}-${shot}-${width}-${scheme}.png`), fullPage: true });
        }
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 390, height: 844 });
    }

    it('lists both series, each with its state and today’s bar', async () => {
      const { page, context, errors, origins } = await openPage('');
      await page.locator('.device-card').nth(1).waitFor();
      const cards = page.locator('.device-card');
      await expect.poll(() => cards.count()).toBe(2);
      const texts = (await cards.allInnerTexts()).map((t) => t.replaceAll('\u00a0', ' '));
      expect(texts.join('\n')).toContain('block_b · pin 17');
      expect(await page.locator('.device-card [data-state="on"]').count()).toBe(2);
      expect(await page.locator('.device-card svg[role="img"]').count()).toBe(2);
      await page.screenshot({ path: join(SHOTS, `${name}-devices-390-light.png`), fullPage: true });
      expect(errors).toEqual([]);
      expect([...origins].filter((o) => !allowed().has(o))).toEqual([]);
      await context.close();
    });

    it('shows the state now, follows a new reading without reload, and says when the data is unreachable', async () => {
      const series = `${site.series.device}/${site.series.pin}`;
      const { page, context, errors, origins } = await openPage(`#/now/${series}`);
      const status = page.locator('section.status');
      await status.waitFor();
      expect(await status.getAttribute('data-state')).toBe('on');
      expect(await textOf(status.locator('.state'))).toContain('Power ON');
      expect(await textOf(status.locator('.detail'))).toBe('since 08:15 (1 h 45 min)');
      expect(await textOf(status.locator('.meta'))).toContain('last outage 07:30–08:15, 45 min');
      const today = page.locator('svg[role="img"]').first();
      expect(await today.getAttribute('aria-label')).toMatch(/^Today: on 9 h 16 min, off 45 min, not yet 13 h 59 min$/);
      expect(await page.locator('svg[role="img"]').nth(1).getAttribute('aria-label')).toMatch(/^Last 24 hours: /);

      // Keyboard: Tab to "Days", Enter; then to "Outages".
      for (const [link, heading] of [
        ['Days', 'Per day'],
        ['Outages', 'Outages in your calendar'],
      ] as const) {
        await page.locator('body').focus();
        let focused = '';
        for (let i = 0; i < 10 && focused !== link; i++) {
          await page.keyboard.press('Tab');
          focused = await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
        }
        expect(focused).toBe(link);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: heading }).waitFor();
        expect(page.url()).toContain(`#/${link.toLowerCase()}/${series}`);
      }

      // Outages: newest first, with the calendar address (the page's own origin).
      const outages = page.locator('.outage');
      expect(await textOf(outages.first())).toContain('07:30–08:15');
      if (site.calendarFile) {
        const download = page.locator('a[download="outages.ics"]');
        await expect.poll(() => download.getAttribute('href')).toMatch(/^blob:/);
        const ics = await page.evaluate<string, string>(
          async (href) => (await fetch(href)).text(),
          (await download.getAttribute('href')) ?? '',
        );
        expect(ics).toContain('BEGIN:VCALENDAR');
        expect(ics).toContain('BEGIN:VEVENT');
      } else {
        const calendar = await page.locator('#calendar-url').inputValue();
        expect(new URL(calendar).origin).toBe(new URL(site.baseUrl).origin);
        expect(calendar).toMatch(/outages/);
      }
      await shoot(page, 'outages');

      // Days: the DST day has 23 hours; the numbers are written out.
      await page.goto(`${site.baseUrl}#/days/${series}`);
      const dst = page.locator('.day-row', { hasText: 'Sun 29 Mar' });
      await dst.waitFor();
      expect(await textOf(dst)).toContain('23 h');
      expect(await textOf(dst)).toMatch(/no reading\s+20 min/);
      // Monitored since Fri 27 Mar: four days with rows, the three before them said in one line.
      expect(await page.locator('.heat-row svg[role="img"]').count()).toBe(4);
      expect(await textOf(page.locator('.day-list .not-monitored'))).toBe('Tue 24 Mar – Thu 26 Mar: not monitored yet');
      expect(await textOf(page.locator('.page.days .sub').first())).toContain('monitoring since Fri 27 Mar 02:00');
      await shoot(page, 'days');
      await page.locator('a.toggle', { hasText: '30 days' }).click();
      await expect
        .poll(() => textOf(page.locator('.day-list .not-monitored')))
        .toBe('Sun 1 Mar – Thu 26 Mar: not monitored yet');
      expect(await page.locator('.day-list .day-row').count()).toBe(4);

      await page.goto(`${site.baseUrl}#/now/${series}`);
      await status.waitFor();
      // The schedule's lines come in the same render as the status.
      const planLines = page.locator('section.schedule .plan-line');
      expect((await planLines.allInnerTexts()).map((t) => t.replaceAll('\u00a0', ' '))).toEqual(
        site.schedule?.now ?? [],
      );
      if (site.schedule) expect(await textOf(page.locator('section.schedule .meta'))).toBe('group 2.1 · schedule file');
      await shoot(page, 'now');

      // A new reading: OFF in the next minute; after the refresh the page says so, without reload.
      const navigations: string[] = [];
      page.on('framenavigated', (f) => navigations.push(f.url()));
      const next = new Date(Math.floor(WEB_NOW.getTime() / 60_000) * 60_000 + 60_000);
      await site.addOffReading(next, new Date(next.getTime() + 30_000));
      await page.clock.runFor(61_000);
      await page.locator('section.status[data-state="off"]').waitFor();
      expect(await textOf(status.locator('.detail'))).toMatch(/^since 10:01 /);
      expect((await planLines.allInnerTexts()).map((t) => t.replaceAll('\u00a0', ' '))).toEqual(
        site.schedule?.afterOff ?? [],
      );
      expect(navigations).toEqual([]);
      expect(errors).toEqual([]);

      // The data stops answering: a banner with the last good time, the last data still shown.
      site.setDataReachable(false);
      await page.clock.runFor(61_000);
      const banner = page.locator('.banner');
      await banner.waitFor();
      expect(await textOf(banner)).toMatch(/^Can't reach the data — last updated 10:0\d/);
      expect(await status.getAttribute('data-state')).toBe('off');
      await page.screenshot({ path: join(SHOTS, `${name}-now-unreachable-390-light.png`), fullPage: true });
      // ...and goes away when it answers again.
      site.setDataReachable(true);
      await page.clock.runFor(61_000);
      await banner.waitFor({ state: 'detached' });

      // The browser's own note about the failed requests is the only console error.
      expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
      expect([...origins].filter((o) => !allowed().has(o))).toEqual([]);
      await context.close();
    });
  });
}
