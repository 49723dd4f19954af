/**
 * Planned vs actual: a published outage plan (windows [start, end) for one outage group) compared
 * with the outages the monitor measured. Pure (no I/O, browser-safe): the adapters in src/schedule/
 * turn a calendar or a utility's JSON into a `Plan`; the report and the dashboard call these.
 *
 * The rules (also in the README):
 * - An outage is *planned* when it overlaps a window widened by MATCH_SLACK_MINUTES on each side; it
 *   belongs to the window it overlaps most (the earlier one on a tie). Its start delay is outage start
 *   − window start, its end difference outage end − window end (positive: it overran).
 * - An outage in time the plan does not speak for (a day the source has no schedule for) is `noPlan`,
 *   never `unplanned`: nothing said it would not happen.
 * - A window is judged on the minutes of it that have a reading: `unknown` when more than
 *   UNKNOWN_WINDOW_SHARE of its minutes have none (the monitor was down: we cannot say the power
 *   stayed on), `happened` when ≥ HAPPENED_SHARE of its known minutes were OFF, `partly` when
 *   ≥ PARTLY_SHARE, else `notAtAll`. A window not over yet is `inProgress` or `upcoming`.
 * - A *possible* window (outage-data-ua's `maybe`, `mfirst`, `msecond`) makes an outage in it planned
 *   (it was announced), but its minutes are not counted as planned: the plan did not commit to them.
 */
import { type Bucket, indexOf, MINUTE, type MinuteStates, type Outage } from './outages.js';
import { MINUTE_MS } from './time.js';

export const MATCH_SLACK_MINUTES = 15;
export const HAPPENED_SHARE = 0.8;
export const PARTLY_SHARE = 0.1;
export const UNKNOWN_WINDOW_SHARE = 0.5;

export type ScheduleFormat = 'ics' | 'yasno' | 'outage-data-ua';
export const SCHEDULE_FORMATS: readonly ScheduleFormat[] = ['ics', 'yasno', 'outage-data-ua'];

export interface PlannedWindow {
  start: Date;
  /** Exclusive. */
  end: Date;
  /** Announced as possible only (`maybe`): an outage in it is planned, its minutes are not counted as planned. */
  possible: boolean;
}

/** A span of time the plan speaks for: inside it, no window means no outage planned. */
export interface Coverage {
  start: Date;
  end: Date;
}

export interface Plan {
  group: string;
  format: ScheduleFormat;
  /** When the publisher last changed the plan (its `updatedOn`, `update`, `DTSTAMP`), when it says. */
  updatedAt: Date | null;
  /** Windows sorted by start, not overlapping (touching windows of the same kind are merged). */
  windows: PlannedWindow[];
  /** What the plan covers; null: all time (a calendar has no edge: no event means no outage). */
  coverage: Coverage[] | null;
  /** What the source said that is not a window: `2025-10-27: WaitingForSchedule, no windows for it`. */
  notes: string[];
}

/** Sorted, with touching or overlapping windows of the same kind joined, empty ones dropped. */
export function normalizeWindows(windows: readonly PlannedWindow[]): PlannedWindow[] {
  const sorted = windows
    .filter((w) => w.end.getTime() > w.start.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime() || Number(a.possible) - Number(b.possible));
  const out: PlannedWindow[] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && last.possible === w.possible && w.start.getTime() <= last.end.getTime()) {
      if (w.end > last.end) last.end = w.end;
    } else if (last && w.start.getTime() < last.end.getTime()) {
      // A definite window wins over a possible one where they overlap.
      if (last.possible) {
        last.end = w.start;
        out.push({ ...w });
      } else if (w.end > last.end) out.push({ ...w, start: last.end });
    } else out.push({ ...w });
  }
  return out.filter((w) => w.end.getTime() > w.start.getTime());
}

export type WindowStatus = 'happened' | 'partly' | 'notAtAll' | 'unknown' | 'inProgress' | 'upcoming';
export type OutageMatch = 'planned' | 'unplanned' | 'noPlan';

export interface WindowResult {
  window: PlannedWindow;
  status: WindowStatus;
  /** Minutes of the window inside the compared time (the report period up to now). */
  minutes: number;
  offMinutes: number;
  onMinutes: number;
  /** Without a reading (or only hourly data for them). */
  unknownMinutes: number;
  /** Start of its first outage − window start, in minutes; null when no outage matched or its start is uncertain. */
  startDelayMinutes: number | null;
  /** End of its last outage − window end (positive: overran); null when none matched or that end is uncertain. */
  endDifferenceMinutes: number | null;
}

export interface OutageResult {
  outage: Outage;
  match: OutageMatch;
  /** Index into `windows` of the comparison, when planned. */
  window: number | null;
  startDelayMinutes: number | null;
  endDifferenceMinutes: number | null;
}

