#!/usr/bin/env node
/** Hourly from cron: roll new minute readings up into hours and days. */
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_FAILURE, EXIT_OK, loggerFor, resolveCommon, runCli } from './cli/common.js';
import { parseUtcRange } from './cli/period.js';
import { UsageError } from './domain/validate.js';
import { aggregate } from './pipeline/aggregate.js';
import { openStore } from './stores/open-store.js';
import type { Store } from './stores/store.js';
import { isTransientStoreError } from './stores/store-errors.js';
import { FileBuffer } from './utils/buffer.js';
import { tryLock } from './utils/lock.js';

const command = addCommonOptions(new Command())
  .description('Aggregate pending minute readings into hours and days (or recompute a date range).')
  .addOption(new Option('--from <date>', 'backfill: recompute from this UTC date or ISO time, regardless of status'))
  .addOption(new Option('--to <date>', 'backfill: up to and including this UTC date (or up to this ISO time)'))
  .addHelpText(
    'after',
    `
Exit codes: 0 done (or nothing to do: another run holds the lock, or the store is briefly
            unreachable and the minutes stay pending for the next run),
            1 runtime failure (see the log; a backfill that could not run), 2 usage error.
Examples:
  blackout-aggregate alex_rpi 4 prod                          as the Python version's cron line
  blackout-aggregate --from 2025-06-01 --to 2025-06-30        recompute June from the minute data`,
  );

await runCli('aggregate', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const opts = cmd.opts<{ from?: string; to?: string }>();
  if ((opts.from === undefined) !== (opts.to === undefined)) throw new UsageError('--from and --to go together');
  const range = opts.from !== undefined && opts.to !== undefined ? parseUtcRange(opts.from, opts.to) : undefined;
  const log = loggerFor('aggregate', config);
  // One aggregation per mode at a time; a second one leaves the work to the one running.
  const attempt = tryLock(new FileBuffer(config.bufferDir, config.mode).lockPath('aggregate'));
  if (!attempt.acquired) {
    if (range) {
      log.error({ holder: attempt.holder }, 'another aggregate run holds the lock; run the backfill again later');
      return EXIT_FAILURE;
    }
    log.info({ holder: attempt.holder }, 'another aggregate run holds the lock; leaving the work to it');
    return EXIT_OK;
  }
  const { lock } = attempt;
  if (lock.tookOverFrom) log.warn({ staleHolder: lock.tookOverFrom }, 'took over the aggregate lock of a dead run');
  let store: Store | undefined;
  try {
    store = await openStore(config);
    const summary = await aggregate(store, config.series, log, range ? { range } : {});
    log.info({ ...summary, store: store.location }, 'aggregation done');
    return EXIT_OK;
  } catch (error) {
    // A passing store fault loses nothing: the minutes stay pending and the next run catches up.
    if (isTransientStoreError(error) && !range) {
      log.warn({ err: error }, `store unreachable; aggregation left for the next run: ${(error as Error).message}`);
      return EXIT_OK;
    }
    log.error({ err: error }, `aggregation failed: ${(error as Error).message}`);
    return EXIT_FAILURE;
  } finally {
    await store?.close().catch(() => undefined);
    lock.release();
  }
});
