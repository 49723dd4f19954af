#!/usr/bin/env node
/** Statistics for a period: totals, days, hours, outages and gaps as a table, JSON, CSV or an HTML page. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_FAILURE, EXIT_OK, loggerFor, resolveCommon, runCli } from './cli/common.js';
import { type PeriodOptions, parseTimeZone, resolvePeriod } from './domain/period.js';
import { parseChoice, UsageError } from './domain/validate.js';
import { systemTimeZone } from './domain/zone.js';
import { SOURCES } from './report/load.js';
import { CSV_TABLES } from './report/render-csv.js';
import { createReport, FORMATS, renderReport } from './report/report.js';
import { openStore, sqliteFile } from './stores/open-store.js';
import { writeFileAtomic } from './utils/buffer.js';

interface ReportOptions extends PeriodOptions {
  tz?: string;
  source: string;
  format: string;
  csv: string;
  out?: string;
}

const command = addCommonOptions(new Command())
  .description('Report power on/off, outages and gaps for a period, in local time.')
  .addOption(new Option('--day <date>', 'one local day, YYYY-MM-DD (adds per-hour rows)'))
  .addOption(new Option('--month <month>', 'one local month, YYYY-MM'))
  .addOption(new Option('--from <when>', 'start: a date (whole local day) or a date-time (local unless zoned)'))
  .addOption(new Option('--to <when>', 'end: a date is included, a date-time is excluded (default: today / now)'))
  .addOption(new Option('--last <span>', 'the last N hours or local days, e.g. 24h, 7d, 30d (default 7d)'))
  .addOption(new Option('--tz <zone>', 'IANA time zone for days and hours (default: the system zone / TZ)'))
  .addOption(new Option('--source <source>', 'raw, aggregated or auto').default('auto'))
  .addOption(new Option('--format <format>', 'table, json, csv or html').default('table'))
  .addOption(new Option('--csv <list>', 'with --format csv: days, hours, outages or gaps').default('days'))
  .addOption(new Option('--out <file>', 'write to this file instead of stdout (needed for html on a terminal)'))
  .addHelpText(
    'after',
    `
Exit codes: 0 done, 1 failure, 2 usage error.
Examples:
  blackout-report alex_rpi 4 prod                                  the last 7 days as a table
  blackout-report alex_rpi 4 prod --day 2025-10-26 --tz Europe/Kyiv   one (25-hour) day with hours
  blackout-report --month 2025-10 --format html --out october.html     a page to open or upload to S3
  blackout-report --from 2025-10-25 --to 2025-10-27 --format csv --csv outages`,
  );

await runCli('report', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const opts = cmd.opts<ReportOptions>();
  const tz = opts.tz !== undefined ? parseTimeZone(opts.tz) : systemTimeZone(process.env.TZ);
  const source = parseChoice(opts.source, SOURCES, '--source');
  const format = parseChoice(opts.format, FORMATS, '--format');
  const csv = parseChoice(opts.csv, CSV_TABLES, '--csv');
  if (cmd.getOptionValueSource('csv') === 'cli' && format !== 'csv') throw new UsageError('--csv needs --format csv');
  const now = new Date();
  const period = resolvePeriod(opts, tz, now);
  // Hours are listed for one local day only (`hours` in the JSON is empty otherwise).
  if (format === 'csv' && csv === 'hours' && period.kind !== 'day') {
    throw new UsageError('--csv hours needs --day: hours are listed for one local day only');
  }
  const out = opts.out !== undefined ? resolve(opts.out) : undefined;
  if (out !== undefined) {
    const folder = dirname(out);
    if (!existsSync(folder)) {
      throw new UsageError(`invalid --out ${JSON.stringify(opts.out)}: folder ${folder} does not exist`);
    }
    if (!statSync(folder).isDirectory()) {
      throw new UsageError(`invalid --out ${JSON.stringify(opts.out)}: ${folder} is not a folder`);
    }
  }
  if (format === 'html' && out === undefined && process.stdout.isTTY === true) {
    throw new UsageError('--format html writes a page: add --out FILE (or redirect stdout)');
  }
  if (config.store === 'sqlite' && !existsSync(sqliteFile(config))) {
    process.stderr.write(`report: no database at ${sqliteFile(config)} (record readings first, or pass --db)\n`);
    return EXIT_FAILURE;
  }

  const log = loggerFor('report', config);
  const store = await openStore(config, { access: 'read' });
  try {
    const { report, stats } = await createReport(store, {
      line: config.series,
      mode: config.mode,
      period,
      source,
      now,
    });
    const colour =
      format === 'table' && out === undefined && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
    const text = renderReport(report, format, { csv, colour });
    // Atomic: a half-written report never replaces a good one.
    if (out !== undefined) writeOut(out, text);
    else process.stdout.write(text);
    log.info({ ...stats, source, format, from: report.json.from, to: report.json.to, out }, 'report written');
    return EXIT_OK;
  } catch (error) {
    // The logger's stderr stream prints this as the one line `report: <message>` (and it goes to the
    // log file); rethrowing would make runCli print it a second time. That stream adds err.message
    // when the text differs, so a message of several lines is logged as the one-line text.
    const message = oneLine(error instanceof Error ? error.message : String(error));
    const err =
      error instanceof Error && error.message !== message
        ? Object.assign(new Error(message), { stack: error.stack })
        : error;
    log.error({ err }, message);
    return EXIT_FAILURE;
  } finally {
    await store.close().catch(() => undefined);
  }
});

// Function declarations: the top-level `await runCli` above runs before later `const`s are initialised.
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'failed';
}

/** Writes the report to `--out`, with a message that names the file (not the temp file) on failure. */
function writeOut(out: string, text: string): void {
  try {
    writeFileAtomic(out, text);
  } catch (error) {
    // Node's message ends with the syscall and the temp file's name (`…, open '/x/r.html.123.tmp'`): dropped.
    const reason =
      (error as NodeJS.ErrnoException).code === 'EISDIR'
        ? 'it is a folder'
        : (error as Error).message.replace(/, \w+ '.*$/s, '');
    throw new Error(`cannot write --out ${out}: ${reason}`);
  }
}
