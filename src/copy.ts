#!/usr/bin/env node
/** Copies a date range of minutes, hours and days between stores (SQLite ⇄ DynamoDB). */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_OK, loggerFor, resolveCommon, runCli } from './cli/common.js';
import { parseChoice, parseUtcRange, UsageError } from './domain/validate.js';
import { copyRange } from './pipeline/copy.js';
import { openStore, sqliteFile } from './stores/open-store.js';
import { STORE_KINDS } from './stores/store.js';

const command = addCommonOptions(new Command())
  .description('Copy minutes, hours and days of a date range from the --store to the --target store.')
  .addOption(new Option('--target <kind>', 'store to copy into: sqlite or dynamodb').makeOptionMandatory())
  .addOption(new Option('--target-db <file>', 'SQLite file of the target (default data/<mode>.sqlite)'))
  .addOption(new Option('--target-endpoint <url>', 'DynamoDB endpoint of the target'))
  .addOption(new Option('--target-region <region>', 'AWS region of the target'))
  .addOption(new Option('--from <date>', 'first UTC date (or ISO time)').makeOptionMandatory())
  .addOption(new Option('--to <date>', 'last UTC date, included (or ISO time, excluded)').makeOptionMandatory())
  .addHelpText(
    'after',
    `
Examples:
  blackout-copy alex_rpi 4 prod --target dynamodb --from 2025-01-01 --to 2025-12-31   move a local history to AWS
  blackout-copy alex_rpi 4 prod --store dynamodb --target sqlite --from 2025-06-01 --to 2025-06-30`,
  );

await runCli('copy', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const opts = cmd.opts<{
    target: string;
    targetDb?: string;
    targetEndpoint?: string;
    targetRegion?: string;
    from: string;
    to: string;
  }>();
  const targetKind = parseChoice(opts.target, STORE_KINDS, '--target');
  const { from, to } = parseUtcRange(opts.from, opts.to);
  const targetConfig = {
    store: targetKind,
    mode: config.mode,
    ...(opts.targetDb ? { db: opts.targetDb } : {}),
    ...(opts.targetEndpoint ? { endpoint: opts.targetEndpoint } : {}),
    ...(opts.targetRegion ? { region: opts.targetRegion } : {}),
  };
  if (targetKind === config.store && (targetConfig.db ?? '') === (config.db ?? '') && targetKind === 'sqlite') {
    throw new UsageError('--target is the same SQLite file as the source; give --target-db');
  }
  // Opening a SQLite file creates it: a mistyped source path must not look like an empty history.
  if (config.store === 'sqlite' && !existsSync(sqliteFile(config))) {
    throw new UsageError(`invalid --db: no database at ${sqliteFile(config)} to copy from`);
  }
  const log = loggerFor('copy', config);
  const source = await openStore(config, { access: 'read' });
  const target = await openStore(targetConfig);
  try {
    const summary = await copyRange(source, target, config.series, { from, to }, log);
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
  } finally {
    await source.close();
    await target.close();
  }
});
