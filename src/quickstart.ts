#!/usr/bin/env node
/**
 * `npm start` on a fresh clone: no Pi, no AWS. Records three simulated days through the real path
 * (simulated sensor → buffer → SQLite), aggregates them and prints what was recorded.
 */
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_OK, loggerFor, resolveCommon, runCli } from './cli/common.js';
import { parsePositiveInt } from './domain/validate.js';
import { addLocalDays, formatLocalDate, startOfLocalDay, systemTimeZone } from './domain/zone.js';
import { aggregate } from './pipeline/aggregate.js';
import { simulateHistory } from './pipeline/simulate-history.js';
import { terminalReport } from './report/report.js';
import { SimulatedSensor, simulatedMonitorDown } from './sensors/simulated-sensor.js';
import { openStore, sqliteFile } from './stores/open-store.js';
import { FileBuffer } from './utils/buffer.js';
import { logFileFor } from './utils/log.js';

const command = addCommonOptions(new Command())
  .description('Quick start: record simulated days through the real pipeline into the local store and show them.')
  .addOption(new Option('--days <n>', 'how many whole local days before today to simulate').default('3'));

await runCli('quickstart', command, async (cmd) => {
  // The demo gets its own device and mode so it never mixes with real readings.
  if (!cmd.getOptionValueSource('device') && !cmd.processedArgs[0]) cmd.setOptionValue('device', 'demo');
  if (!cmd.getOptionValueSource('mode') && !cmd.processedArgs[2]) cmd.setOptionValue('mode', 'demo');
  const config = resolveCommon(cmd);
  const days = parsePositiveInt(cmd.opts<{ days: string }>().days, '--days', 366);
  const log = loggerFor('quickstart', config);
  // Whole local days, so the report shows whole days; the readings themselves depend only on the minute.
  const tz = systemTimeZone(process.env.TZ);
  const today = formatLocalDate(new Date(), tz);
  const to = startOfLocalDay(today, tz);
  const from = startOfLocalDay(addLocalDays(today, -days), tz);
  const store = await openStore(config);
  try {
    const recorded = await simulateHistory({
      series: config.series,
      sensor: new SimulatedSensor(),
      buffer: new FileBuffer(config.bufferDir, config.mode),
      store,
      log,
      from,
      to,
      monitorDown: simulatedMonitorDown,
    });
    const summary = await aggregate(store, config.series, log);
    const out = process.stdout;
    out.write(
      `Simulated ${recorded.minutes} minutes (${addLocalDays(today, -days)} to ${addLocalDays(today, -1)}, ${tz}) ` +
        `for device "${config.series.device}" pin ${config.series.pin}: ${recorded.flush.stored} new readings stored, ` +
        `${recorded.flush.duplicates} already there; aggregated ${summary.hours} hours and ${summary.days} days.\n\n`,
    );
    // The same terminal report `blackout-report` prints, for the simulated days in the local zone.
    out.write(
      await terminalReport(store, {
        line: config.series,
        mode: config.mode,
        period: { kind: 'range', from, to, tz },
        now: new Date(),
        colour: out.isTTY === true && process.env.NO_COLOR === undefined,
      }),
    );
    out.write(
      `\nData: ${config.store === 'sqlite' ? sqliteFile(config) : config.store}\n` +
        `Logs: ${logFileFor(config.logDir, new Date())}\n` +
        `HTML report (a single file; open it in a browser or upload it to an S3 bucket):\n` +
        `  node dist/report.js ${config.series.device} ${config.series.pin} ${config.mode}` +
        `${config.store === 'sqlite' ? ` --db ${sqliteFile(config)}` : ` --store ${config.store}`}` +
        ` --from ${from.toISOString().replace('.000Z', 'Z')} --to ${to.toISOString().replace('.000Z', 'Z')}` +
        ` --tz ${tz} --format html --out report.html\n`,
    );
    return EXIT_OK;
  } finally {
    await store.close();
  }
});
