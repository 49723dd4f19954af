#!/usr/bin/env node
/** The status now and a period: totals, days, hours, outages and gaps as a table, JSON, CSV, HTML or iCalendar. */
import { reportCommand } from './cli/commands.js';
import { environment, localTimeZone, outFile, resolveCommon } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { resolvePeriod } from './cli/period.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { openSeriesReader } from './cli/series-check.js';
import { createReport, renderReport } from './report/report.js';
import { writeReportFile } from './report/write-file.js';

await runJob(reportCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const o = cmd.opts();
  const env = environment();
  const tz = localTimeZone(o.tz, env);
  if (cmd.getOptionValueSource('csv') === 'cli' && o.format !== 'csv') throw new UsageError('--csv needs --format csv');
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
  };
  const { report, stats } = await createReport(store, request).catch(timedOut);
  const text = renderReport(report, o.format, { csv: o.csv, colour: o.format === 'table' && terminal && !env.noColor });
  // Atomic: a half-written report never replaces a good one.
  if (out !== undefined) writeReportFile(out, text);
  else process.stdout.write(text);
  log.info(
    { ...stats, source: o.source, format: o.format, from: report.json.from, to: report.json.to, out },
    'report written',
  );
  return EXIT_OK;
});
