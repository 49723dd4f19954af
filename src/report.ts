#!/usr/bin/env node
/** The status now and a period: totals, days, hours, outages and gaps as a table, JSON, CSV, HTML or iCalendar. */
import { reportCommand } from './cli/commands.js';
import { environment, localTimeZone, outFile, resolveCommon, resolveSchedule } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { resolvePeriod } from './cli/period.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { openSeriesReader } from './cli/series-check.js';
import type { ReportPlan } from './report/model.js';
import { createReport, renderReport } from './report/report.js';
import { writeReportFile } from './report/write-file.js';
import { loadPlan, sourceLabel } from './schedule/fetch.js';
import { ScheduleError } from './schedule/sources/index.js';

await runJob(reportCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const o = cmd.opts();
  const env = environment();
  const tz = localTimeZone(o.tz, env);
  if (cmd.getOptionValueSource('csv') === 'cli' && o.format !== 'csv') throw new UsageError('--csv needs --format csv');
  const schedule = resolveSchedule(cmd);
  if (o.format === 'csv' && o.csv === 'schedule' && schedule === undefined) {
    throw new UsageError('--csv schedule needs --schedule SOURCE');
  }
  const period = resolvePeriod(o, tz, job.now);
  // Hours are listed for one local day only (`hours` in the JSON is empty otherwise).
  if (o.format === 'csv' && o.csv === 'hours' && period.kind !== 'day') {
    throw new UsageError('--csv hours needs --day: hours are listed for one local day only');
  }
  const out = outFile(cmd);
  const terminal = out === undefined && process.stdout.isTTY === true;
  if (o.format === 'html' && terminal) {
    throw new UsageError('--format html writes a page: add --out FILE (or redirect stdout)');
  }
  // Fetched on demand (the cache stands in while the source is unreachable); a plan that cannot be read
  // at all is one line and no report: a comparison with nothing would look like "all unplanned".
  let plan: ReportPlan | undefined;
  if (schedule) {
    try {
      const loaded = await loadPlan(schedule, { from: period.from, to: period.to, tz }, job.now);
      plan = { ...loaded, source: sourceLabel(schedule.source) };
    } catch (error) {
      if (error instanceof ScheduleError) throw new Error(`schedule: ${error.message}`);
      throw error;
    }
  }
  const deadline = AbortSignal.timeout(o.timeLimit * 1000);
  const timedOut = (error: unknown): never => {
    throw deadline.aborted ? new Error(`no answer from the store within --time-limit ${o.timeLimit} s`) : error;
  };
  // A mistyped device, pin or mode is said before anything is written (the log included).
  const store = job.closeLater(await openSeriesReader('report', config, deadline).catch(timedOut));
  const log = job.logger(config);
  const request = {
    line: config.series,
    mode: config.mode,
    period,
    source: o.source,
    now: job.now,
    mergeGap: o.mergeGap,
    ...(plan ? { plan } : {}),
  };
  const { report, stats } = await createReport(store, request).catch(timedOut);
  const text = renderReport(report, o.format, { csv: o.csv, colour: o.format === 'table' && terminal && !env.noColor });
  // Atomic: a half-written report never replaces a good one.
  if (out !== undefined) writeReportFile(out, text);
  else process.stdout.write(text);
  if (plan?.staleReason) {
    log.warn(
      { reason: plan.staleReason, fetchedAt: plan.fetchedAt },
      'schedule source unreachable; the cached plan was used',
    );
  }
  log.info(
    { ...stats, source: o.source, format: o.format, from: report.json.from, to: report.json.to, out },
    'report written',
  );
  return EXIT_OK;
});
