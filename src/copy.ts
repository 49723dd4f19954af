#!/usr/bin/env node
/** Copies a date range of minutes, hours and days between stores (SQLite ⇄ DynamoDB). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { copyCommand } from './cli/commands.js';
import { resolveCommon } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { parseUtcRange } from './cli/period.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { openSeriesReader } from './cli/series-check.js';
import { copyRange } from './pipeline/copy.js';
import { openStore, sqliteFile } from './stores/open-store.js';

await runJob(copyCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const o = cmd.opts();
  const range = parseUtcRange(o.from, o.to);
  const targetConfig = {
    store: o.target,
    mode: config.mode,
    ...(o.targetDb ? { db: o.targetDb } : {}),
    ...(o.targetEndpoint ? { endpoint: o.targetEndpoint } : {}),
    ...(o.targetRegion ? { region: o.targetRegion } : {}),
  };
  if (
    o.target === 'sqlite' &&
    config.store === 'sqlite' &&
    resolve(sqliteFile(targetConfig)) === resolve(sqliteFile(config))
  ) {
    throw new UsageError('--target is the same SQLite file as the source; give --target-db');
  }
  // Opening a SQLite file creates it: a mistyped source path must not look like an empty history.
  if (config.store === 'sqlite' && !existsSync(sqliteFile(config))) {
    throw new UsageError(`invalid --db: no database at ${sqliteFile(config)} to copy from`);
  }
  // The source must hold the series: checked before the log, and before the target is created.
  const deadline = AbortSignal.timeout(o.timeLimit * 1000);
  const stopped = (error: unknown): never => {
    if (!deadline.aborted) throw error;
    throw new Error(
      `stopped at --time-limit ${o.timeLimit} s; run it again: what was copied stays, copying twice is a no-op`,
    );
  };
  const source = job.closeLater(await openSeriesReader('copy', config, deadline).catch(stopped));
  const log = job.logger(config);
  const target = job.closeLater(await openStore(targetConfig, { signal: deadline }));
  const summary = await copyRange(source, target, config.series, range, log).catch(stopped);
  log.info({ ...summary, source: source.location, target: target.location }, 'copy done');
  process.stdout.write(
    `Copied ${source.location} → ${target.location}: minutes ${summary.minutes.stored} new, ` +
      `${summary.minutes.duplicates} already there, ${summary.minutes.conflicts} conflicting (kept the target's); ` +
      `${summary.hours} hours, ${summary.days} days` +
      (summary.recomputedHours > 0
        ? `; ${summary.recomputedHours} hour(s) with conflicting minutes recomputed from the target's readings.\n`
        : '.\n'),
  );
  return EXIT_OK;
});
