/**
 * The report: the stable JSON shape (documented in the README) plus what the renderers draw from
 * (the minute states and the local day buckets). Built from loaded minute states, no I/O.
 */
import type { Series } from '../domain/keys.js';
import {
  type Bucket,
  type CurrentStatus,
  countMinutes,
  currentStatus,
  DEFAULT_MERGE_GAP,
  findGaps,
  findOutages,
  localDays,
  localHours,
  type MinuteStates,
  type Outage,
  onShare,
  type PowerNow,
  type StateCounts,
  type UnresolvedBlock,
} from '../domain/outages.js';
import type { Period } from '../domain/period.js';
import {
  compareWithPlan,
  type OutageMatch,
  type Plan,
  type PlanTotals,
  type ScheduleComparison,
  type ScheduleFormat,
  type WindowStatus,
} from '../domain/schedule.js';
import { formatLocalIso } from '../domain/zone.js';
import type { Source } from './load.js';

export interface CountsJson {
  on: number;
  off: number;
  /** No reading while the monitor was in place (it, its network or its UPS was down). */
  unknown: number;
  pending: number;
  /** Before the series' first reading: not a failure, left out of everything else. */
  notMonitored: number;
}

export interface TotalsJson extends CountsJson {
  /** ON / (ON + OFF), null when no minute is known. */
  onShare: number | null;
}

export interface DayJson extends CountsJson {
  date: string;
  start: string;
  end: string;
  /** Length of the (clipped) local day in minutes: 1440, or 1380/1500 on a DST change. */
  minutes: number;
}

export interface HourJson extends CountsJson {
  /** Local start, `HH:MM` (an hour repeated by a DST change appears twice, with different offsets in `start`). */
  hour: string;
  start: string;
  end: string;
}

export interface OutageJson {
  start: string;
  end: string;
  /** end − start, missing minutes inside included. */
  minutes: number;
  startUncertain: boolean;
  endUncertain: boolean;
  /** Minutes without a reading inside the outage (gaps of at most `mergeGap` between OFF minutes). */
  missingMinutes: number;
}

export interface StatusJson {
  state: PowerNow;
  since: string | null;
  sinceUncertain: boolean;
  minutes: number | null;
  lastReadingAt: string | null;
  lastOutage: OutageJson | null;
}

export interface GapJson {
  start: string;
  end: string;
  minutes: number;
}

export interface PlanWindowJson {
  start: string;
  end: string;
  /** Minutes of it inside the period up to now. */
  minutes: number;
  possible: boolean;
  status: WindowStatus;
  offMinutes: number;
  onMinutes: number;
  unknownMinutes: number;
  startDelayMinutes: number | null;
  endDifferenceMinutes: number | null;
}

export interface PlanOutageJson {
  start: string;
  end: string;
  match: OutageMatch;
  /** Index into `schedule.windows`, when planned. */
  window: number | null;
  startDelayMinutes: number | null;
  endDifferenceMinutes: number | null;
}

export interface ScheduleJson {
  group: string;
  format: ScheduleFormat;
  /** The source: a file path, or a URL's origin only. */
  source: string;
  /** When the publisher last changed the plan, when it says. */
  updatedAt: string | null;
  /** When the plan was read from its source: the report's plan is as of then. */
  fetchedAt: string;
  /** Why the cached copy was used (the source was unreachable or answered badly); null when fresh. */
  staleReason: string | null;
  notes: string[];
  windows: PlanWindowJson[];
  /** One per entry of `outages`, in the same order. */
  outages: PlanOutageJson[];
  days: (PlanTotals & { date: string })[];
  totals: PlanTotals;
}

/** A plan as loaded for a report: where from, and as of when. */
export interface ReportPlan {
  plan: Plan;
  source: string;
  fetchedAt: Date;
  staleReason: string | null;
}

export interface ReportJson {
  device: string;
  pin: number;
  mode: string;
  tz: string;
  from: string;
  to: string;
  source: Source;
  /** Outages separated by at most this many minutes without a reading are listed as one. */
  mergeGap: number;
  /** The series' first reading when it falls in the period (the minutes before it are not monitored), else null. */
  monitoringSince: string | null;
  /** The state now; null when the period does not include now. */
  status: StatusJson | null;
  totals: TotalsJson;
  days: DayJson[];
  hours: HourJson[];
  outages: OutageJson[];
  gaps: GapJson[];
  /** Only with --schedule: the plan and how the period compares with it. */
  schedule?: ScheduleJson;
}

export interface Report {
  json: ReportJson;
  minuteStates: MinuteStates;
  tz: string;
  period: Period;
  /** Local days of the period, clipped to it, in the same order as `json.days`. */
  days: Bucket[];
  /** `json.outages` as instants. */
  outages: Outage[];
  status: CurrentStatus | null;
  monitoringSince: Date | null;
  generatedAt: Date;
  /** With --schedule: the comparison, windows as instants. */
  schedule: ScheduleComparison | null;
}

const counts = (c: CountsJson): CountsJson => ({
  on: c.on,
  off: c.off,
  unknown: c.unknown,
  pending: c.pending,
  notMonitored: c.notMonitored,
});

