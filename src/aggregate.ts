#!/usr/bin/env node
/** Hourly from cron: roll new minute readings up into hours and days. */
import { aggregateCommand } from './cli/commands.js';
import { publishDirSettings, resolveCommon, resolveSchedule } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { parseUtcRange } from './cli/period.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { openSeriesReader } from './cli/series-check.js';
import { aggregate } from './pipeline/aggregate.js';
import { refreshScheduleCache } from './schedule/refresh.js';
import { openStore } from './stores/open-store.js';
import { isTransientStoreError } from './stores/store-errors.js';
import { FileBuffer } from './utils/buffer.js';
import { messageOf } from './utils/errors.js';
import { tryLock } from './utils/lock.js';

await runJob(aggregateCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const schedule = resolveSchedule(cmd);
  const { from, to, timeLimit } = cmd.opts();
  if ((from === undefined) !== (to === undefined)) throw new UsageError('--from and --to go together');
  const range = from !== undefined && to !== undefined ? parseUtcRange(from, to) : undefined;
  const publishDir = publishDirSettings(cmd, config, import.meta.url, schedule);
  // A backfill of a series the store never saw is a mistyped device, pin or mode: said before the
  // log, the lock or the database are created. (The hourly run just finds nothing pending.)
  if (range) await (await openSeriesReader('aggregate', config, AbortSignal.timeout(timeLimit * 1000))).close();
  const log = job.logger(config);
  // One aggregation per mode at a time; a second one leaves the work to the one running.
  // A holder past twice the time limit is stuck, whatever its pid says: taken over.
  const lockPath = new FileBuffer(config.bufferDir, config.mode).lockPath('aggregate');
  const attempt = tryLock(lockPath, { maxHoldMs: 2 * timeLimit * 1000 });
  if (!attempt.acquired) {
    if (range) throw new Error('another aggregate run holds the lock; run the backfill again later');
    log.info({ holder: attempt.holder }, 'another aggregate run holds the lock; leaving the work to it');
    return EXIT_OK;
  }
  const { lock } = attempt;
  job.closeLater({ close: () => lock.release() });
  if (lock.tookOverFrom) log.warn({ staleHolder: lock.tookOverFrom }, 'took over the aggregate lock of a dead run');
  const deadline = AbortSignal.timeout(timeLimit * 1000);
  const started = Date.now();
  const aggregatedDays = new Set<string>();
  try {
    const store = job.closeLater(await openStore(config, { signal: deadline }));
    const summary = await aggregate(store, config.series, log, {
      ...(range ? { range } : {}),
      onDaysWritten: (days) => {
        for (const day of days) aggregatedDays.add(day);
      },
    });
    log.info({ ...summary, store: store.location }, 'aggregation done');
    // Hourly, so the report has a recent plan when the internet goes down with the power.
    if (schedule && !range) await refreshScheduleCache(schedule, job.now, log);
    if (publishDir) {
      // The days rolled up now come from the hours items: their files, the calendar and the status.
      const { refreshAfterAggregation } = await import('./dashboard/publish-dir.js');
      await refreshAfterAggregation(publishDir, [...aggregatedDays], started + timeLimit * 1000, log);
    }
    return EXIT_OK;
  } catch (error) {
    // A passing store fault loses nothing: the minutes stay pending and the next run catches up.
    if ((!isTransientStoreError(error) && !deadline.aborted) || range) {
      const reason = deadline.aborted
        ? `no answer from the store within --time-limit ${timeLimit} s`
        : messageOf(error);
      // Not wrapped with `cause`: the log's error line would repeat the cause's message.
      throw new Error(`aggregation failed: ${reason}`);
    }
    if (deadline.aborted) {
      // Whole days are rolled up at a time: what was not reached stays pending, nothing half-done.
      log.warn(
        { timeLimitSeconds: timeLimit },
        'time limit reached; the rest of the aggregation is left for the next run',
      );
      return EXIT_OK;
    }
    log.warn({ err: error }, 'store unreachable; aggregation left for the next run');
    return EXIT_OK;
  }
});