export interface PlanTotals {
  /** Minutes of definite windows inside the compared time. */
  plannedMinutes: number;
  /** OFF minutes inside definite windows: the plan that happened. */
  plannedOffMinutes: number;
  /** Minutes of definite windows without a reading. */
  plannedUnknownMinutes: number;
  /** OFF minutes, all of them. */
  offMinutes: number;
  /** OFF minutes of unplanned outages. */
  unplannedOffMinutes: number;
  /** OFF minutes in time the plan does not cover. */
  noPlanOffMinutes: number;
  /** plannedOffMinutes / planned minutes with a reading; null when there are none. */
  planShare: number | null;
  /** Mean start delay of the windows that had an outage with a certain start; null when none. */
  averageStartDelayMinutes: number | null;
}

export interface DayPlanTotals extends PlanTotals {
  date: string;
}

export interface ScheduleComparison {
  windows: WindowResult[];
  outages: OutageResult[];
  days: DayPlanTotals[];
  totals: PlanTotals;
}

const minutesBetween = (a: Date, b: Date): number => Math.round((b.getTime() - a.getTime()) / MINUTE_MS);

const overlapMs = (aStart: number, aEnd: number, bStart: number, bEnd: number): number =>
  Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));

/** The window an outage belongs to (see the rules above), or undefined. */
export function matchingWindow(
  outage: { start: Date; end: Date },
  windows: readonly PlannedWindow[],
): number | undefined {
  const slack = MATCH_SLACK_MINUTES * MINUTE_MS;
  let best: number | undefined;
  let bestOverlap = 0;
  windows.forEach((w, i) => {
    const overlap = overlapMs(
      outage.start.getTime(),
      outage.end.getTime(),
      w.start.getTime() - slack,
      w.end.getTime() + slack,
    );
    if (overlap > bestOverlap) {
      best = i;
      bestOverlap = overlap;
    }
  });
  return best;
}

const isCovered = (plan: Plan, instant: Date): boolean =>
  plan.coverage === null || plan.coverage.some((c) => c.start <= instant && instant < c.end);

/** True when the outage is in the plan (see the rules above): what the dashboard says next to an outage. */
export function isPlanned(outage: { start: Date; end: Date }, plan: Plan): boolean {
  return matchingWindow(outage, plan.windows) !== undefined;
}

export type OutageVerdict = { match: 'planned'; window: PlannedWindow } | { match: 'unplanned' } | { match: 'noPlan' };

/**
 * What the plan says of one outage (an ongoing one ends at now): planned (and by which window),
 * unplanned, or `noPlan` when it began in time the plan does not speak for (the rules above).
 * What a notification and the dashboard's Now page say about an outage.
 */
export function judgeOutage(outage: { start: Date; end: Date }, plan: Plan): OutageVerdict {
  const index = matchingWindow(outage, plan.windows);
  const window = index === undefined ? undefined : plan.windows[index];
  if (window) return { match: 'planned', window };
  return isCovered(plan, outage.start) ? { match: 'unplanned' } : { match: 'noPlan' };
}

/**
 * A fetched plan older than this is not used to judge an outage as it begins (a notification, the
 * Now page): the hourly job keeps it fresh while the internet is up, and a plan that old may have
 * been replaced since. Saying nothing beats a wrong "not in the schedule".
 */
export const PLAN_MAX_AGE_MS = 6 * 3_600_000;

/** The window in force at `now`, else the next one to start; null when the plan has none ahead. */
export function nextPlannedWindow(plan: Plan, now: Date): PlannedWindow | null {
  return plan.windows.find((w) => w.end > now) ?? null;
}

// Per-minute marks of the plan.
const DEFINITE = 1;
const POSSIBLE = 2;

/**
 * The comparison over the minute states (the report period), up to `now`: minutes after it are not
 * compared, windows not over by then are `upcoming`. `days` are the report's local day buckets.
 */
