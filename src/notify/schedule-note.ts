/**
 * `--notify-unplanned`: what the outage schedule says of an outage as it begins, for its message.
 * Read from the plan on this machine only (a file, or the copy blackout-aggregate cached): the minute
 * job never waits on the network. A missing, stale or unreadable plan, or a time it does not speak
 * for, gives no note at all: the message then says nothing about the schedule rather than guess.
 * Loaded by read-pin only when an outage begins (the calendar parser is no cost to other minutes).
 */
import { judgeOutage } from '../domain/schedule.js';
import { DAY_MS, MINUTE_MS } from '../domain/time.js';
import { readCachedPlan, type ScheduleSettings } from '../schedule/fetch.js';
import type { Logger } from '../utils/log.js';
import type { ScheduleNote } from './messages.js';

/** The note for an outage that began at `start`; undefined when the plan cannot say. */
export function scheduleNote(
  settings: ScheduleSettings,
  start: Date,
  context: { now: Date; tz: string; log: Logger },
): ScheduleNote | undefined {
  const cached = readCachedPlan(
    settings,
    { from: new Date(start.getTime() - DAY_MS), to: new Date(start.getTime() + DAY_MS), tz: context.tz },
    context.now,
  );
  if (!cached.ok) {
    context.log.info({ reason: cached.reason }, 'outage message says nothing about the schedule');
    return undefined;
  }
  // The outage has just begun: its first minute is what is judged.
  const verdict = judgeOutage({ start, end: new Date(start.getTime() + MINUTE_MS) }, cached.loaded.plan);
  const group = settings.group ?? null;
  if (verdict.match === 'noPlan') {
    context.log.info({ start }, 'the schedule does not cover the start of this outage; its message says nothing of it');
    return undefined;
  }
  return {
    group,
    window:
      verdict.match === 'planned'
        ? { start: verdict.window.start.toISOString(), end: verdict.window.end.toISOString() }
        : null,
  };
}
