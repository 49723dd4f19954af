#!/usr/bin/env node
/** Which device/pin series the store holds: first and last reading and how many, as a table or JSON. */
import { existsSync } from 'node:fs';
import { devicesCommand } from './cli/commands.js';
import { environment, resolveStore } from './cli/config.js';
import { renderSeriesTable } from './cli/devices-table.js';
import { UsageError } from './cli/errors.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { missingDatabase } from './cli/series-check.js';
import { systemTimeZone } from './domain/zone.js';
import { openStore, sqliteFile } from './stores/open-store.js';

await runJob(devicesCommand(), async (cmd, job) => {
  const config = resolveStore(cmd);
  const o = cmd.opts();
  if (config.store === 'sqlite' && !existsSync(sqliteFile(config))) {
    throw new UsageError(await missingDatabase(config, { command: 'devices', perSeries: false }));
  }
  const deadline = AbortSignal.timeout(o.timeLimit * 1000);
  // Only reads, and logs nothing: a mistyped mode leaves no trace.
  const store = job.closeLater(await openStore(config, { access: 'read', signal: deadline }));
  const series = await store.listSeries().catch((error: unknown) => {
    throw deadline.aborted ? new Error(`no answer from the store within --time-limit ${o.timeLimit} s`) : error;
  });
  const tz = o.tz ?? systemTimeZone(environment().tz);
  process.stdout.write(
    o.format === 'json' ? `${JSON.stringify(series, null, 2)}\n` : renderSeriesTable(series, { store, config, tz }),
  );
  return EXIT_OK;
});
