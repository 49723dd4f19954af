/**
 * The dashboard's files (src/dashboard/contract.ts) computed from a store: `blackout-serve` answers
 * each on request, `blackout-publish` and `--publish-dir` write them. Reads only.
 */
import type { Series } from '../domain/keys.js';
import { lastLocalDays, type Period } from '../domain/period.js';
import { PLAN_MAX_AGE_MS } from '../domain/schedule.js';
import { DAY_MS, parseUtcDate } from '../domain/time.js';
import { type HourStatesCache, loadMinuteStates } from '../report/load.js';
import { createReport, renderReport } from '../report/report.js';
import { isUrl, readCachedPlan, type ScheduleSettings } from '../schedule/fetch.js';
import type { Store } from '../stores/store.js';
import {
  CALENDAR_DAYS,
  type DevicesJson,
  type MinutesJson,
  minutesJson,
  SCHEDULE_DAYS_AFTER,
  SCHEDULE_DAYS_BEFORE,
  type ScheduleFileJson,
  STATUS_DAYS,
  type StatusFileJson,
} from './contract.js';

export interface ResourceContext {
  store: Store;
  mode: string;
  now: Date;
  signal?: AbortSignal;
  /** Complete hours' minute states from earlier requests (blackout-serve on SQLite). */
  hourCache?: HourStatesCache;
}

export async function devicesResource(ctx: ResourceContext): Promise<DevicesJson> {
  const series = await ctx.store.listSeries(ctx.signal ? { signal: ctx.signal } : {});
  return {
    mode: ctx.mode,
    generatedAt: ctx.now.toISOString(),
    series: series.map((s) => ({
      device: s.device,
      pin: s.pin,
      firstReading: new Date(s.firstReading).toISOString(),
      lastReading: new Date(s.lastReading).toISOString(),
      readings: s.readings,
    })),
  };
}

/** One UTC day (`YYYY-MM-DD`) of minute states, as every report source `auto` reads it. */
export async function minutesResource(ctx: ResourceContext, series: Series, day: string): Promise<MinutesJson> {
  const from = parseUtcDate(day);
  if (!from) throw new RangeError(`not a date: ${day}`);
  const { minuteStates, monitoringSince } = await loadMinuteStates(ctx.store, {
    series,
    from,
    to: new Date(from.getTime() + DAY_MS),
    tz: 'UTC',
    source: 'auto',
    now: ctx.now,
  });
  return minutesJson({ series, mode: ctx.mode, minuteStates, monitoringSince, now: ctx.now });
}

const lastDays = (days: number, tz: string, now: Date): Period => ({
  ...lastLocalDays(days, tz, now),
  kind: 'last',
  tz,
});

/** The status now, as `blackout-report --last 7d` says it. */
export async function statusResource(ctx: ResourceContext, series: Series, tz: string): Promise<StatusFileJson> {
  const { report } = await createReport(ctx.store, {
    line: series,
    mode: ctx.mode,
    period: lastDays(STATUS_DAYS, tz, ctx.now),
    source: 'auto',
    now: ctx.now,
    ...(ctx.hourCache ? { hourCache: ctx.hourCache } : {}),
  });
  return {
    device: series.device,
    pin: series.pin,
    mode: ctx.mode,
    tz,
    generatedAt: ctx.now.toISOString(),
    status: report.json.status,
  };
}

/** The outages of the last 30 local days as iCalendar (what `blackout-report --format ics` writes). */
export async function outagesIcsResource(ctx: ResourceContext, series: Series, tz: string): Promise<string> {
  const { report } = await createReport(ctx.store, {
    line: series,
    mode: ctx.mode,
    period: lastDays(CALENDAR_DAYS, tz, ctx.now),
    source: 'auto',
    now: ctx.now,
    ...(ctx.hourCache ? { hourCache: ctx.hourCache } : {}),
  });
  return renderReport(report, 'ics');
}

/**
 * The outage plan around now for the Now page, from the plan on this machine only (a schedule file,
 * or the copy blackout-aggregate cached, if recent): serving a page never waits on the schedule's
 * source. No usable plan is said in `problem`, with no windows.
 */
export function scheduleResource(
  ctx: Pick<ResourceContext, 'mode' | 'now'>,
  series: Series,
  settings: ScheduleSettings,
  tz: string,
): ScheduleFileJson {
  const from = new Date(ctx.now.getTime() - SCHEDULE_DAYS_BEFORE * DAY_MS);
  const to = new Date(ctx.now.getTime() + SCHEDULE_DAYS_AFTER * DAY_MS);
  const cached = readCachedPlan(settings, { from, to, tz }, ctx.now);
  const plan = cached.ok ? cached.loaded.plan : undefined;
  const inSpan = <T extends { start: Date; end: Date }>(spans: readonly T[]): T[] =>
    spans.filter((w) => w.end > from && w.start < to);
  return {
    device: series.device,
    pin: series.pin,
    mode: ctx.mode,
    generatedAt: ctx.now.toISOString(),
    group: settings.group ?? null,
    format: plan?.format ?? null,
    asOf: cached.ok ? cached.loaded.fetchedAt.toISOString() : null,
    updatedAt: plan?.updatedAt?.toISOString() ?? null,
    validUntil:
      cached.ok && isUrl(settings.source)
        ? new Date(cached.loaded.fetchedAt.getTime() + PLAN_MAX_AGE_MS).toISOString()
        : null,
    problem: cached.ok ? null : cached.reason,
    from: from.toISOString(),
    to: to.toISOString(),
    windows: inSpan(plan?.windows ?? []).map((w) => ({
      start: w.start.toISOString(),
      end: w.end.toISOString(),
      possible: w.possible,
    })),
    coverage: !plan
      ? []
      : plan.coverage === null
        ? null
        : inSpan(plan.coverage).map((c) => ({ start: c.start.toISOString(), end: c.end.toISOString() })),
    notes: plan?.notes ?? [],
  };
}
