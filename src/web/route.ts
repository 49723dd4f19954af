/** Hash routes: `#/now/<device>/<pin>`, `#/days/<device>/<pin>/month`, `#/outages/<device>/<pin>`, `#/devices`. */
import type { Series } from '../domain/keys.js';

export type Page = 'now' | 'days' | 'outages' | 'devices';
export type DaysRange = 'week' | 'month';

export interface Route {
  page: Page;
  /** Absent: the first (or only) series. */
  series?: Series;
  range: DaysRange;
}

const PAGES: readonly Page[] = ['now', 'days', 'outages', 'devices'];

/** The route of a location hash; undefined for an empty or unknown one. */
export function parseRoute(hash: string): Route | undefined {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [page, device, pin, range] = parts;
  if (!PAGES.includes(page as Page)) return undefined;
  const pinNumber = pin === undefined ? Number.NaN : Number(pin);
  return {
    page: page as Page,
    ...(device !== undefined && Number.isInteger(pinNumber) ? { series: { device, pin: pinNumber } } : {}),
    range: range === 'month' ? 'month' : 'week',
  };
}

export function routeHash(route: Route): string {
  if (route.page === 'devices' || !route.series) return `#/${route.page}`;
  const series = `${encodeURIComponent(route.series.device)}/${route.series.pin}`;
  return `#/${route.page}/${series}${route.page === 'days' && route.range === 'month' ? '/month' : ''}`;
}
