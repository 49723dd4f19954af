/**
 * What the dashboard app reads, and where: one layout of JSON files that `blackout-serve` answers on
 * request and `blackout-publish` writes as static files, so the app finds its data the same way from
 * either (paths relative to the page). Pure: no I/O, runs in the browser and in Node.
 *
 *   config.json                                   WebConfig: where the data comes from, zone, mode
 *   api/devices.json                              DevicesJson: the series and their first/last reading
 *   api/minutes/<device>/<pin>/<YYYY-MM-DD>.json  MinutesJson: one UTC day, minute by minute
 *   api/status/<device>/<pin>.json                StatusFileJson: the status now (last 7 local days)
 *   api/outages/<device>/<pin>.ics                the outages of the last 30 days as iCalendar
 *   api/schedule/<device>/<pin>.json              ScheduleFileJson: the outage plan around now (only
 *                                                 with --schedule; absent (404): no schedule configured)
 *
 * The minute states are the report model's own input: the app builds the report (status, days,
 * outages) in the browser with the same code as `blackout-report`, whether the minutes came from
 * these files or, in DynamoDB mode, straight from the tables. Days are UTC days so that one file
 * serves every zone; the app joins the days it needs.
 */
import type { Series } from '../domain/keys.js';
import { MINUTE, type MinuteState, type MinuteStates, runs, type UnresolvedBlock } from '../domain/outages.js';
import type { Plan, ScheduleFormat } from '../domain/schedule.js';
import { DAY_MS, floorToDay, MINUTE_MS, utcDate } from '../domain/time.js';
import type { StatusJson } from '../report/model.js';

/** `config.json` next to index.html. */
export type WebConfig = JsonWebConfig | DynamoWebConfig;

interface WebConfigBase {
  /** The mode (table set) the data belongs to: `prod`, `dev`, … */
  mode: string;
  /** IANA zone the days are counted in; absent: the browser's zone. */
  tz?: string;
  /** Seconds between re-reads (default 60). */
  refreshSeconds?: number;
  /** Page title, e.g. "Power at home". */
  title?: string;
}

/** The data as the JSON files above (from `blackout-serve` or a `blackout-publish` folder). */
export interface JsonWebConfig extends WebConfigBase {
  source: 'json';
}

/** The seed's design: the browser queries the minutes, hours and days tables itself. */
export interface DynamoWebConfig extends WebConfigBase {
  source: 'dynamodb';
  region: string;
  /** Cognito identity pool whose guest role may Query/GetItem the tables of `mode`. */
  identityPoolId?: string;
  /**
   * The pool's guest role (`arn:aws:iam::…:role/…`): credentials then come from the pool's basic
   * (classic) flow, which the role's own policy bounds. Without it the enhanced flow is used, whose
   * guest sessions Cognito scopes down to a list of services (doc/web-on-s3.md).
   */
  guestRoleArn?: string;
  /** A local emulator only (loopback), with `credentials`. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The series to show: the app never scans for them. */
  series: Series[];
}

export const DEFAULT_REFRESH_SECONDS = 60;

/** What a view needs: every minute (status, outages) or counts per hour (days, heatmap). */
export type MinuteDetail = 'minutes' | 'hours';

/**
 * An endpoint on this machine (127.0.0.0/8, ::1, localhost): the only place a config.json may send the
 * browser with fixed credentials, since anyone who can read the page can read them.
 */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** One series in `api/devices.json`. */
export interface DeviceJson extends Series {
  /** Earliest and latest stored reading, ISO-8601 UTC. */
  firstReading: string;
  lastReading: string;
  readings: number;
}

export interface DevicesJson {
  mode: string;
  generatedAt: string;
  series: DeviceJson[];
}

/** One UTC day of one series: what the report model knows about each minute. */
export interface MinutesJson extends Series {
  mode: string;
  /** UTC day, `YYYY-MM-DD`; `from`/`to` its bounds (ISO-8601 UTC). */
  day: string;
  from: string;
  to: string;
  generatedAt: string;
  /** The series' first reading when it falls in this day, else null. */
  monitoringSince: string | null;
  /** The minute states as runs `[state, minutes]` (MINUTE codes), 1,440 minutes in all. */
  runs: [MinuteState, number][];
  /** Hourly-data blocks (minute index within the day). */
  unresolved: UnresolvedBlock[];
}

