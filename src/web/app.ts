/**
 * The dashboard: reads config.json, then works only through a DashboardSource, builds the reports
 * with the report model and re-reads every `refreshSeconds` (paused while the page is hidden). When a
 * read fails it says so and keeps the last good data on screen.
 */
import { html } from 'htm/preact';
import { render, type VNode } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { DashboardSource, ScheduleFileJson } from '../dashboard/contract.js';
import type { Series } from '../domain/keys.js';
import { formatClock } from '../domain/zone.js';
import type { Report } from '../report/model.js';
import { ChartPatterns } from './charts.js';
import { type AppConfig, loadConfig } from './config.js';
import { DaysPage, DevicesPage, NowPage, OutagesPage } from './pages.js';
import { type Page, parseRoute, type Route, routeHash } from './route.js';
import { createSource } from './source.js';
import { loadReport, pageDays, pageDetail, sameSeries, seriesName } from './view.js';

interface Loaded {
  /** Which page and series these reports are for. */
  key: string;
  series: Series[];
  reports: { series: Series; report: Report }[];
  /** The Now page's outage plan, when the source has one. */
  schedule?: ScheduleFileJson;
  at: Date;
}

interface Setup {
  app: AppConfig;
  source: DashboardSource;
}

const routeKey = (route: Route): string => routeHash(route);

/** The route to show: the hash's, completed with the first series; the device list only with several. */
function resolveRoute(hashRoute: Route | undefined, series: Series[]): Route {
  const many = series.length > 1;
  const route = hashRoute ?? { page: many ? 'devices' : 'now', range: 'week' };
  if (route.page === 'devices')
    return many ? route : { page: 'now', range: route.range, ...(series[0] ? { series: series[0] } : {}) };
  const chosen = route.series && series.find((s) => route.series && sameSeries(s, route.series));
  const first = chosen ?? series[0];
  return { page: route.page, range: route.range, ...(first ? { series: first } : {}) };
}

async function loadPage(setup: Setup, hashRoute: Route | undefined, signal: AbortSignal): Promise<Loaded> {
  const { app, source } = setup;
  const now = new Date();
  const series = await source.series(signal);
  const route = resolveRoute(hashRoute, series);
  const mode = app.config.mode;
  const shown = route.page === 'devices' ? series : route.series ? [route.series] : [];
  const days = pageDays(route.page, route.range);
  const reports = await Promise.all(
    shown.map(async (s) => ({
      series: s,
      report: await loadReport(
        source,
        { series: s, mode, days, tz: app.tz, now, detail: pageDetail(route.page, route.range) },
        signal,
      ),
    })),
  );
  const schedule = route.page === 'now' && route.series ? await loadSchedule(source, route.series, signal) : undefined;
  return {
    key: routeKey(route),
    series: series.map((s) => ({ device: s.device, pin: s.pin })),
    reports,
    ...(schedule ? { schedule } : {}),
    at: now,
  };
}

/** The plan, if the source has one; a plan that cannot be read costs the page nothing but its line. */
async function loadSchedule(
  source: DashboardSource,
  series: Series,
  signal: AbortSignal,
): Promise<ScheduleFileJson | undefined> {
  try {
    return await source.schedule?.(series, signal);
  } catch {
    return undefined;
  }
}

