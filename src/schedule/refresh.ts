/**
 * The hourly job's part: fetch the schedule into its cache, so a report made while the internet is
 * down (it goes with the power) still has a recent plan. A failure is a warning, never the job's.
 */

import { messageOf } from '../utils/errors.js';
import type { Logger } from '../utils/log.js';
import { isUrl, loadPlan, type ScheduleSettings, sourceLabel } from './fetch.js';

/** The plan is read for the next two days around now: enough to check that it parses. */
const CHECK_SPAN_MS = 2 * 86_400_000;

export async function refreshScheduleCache(settings: ScheduleSettings, now: Date, log: Logger): Promise<void> {
  if (!isUrl(settings.source)) return;
  try {
    const loaded = await loadPlan(
      settings,
      { from: new Date(now.getTime() - CHECK_SPAN_MS), to: new Date(now.getTime() + CHECK_SPAN_MS), tz: 'UTC' },
      now,
    );
    if (loaded.staleReason) {
      log.warn(
        { source: sourceLabel(settings.source), reason: loaded.staleReason, cachedAt: loaded.fetchedAt },
        'schedule not refreshed; the cached copy stays',
      );
    }
  } catch (error) {
    log.warn({ source: sourceLabel(settings.source), reason: messageOf(error) }, 'schedule not refreshed');
  }
}
