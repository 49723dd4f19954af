/**
 * The JSON layout of src/dashboard/contract.ts as a DashboardSource: the files `blackout-serve`
 * answers and `blackout-publish` writes, at URLs relative to the page. Every read revalidates
 * (`cache: 'no-cache'`), so a reading flushed late into an earlier day shows up too.
 */
import {
  type DashboardSource,
  type DeviceJson,
  type DevicesJson,
  dataPaths,
  type JsonWebConfig,
  joinMinutes,
  type MinutesJson,
  type ScheduleFileJson,
  utcDaysBetween,
} from '../dashboard/contract.js';
import type { Series } from '../domain/keys.js';
import { MINUTE, type MinuteStates } from '../domain/outages.js';
import { DAY_MS, floorToDay, floorToMinute, MINUTE_MS, parseUtcDate } from '../domain/time.js';
import { bySeries } from '../stores/store.js';

const seriesKey = (series: Series): string => `${series.device}\u0000${series.pin}`;

export function createJsonSource(_config: JsonWebConfig, page: URL): DashboardSource {
  const base = new URL('.', page);
  // blackout-serve --token: the page was opened with ?token=…, every data request carries it.
  const token = page.searchParams.get('token');
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const firstReadings = new Map<string, Date>();

  /** The file's JSON, or undefined when it is not there (404). */
  async function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T | undefined> {
    const response = await fetch(new URL(path, base), { cache: 'no-cache', headers, ...(signal ? { signal } : {}) });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  return {
    kind: 'json',

    async series(signal) {
      const devices = await fetchJson<DevicesJson>(dataPaths.devices, signal);
      if (!devices) throw new Error(`${dataPaths.devices} is missing: no data published here`);
      const list: DeviceJson[] = [...devices.series].sort(bySeries);
      for (const s of list) {
        const first = new Date(s.firstReading);
        if (Number.isFinite(first.getTime())) firstReadings.set(seriesKey(s), first);
      }
      return list;
    },

    async minuteStates(series, range, signal) {
      const firstDay = firstReadings.get(seriesKey(series));
      const monitoredFrom = firstDay ? floorToDay(firstDay).getTime() : Number.NEGATIVE_INFINITY;
      const days = utcDaysBetween(range.from, range.to);
      // Days before the series' first reading hold nothing: not asked for.
      const files = await Promise.all(
        days.map((day) => {
          const start = parseUtcDate(day)?.getTime() ?? 0;
          return start + DAY_MS <= monitoredFrom
            ? Promise.resolve(undefined)
            : fetchJson<MinutesJson>(dataPaths.minutes(series, day), signal);
        }),
      );
      const found = files.filter((f): f is MinutesJson => f !== undefined);
      const joined = joinMinutes(found, range.from, range.to);
      // A day without a file: not monitored before the first reading, not yet after now, else unknown.
      const nextMinute = floorToMinute(range.now).getTime() + MINUTE_MS;
      days.forEach((day, i) => {
        if (files[i] !== undefined) return;
        const start = parseUtcDate(day)?.getTime() ?? 0;
        fillMissing(joined.minuteStates, start, start + DAY_MS, (t) =>
          t < (firstDay?.getTime() ?? Number.NEGATIVE_INFINITY)
            ? MINUTE.notMonitored
            : t >= nextMinute
              ? MINUTE.pending
              : MINUTE.unknown,
        );
      });
      const monitoringSince =
        joined.monitoringSince ??
        (firstDay && firstDay >= range.from && firstDay < range.to ? floorToMinute(firstDay) : undefined);
      return { minuteStates: joined.minuteStates, ...(monitoringSince ? { monitoringSince } : {}) };
    },

    // 404: no schedule configured where the data come from.
    schedule: (series, signal) => fetchJson<ScheduleFileJson>(dataPaths.schedule(series), signal),

    calendarUrl(series) {
      const url = new URL(dataPaths.outagesIcs(series), base);
      if (token) url.searchParams.set('token', token);
      return url.href;
    },
  };
}

function fillMissing(
  minuteStates: MinuteStates,
  from: number,
  to: number,
  stateAt: (t: number) => (typeof MINUTE)[keyof typeof MINUTE],
): void {
  const start = minuteStates.from.getTime();
  const first = Math.max(0, Math.round((from - start) / MINUTE_MS));
  const last = Math.min(minuteStates.states.length, Math.round((to - start) / MINUTE_MS));
  for (let i = first; i < last; i++) minuteStates.states[i] = stateAt(start + i * MINUTE_MS);
}