/** `api/status/<device>/<pin>.json`. */
export interface StatusFileJson extends Series {
  mode: string;
  tz: string;
  generatedAt: string;
  status: StatusJson | null;
}

/**
 * `api/schedule/<device>/<pin>.json`: the published outage plan from a day before to two days after
 * `generatedAt`, as this machine holds it (a schedule file, or the copy blackout-aggregate fetched:
 * serving and publishing never fetch). The app judges the outage in progress and finds the next
 * window with the pure functions of domain/schedule.ts (`planOfFile`).
 */
export interface ScheduleFileJson extends Series {
  mode: string;
  generatedAt: string;
  /** The outage group (--schedule-group); null for a calendar of one group. */
  group: string | null;
  /** Null when there is no usable plan (`problem`). */
  format: ScheduleFormat | null;
  /** When the plan was read from its source (a fetched copy's fetch time, a file's mtime). */
  asOf: string | null;
  /** When the publisher last changed the plan, when it says. */
  updatedAt: string | null;
  /**
   * Past this time the plan is not to be gone by (a fetched copy PLAN_MAX_AGE_MS old: the file was
   * not refreshed since); null: no such limit (a schedule file).
   */
  validUntil: string | null;
  /** Why there is no plan to go by (no cached copy yet, one too old, unreadable); null when there is one. */
  problem: string | null;
  /** The span the windows are given for (ISO-8601 UTC). */
  from: string;
  to: string;
  /** Planned outage windows, sorted, end exclusive; `possible`: announced as possible only. */
  windows: { start: string; end: string; possible: boolean }[];
  /** Where the plan speaks (no window there: no outage planned); null: all time (a calendar). */
  coverage: { start: string; end: string }[] | null;
  notes: string[];
}

/** Days before and after now that a schedule file holds windows for. */
export const SCHEDULE_DAYS_BEFORE = 1;
export const SCHEDULE_DAYS_AFTER = 2;

/** The file's plan for the domain's functions at `now`; null when it carries none, or none valid then. */
export function planOfFile(file: ScheduleFileJson, now: Date): Plan | null {
  if (file.problem !== null || file.format === null || !Array.isArray(file.windows)) return null;
  if (file.validUntil !== null && now.getTime() > Date.parse(file.validUntil)) return null;
  return {
    group: file.group ?? '',
    format: file.format,
    updatedAt: file.updatedAt ? new Date(file.updatedAt) : null,
    windows: file.windows.map((w) => ({ start: new Date(w.start), end: new Date(w.end), possible: w.possible })),
    coverage: file.coverage ? file.coverage.map((c) => ({ start: new Date(c.start), end: new Date(c.end) })) : null,
    notes: file.notes ?? [],
  };
}

const seriesPath = (series: Series): string =>
  `${encodeURIComponent(series.device)}/${encodeURIComponent(String(series.pin))}`;

/** Paths of the layout, relative to the page (no leading slash). */
export const dataPaths = {
  config: 'config.json',
  devices: 'api/devices.json',
  minutes: (series: Series, day: string): string => `api/minutes/${seriesPath(series)}/${day}.json`,
  status: (series: Series): string => `api/status/${seriesPath(series)}.json`,
  outagesIcs: (series: Series): string => `api/outages/${seriesPath(series)}.ics`,
  schedule: (series: Series): string => `api/schedule/${seriesPath(series)}.json`,
} as const;

/** Days the status file and the calendar look back. */
export const STATUS_DAYS = 7;
export const CALENDAR_DAYS = 30;
/** UTC days of minute files a published folder keeps by default: the app's month view and a day more. */
export const DEFAULT_PUBLISH_DAYS = 32;

/** The UTC days (`YYYY-MM-DD`) that [from, to) touches. */
export function utcDaysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let t = floorToDay(from).getTime(); t < to.getTime(); t += DAY_MS) days.push(utcDate(new Date(t)));
  return days;
}

