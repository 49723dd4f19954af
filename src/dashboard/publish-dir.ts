/**
 * `--publish-dir` of read-pin and aggregate: after the run's own work, refresh a published folder from
 * the store, within what is left of the run's time. Never throws: a folder that cannot be written, a
 * store that does not answer in time, is a warning in the log and leaves the run's outcome alone.
 */
import type { Series } from '../domain/keys.js';
import type { MinuteRecord } from '../domain/records.js';
import { parseTimestamp } from '../domain/time.js';
import type { ScheduleSettings } from '../schedule/fetch.js';
import { openStore, type StoreConfig } from '../stores/open-store.js';
import { messageOf } from '../utils/errors.js';
import type { Logger } from '../utils/log.js';
import { DEFAULT_PUBLISH_DAYS } from './contract.js';
import { daysAfterReading, readWebApp, updatePublished } from './publish.js';

export interface PublishDirSettings {
  dir: string;
  /** The built web app (dist/web of the installation). */
  webDir: string;
  /** The zone of a new folder's config.json. */
  tz: string;
  store: StoreConfig;
  series: Series;
  /** The outage schedule whose cached plan aggregate's refresh writes into api/schedule/. */
  schedule?: ScheduleSettings;
}

export interface PublishDirRun {
  now: Date;
  /** UTC days whose minute files to refresh. */
  days: readonly string[];
  calendar?: boolean;
  keepDays?: number;
  /** Also write the schedule file (when the settings have a schedule). */
  schedule?: boolean;
  /** No store call starts after this (ms since the epoch); one under way is cancelled. */
  deadline: number;
}

export async function refreshPublishDir(settings: PublishDirSettings, run: PublishDirRun, log: Logger): Promise<void> {
  const remaining = run.deadline - Date.now();
  if (remaining <= 0) {
    log.warn({ publishDir: settings.dir }, 'no time left in this run to refresh the published folder; next run');
    return;
  }
  try {
    const app = readWebApp(settings.webDir);
    if (!app)
      log.warn({ webDir: settings.webDir }, 'the web app is not built (run npm run build): publishing the data only');
    const store = await openStore(settings.store, { access: 'read', signal: AbortSignal.timeout(remaining) });
    try {
      const summary = await updatePublished({
        store,
        dir: settings.dir,
        app,
        mode: settings.store.mode,
        series: settings.series,
        now: run.now,
        tz: settings.tz,
        days: run.days,
        ...(run.calendar !== undefined ? { calendar: run.calendar } : {}),
        ...(run.keepDays !== undefined ? { keepDays: run.keepDays } : {}),
        ...(run.schedule && settings.schedule ? { schedule: settings.schedule } : {}),
      });
      log.info(
        {
          publishDir: settings.dir,
          written: summary.written.length,
          unchanged: summary.unchanged,
          removed: summary.removed.length,
        },
        'published folder refreshed',
      );
    } finally {
      await store.close().catch(() => undefined);
    }
  } catch (error) {
    log.warn({ err: error, publishDir: settings.dir }, `could not refresh the published folder: ${messageOf(error)}`);
  }
}

/** read-pin's refresh: devices, the status and the minutes of today (and of the reading's day). */
export function refreshAfterReading(
  settings: PublishDirSettings,
  record: MinuteRecord | undefined,
  deadline: number,
  log: Logger,
): Promise<void> {
  const now = new Date();
  const days = daysAfterReading(now, record ? parseTimestamp(record.ts) : undefined);
  return refreshPublishDir(settings, { now, days, deadline }, log);
}

/**
 * aggregate's refresh: the days it rolled up, the calendar, the status and the schedule file (the
 * plan it has just fetched); minute files past 32 days go.
 */
export function refreshAfterAggregation(
  settings: PublishDirSettings,
  days: readonly string[],
  deadline: number,
  log: Logger,
): Promise<void> {
  return refreshPublishDir(
    settings,
    { now: new Date(), days, calendar: true, keepDays: DEFAULT_PUBLISH_DAYS, schedule: true, deadline },
    log,
  );
}