/** Runs `load` now and then every `periodMs` after the previous one ended; never two at once. */
function useLive(load: (signal: AbortSignal) => Promise<void>, periodMs: number, key: string): void {
  useEffect(() => {
    let controller: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const run = async (): Promise<void> => {
      clearTimeout(timer);
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      try {
        await load(mine.signal);
      } finally {
        if (controller === mine) {
          controller = undefined;
          if (!stopped && !document.hidden) timer = setTimeout(run, periodMs);
        }
      }
    };
    // A hidden page reads nothing; shown again, it reads at once.
    const onVisibility = (): void => {
      if (document.hidden) {
        clearTimeout(timer);
        controller?.abort();
      } else void run();
    };
    document.addEventListener('visibilitychange', onVisibility);
    if (!document.hidden) void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [key, periodMs]);
}

const PAGE_NAMES: Record<Page, string> = { now: 'Now', days: 'Days', outages: 'Outages', devices: 'Devices' };

function Nav(props: { route: Route; many: boolean }): VNode {
  const pages: Page[] = props.many ? ['devices', 'now', 'days', 'outages'] : ['now', 'days', 'outages'];
  return html`<nav aria-label="pages">
    ${pages.map(
      (page) =>
        html`<a href=${routeHash({ ...props.route, page })} aria-current=${props.route.page === page ? 'page' : undefined}>${PAGE_NAMES[page]}</a>`,
    )}
  </nav>`;
}

function Dashboard(props: { setup: Setup }): VNode {
  const { setup } = props;
  const { app } = setup;
  const [hash, setHash] = useState(location.hash);
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const lastGood = useRef<Date | undefined>(undefined);
  useEffect(() => {
    const onHash = (): void => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const hashRoute = parseRoute(hash);
  const load = useCallback(
    async (signal: AbortSignal): Promise<void> => {
      try {
        const next = await loadPage(setup, hashRoute, signal);
        if (signal.aborted) return;
        lastGood.current = next.at;
        setLoaded(next);
        setFailure(undefined);
      } catch (error) {
        if (signal.aborted) return;
        setFailure(error instanceof Error ? error.message : String(error));
      }
    },
    [hash],
  );
  useLive(load, app.refreshSeconds * 1000, hash);

  const route = resolveRoute(hashRoute, loaded?.series ?? []);
  const current = loaded && loaded.key === routeKey(route) ? loaded : undefined;
  const many = (loaded?.series.length ?? 0) > 1;
  const title = app.config.title ?? 'Power';
  const one = current?.reports[0];
  useEffect(() => {
    document.title = `${PAGE_NAMES[route.page]}${route.page !== 'devices' && route.series && many ? ` · ${seriesName(route.series)}` : ''} — ${title}`;
  }, [route.page, route.series?.device, route.series?.pin, many, title]);

  let body: VNode;
  if (!current) body = html`<p class="loading">${failure ? '' : 'Loading…'}</p>`;
  else if (route.page === 'devices') body = html`<${DevicesPage} reports=${current.reports} />`;
  else if (!one) body = html`<p>No series in this data yet.</p>`;
  else if (route.page === 'days')
    body = html`<${DaysPage} report=${one.report} series=${one.series} range=${route.range} />`;
  else if (route.page === 'outages')
    body = html`<${OutagesPage} report=${one.report} calendarUrl=${setup.source.calendarUrl(one.series)} />`;
  else body = html`<${NowPage} report=${one.report} schedule=${current.schedule} />`;

  const updated = lastGood.current;
  return html`<${ChartPatterns} />
    <header>
      <h1>${title}${route.page !== 'devices' && route.series && many ? html` <small>${seriesName(route.series)}</small>` : ''}</h1>
      <${Nav} route=${route} many=${many} />
    </header>
    ${
      failure &&
      html`<div class="banner" role="alert">
        Can't reach the data${updated ? ` — last updated ${formatClock(updated, app.tz)}` : ''}
        <small>${failure}</small>
      </div>`
    }
    <main id="main">${body}</main>
    <footer>
      ${updated ? `Updated ${formatClock(updated, app.tz)} · ` : ''}times in ${app.tz} · refreshes every ${app.refreshSeconds} s
    </footer>`;
}

async function start(root: HTMLElement): Promise<void> {
  const page = new URL(location.href);
  const base = new URL('.', page);
  try {
    const app = await loadConfig(base);
    const source = await createSource(app.config, page);
    render(html`<${Dashboard} setup=${{ app, source }} />`, root);
  } catch (error) {
    render(
      html`<main><div class="banner" role="alert">The dashboard cannot start: ${error instanceof Error ? error.message : String(error)}</div></main>`,
      root,
    );
  }
}

const root = document.getElementById('app');
if (root) void start(root);