export function buildReport(input: {
  line: Series;
  mode: string;
  period: Period;
  source: Source;
  minuteStates: MinuteStates;
  now: Date;
  /** The series' first reading, when inside the period (from the loader). */
  monitoringSince?: Date | undefined;
  mergeGap?: number | undefined;
  plan?: ReportPlan | undefined;
}): Report {
  const { minuteStates, period } = input;
  const mergeGap = input.mergeGap ?? DEFAULT_MERGE_GAP;
  const tz = period.tz;
  const iso = (d: Date): string => formatLocalIso(d, tz);
  const total = countMinutes(minuteStates);
  const days = localDays(minuteStates, tz);
  const hours = period.kind === 'day' ? localHours(minuteStates, tz, period.from, period.to) : [];
  const outages = findOutages(minuteStates, { mergeGap });
  const outageJson = (o: Outage): OutageJson => ({ ...o, start: iso(o.start), end: iso(o.end) });
  const status = currentStatus(minuteStates, input.now, { mergeGap });
  const isoOrNull = (d: Date | null): string | null => (d ? iso(d) : null);
  const comparison = input.plan
    ? compareWithPlan({ minuteStates, outages, plan: input.plan.plan, days, now: input.now })
    : null;
  return {
    json: {
      device: input.line.device,
      pin: input.line.pin,
      mode: input.mode,
      tz,
      from: iso(period.from),
      to: iso(period.to),
      source: input.source,
      mergeGap,
      monitoringSince: isoOrNull(input.monitoringSince ?? null),
      status: status && {
        state: status.state,
        since: isoOrNull(status.since),
        sinceUncertain: status.sinceUncertain,
        minutes: status.minutes,
        lastReadingAt: isoOrNull(status.lastReadingAt),
        lastOutage: status.lastOutage && outageJson(status.lastOutage),
      },
      totals: { ...counts(total), onShare: onShare(total) },
      days: days.map((d) => ({
        date: d.label,
        start: iso(d.start),
        end: iso(d.end),
        minutes: d.last - d.first,
        ...counts(countMinutes(minuteStates, d.first, d.last)),
      })),
      hours: hours.map((h) => ({
        hour: h.label,
        start: iso(h.start),
        end: iso(h.end),
        ...counts(countMinutes(minuteStates, h.first, h.last)),
      })),
      outages: outages.map(outageJson),
      gaps: findGaps(minuteStates).map((g) => ({ ...g, start: iso(g.start), end: iso(g.end) })),
      ...(input.plan && comparison ? { schedule: scheduleJson(input.plan, comparison, iso) } : {}),
    },
    minuteStates,
    tz,
    period,
    days,
    outages,
    status,
    monitoringSince: input.monitoringSince ?? null,
    generatedAt: input.now,
    schedule: comparison,
  };
}

function scheduleJson(loaded: ReportPlan, c: ScheduleComparison, iso: (d: Date) => string): ScheduleJson {
  const { plan } = loaded;
  return {
    group: plan.group,
    format: plan.format,
    source: loaded.source,
    updatedAt: plan.updatedAt && iso(plan.updatedAt),
    fetchedAt: iso(loaded.fetchedAt),
    staleReason: loaded.staleReason,
    notes: plan.notes,
    windows: c.windows.map((w) => ({
      start: iso(w.window.start),
      end: iso(w.window.end),
      minutes: w.minutes,
      possible: w.window.possible,
      status: w.status,
      offMinutes: w.offMinutes,
      onMinutes: w.onMinutes,
      unknownMinutes: w.unknownMinutes,
      startDelayMinutes: w.startDelayMinutes,
      endDifferenceMinutes: w.endDifferenceMinutes,
    })),
    outages: c.outages.map((o) => ({
      start: iso(o.outage.start),
      end: iso(o.outage.end),
      match: o.match,
      window: o.window,
      startDelayMinutes: o.startDelayMinutes,
      endDifferenceMinutes: o.endDifferenceMinutes,
    })),
    days: c.days,
    totals: c.totals,
  };
}

export interface HourCell {
  /** Local hour of day 0-23 (twice the same on a 25-hour day). */
  hourOfDay: number;
  bucket: Bucket;
  counts: StateCounts;
}

/** The local hours of one day of the report with their counts. */
export function hourCells(report: Report, day: Bucket): HourCell[] {
  return localHours(report.minuteStates, report.tz, day.start, day.end).map((bucket) => ({
    hourOfDay: Number(bucket.label.slice(0, 2)),
    bucket,
    counts: countMinutes(report.minuteStates, bucket.first, bucket.last),
  }));
}

/** The heatmap's scale: the share of known minutes without power, step 0 (none) to 5 (nearly all). */
export const HEAT_STEPS: readonly { upTo: number; step: number; label: string }[] = [
  { upTo: 0, step: 0, label: '0%' },
  { upTo: 0.1, step: 1, label: '≤ 10%' },
  { upTo: 0.25, step: 2, label: '≤ 25%' },
  { upTo: 0.5, step: 3, label: '≤ 50%' },
  { upTo: 0.75, step: 4, label: '≤ 75%' },
  { upTo: 1, step: 5, label: '> 75%' },
];

/** The heat step of `off` minutes out of `known` (> 0) ON and OFF minutes. */
export function heatStep(off: number, known: number): number {
  const share = off / known;
  return (HEAT_STEPS.find((s) => share <= s.upTo) ?? HEAT_STEPS[HEAT_STEPS.length - 1])?.step ?? 5;
}

/** What an hours item's block of minutes held: on and off, or one of them with minutes missing. */
export function blockKind(block: UnresolvedBlock): 'unresolved' | 'unresolved-on' | 'unresolved-off' {
  if (block.on > 0 && block.off > 0) return 'unresolved';
  return block.off > 0 ? 'unresolved-off' : 'unresolved-on';
}

export function formatShare(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)}%`;
}