/** One UTC day's minute states as a file. `minuteStates` must cover exactly that day. */
export function minutesJson(input: {
  series: Series;
  mode: string;
  minuteStates: MinuteStates;
  monitoringSince?: Date | undefined;
  now: Date;
}): MinutesJson {
  const { minuteStates } = input;
  const from = minuteStates.from;
  return {
    device: input.series.device,
    pin: input.series.pin,
    mode: input.mode,
    day: utcDate(from),
    from: from.toISOString(),
    to: new Date(from.getTime() + minuteStates.states.length * MINUTE_MS).toISOString(),
    generatedAt: input.now.toISOString(),
    monitoringSince: input.monitoringSince ? input.monitoringSince.toISOString() : null,
    runs: runs(minuteStates).map((r) => [r.state, r.length]),
    unresolved: minuteStates.unresolved,
  };
}

const STATE_CODES = new Set<number>(Object.values(MINUTE));

/**
 * Joins day files (in any order, gaps allowed: a missing day is unknown) into the minute states of
 * [from, to). Throws on a file that does not add up (a run of an unknown state, the wrong length).
 */
export function joinMinutes(
  days: readonly MinutesJson[],
  from: Date,
  to: Date,
): { minuteStates: MinuteStates; monitoringSince?: Date } {
  const start = from.getTime();
  const length = Math.max(0, Math.round((to.getTime() - start) / MINUTE_MS));
  const states = new Uint8Array(length);
  const unresolved: UnresolvedBlock[] = [];
  let monitoringSince: Date | undefined;
  for (const file of days) {
    const dayStart = Date.parse(file.from);
    if (!Number.isFinite(dayStart)) throw new Error(`minutes file ${file.day}: bad "from"`);
    const offset = Math.round((dayStart - start) / MINUTE_MS);
    let index = 0;
    for (const [state, count] of file.runs) {
      if (!STATE_CODES.has(state) || !Number.isInteger(count) || count < 0) {
        throw new Error(`minutes file ${file.day}: bad run [${state}, ${count}]`);
      }
      for (let i = 0; i < count; i++, index++) {
        const at = offset + index;
        if (at >= 0 && at < length) states[at] = state;
      }
    }
    if (index !== Math.round((Date.parse(file.to) - dayStart) / MINUTE_MS)) {
      throw new Error(`minutes file ${file.day}: runs add up to ${index} minutes`);
    }
    for (const block of file.unresolved) {
      const at = offset + block.index;
      // A block cut by the range is dropped: its counts belong to the whole block.
      if (at >= 0 && at + block.length <= length) unresolved.push({ ...block, index: at });
    }
    if (file.monitoringSince) {
      const since = new Date(file.monitoringSince);
      if (since.getTime() >= start && (!monitoringSince || since < monitoringSince)) monitoringSince = since;
    }
  }
  unresolved.sort((a, b) => a.index - b.index);
  return {
    minuteStates: { from: new Date(start), states, unresolved },
    ...(monitoringSince ? { monitoringSince } : {}),
  };
}

/**
 * Where the app's data comes from: the JSON files above or DynamoDB. Both give the report model its
 * input; everything the app shows is built from it.
 */
export interface DashboardSource {
  readonly kind: WebConfig['source'];
  /** The series to show, sorted by device and pin. */
  series(signal?: AbortSignal): Promise<DeviceJson[] | Series[]>;
  /**
   * Minute states of [from, to) (whole minutes) as the report loader gives them. `detail: 'hours'`:
   * counts per hour are enough (the days view), so a source that pays per request may give hourly
   * data (unresolved blocks) where an hour was mixed, instead of reading its minutes.
   */
  minuteStates(
    series: Series,
    range: { from: Date; to: Date; tz: string; now: Date; detail?: MinuteDetail },
    signal?: AbortSignal,
  ): Promise<{ minuteStates: MinuteStates; monitoringSince?: Date }>;
  /** The calendar-subscription URL of the series' outages, when this source has one. */
  calendarUrl(series: Series): string | undefined;
  /**
   * The outage plan for the series; undefined when no schedule is configured. DynamoDB mode has
   * none (no server or published file holds the plan there).
   */
  schedule?(series: Series, signal?: AbortSignal): Promise<ScheduleFileJson | undefined>;
}