export function compareWithPlan(input: {
  minuteStates: MinuteStates;
  outages: readonly Outage[];
  plan: Plan;
  days: readonly Bucket[];
  now: Date;
}): ScheduleComparison {
  const { minuteStates, plan, now } = input;
  const { states } = minuteStates;
  const length = states.length;
  const nowIndex = Math.max(0, Math.min(length, Math.floor((now.getTime() - minuteStates.from.getTime()) / MINUTE_MS)));
  const clip = (i: number): number => Math.max(0, Math.min(nowIndex, i));
  const periodEnd = new Date(minuteStates.from.getTime() + length * MINUTE_MS);

  // Windows that touch the period; their results are for the part inside it.
  const windows = plan.windows.filter((w) => w.end > minuteStates.from && w.start < periodEnd);
  const planMarks = new Uint8Array(length);
  for (const w of windows) {
    planMarks.fill(
      w.possible ? POSSIBLE : DEFINITE,
      clip(indexOf(minuteStates, w.start)),
      clip(indexOf(minuteStates, w.end)),
    );
  }

  const outageResults: OutageResult[] = input.outages.map((outage) => {
    const index = matchingWindow(outage, windows);
    const w = index === undefined ? undefined : windows[index];
    if (w === undefined) {
      return {
        outage,
        match: isCovered(plan, outage.start) ? 'unplanned' : 'noPlan',
        window: null,
        startDelayMinutes: null,
        endDifferenceMinutes: null,
      };
    }
    return {
      outage,
      match: 'planned',
      window: index ?? null,
      startDelayMinutes: outage.startUncertain ? null : minutesBetween(w.start, outage.start),
      endDifferenceMinutes: outage.endUncertain ? null : minutesBetween(w.end, outage.end),
    };
  });

  const unplannedMarks = new Uint8Array(length);
  const noPlanMarks = new Uint8Array(length);
  for (const r of outageResults) {
    if (r.match === 'planned') continue;
    const marks = r.match === 'unplanned' ? unplannedMarks : noPlanMarks;
    marks.fill(1, clip(indexOf(minuteStates, r.outage.start)), clip(indexOf(minuteStates, r.outage.end)));
  }

  const windowResults: WindowResult[] = windows.map((window, i) => {
    const first = clip(indexOf(minuteStates, window.start));
    const last = clip(indexOf(minuteStates, window.end));
    let off = 0;
    let on = 0;
    for (let m = first; m < last; m++) {
      if (states[m] === MINUTE.off) off++;
      else if (states[m] === MINUTE.on) on++;
    }
    // Not monitored minutes (before the first reading) are neither compared nor counted.
    let notMonitored = 0;
    for (let m = first; m < last; m++) if (states[m] === MINUTE.notMonitored) notMonitored++;
    const minutes = last - first - notMonitored;
    const unknown = minutes - off - on;
    const matched = outageResults.filter((r) => r.window === i);
    const firstOutage = matched[0];
    const lastOutage = matched.at(-1);
    return {
      window,
      status: windowStatus(window, { minutes, off, on, unknown }, now),
      minutes,
      offMinutes: off,
      onMinutes: on,
      unknownMinutes: unknown,
      startDelayMinutes: firstOutage?.startDelayMinutes ?? null,
      endDifferenceMinutes: lastOutage?.endDifferenceMinutes ?? null,
    };
  });

  const totalsOver = (first: number, last: number): PlanTotals => {
    const t = {
      plannedMinutes: 0,
      plannedOffMinutes: 0,
      plannedUnknownMinutes: 0,
      offMinutes: 0,
      unplannedOffMinutes: 0,
      noPlanOffMinutes: 0,
    };
    for (let m = clip(first); m < clip(last); m++) {
      const state = states[m];
      const off = state === MINUTE.off;
      if (off) t.offMinutes++;
      if (planMarks[m] === DEFINITE && state !== MINUTE.notMonitored) {
        t.plannedMinutes++;
        if (off) t.plannedOffMinutes++;
        else if (state !== MINUTE.on) t.plannedUnknownMinutes++;
      }
      if (off && unplannedMarks[m]) t.unplannedOffMinutes++;
      if (off && noPlanMarks[m]) t.noPlanOffMinutes++;
    }
    const known = t.plannedMinutes - t.plannedUnknownMinutes;
    // A window's delay counts on the day it starts.
    const delays = windowResults
      .filter((r) => {
        const start = indexOf(minuteStates, r.window.start);
        return r.startDelayMinutes !== null && start >= first && start < last;
      })
      .map((r) => r.startDelayMinutes ?? 0);
    return {
      ...t,
      planShare: known === 0 ? null : t.plannedOffMinutes / known,
      averageStartDelayMinutes: delays.length === 0 ? null : delays.reduce((a, b) => a + b, 0) / delays.length,
    };
  };

  return {
    windows: windowResults,
    outages: outageResults,
    days: input.days.map((d) => ({ date: d.label, ...totalsOver(d.first, d.last) })),
    // Windows starting before the period still count their delay: the period's totals span all of it.
    totals: totalsOver(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
  };
}

function windowStatus(
  window: PlannedWindow,
  c: { minutes: number; off: number; on: number; unknown: number },
  now: Date,
): WindowStatus {
  if (window.start > now) return 'upcoming';
  if (window.end > now) return 'inProgress';
  if (c.minutes === 0 || c.unknown > c.minutes * UNKNOWN_WINDOW_SHARE) return 'unknown';
  const share = c.off / (c.off + c.on);
  if (share >= HAPPENED_SHARE) return 'happened';
  if (share >= PARTLY_SHARE) return 'partly';
  return 'notAtAll';
}
