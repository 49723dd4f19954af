#!/usr/bin/env node
/**
 * `npm start` on a fresh clone: no Pi, no AWS. Records three simulated days through the real path
 * (simulated sensor → buffer → SQLite), aggregates them and prints what was recorded.
 */
import { Command, Option } from 'commander';
import { addCommonOptions, EXIT_OK, loggerFor, resolveCommon, runCli } from './cli/common.js';
import { DAY_MS, floorToDay, HOUR_MS } from './domain/time.js';
import { parsePositiveInt } from './domain/validate.js';
import { systemTimeZone } from './domain/zone.js';
import { aggregate } from './pipeline/aggregate.js';
import { simulateHistory } from './pipeline/simulate-history.js';
import { terminalReport } from './report/report.js';
import { SimulatedSensor } from './sensors/simulated-sensor.js';
import { openStore, sqliteFile } from './stores/open-store.js';
import { FileBuffer } from './utils/buffer.js';
import { logFileFor } from './utils/log.js';

const command = addCommonOptions(new Command())
  .description('Quick start: record simulated days through the real pipeline into the local store and show them.')
  .addOption(new Option('--days <n>', 'how many whole UTC days before today to simulate').default('3'));

await runCli('quickstart', command, async (cmd) => {
  // The demo gets its own device and mode so it never mixes with real readings.
  if (!cmd.getOptionValueSource('device') && !cmd.processedArgs[0]) cmd.setOptionValue('device', 'demo');
  if (!cmd.getOptionValueSource('mode') && !cmd.processedArgs[2]) cmd.setOptionValue('mode', 'demo');
  const config = resolveCommon(cmd);
  const days = parsePositiveInt(cmd.opts<{ days: string }>().days, '--days', 366);
  const log = loggerFor('quickstart', config);
  const to = floorToDay(new Date());
  const from = new Date(to.getTime() - days * DAY_MS);
  const store = await openStore(config);
  try {
    // The monitor itself was down for 25 minutes on the first day and for single minutes now and then.
    const firstDay = from.getTime();
    const monitorDown = [
      { from: new Date(firstDay + 14 * HOUR_MS + 10 * 60_000), to: new Date(firstDay + 14 * HOUR_MS + 35 * 60_000) },
      ...[7, 31, 53].map((hour) => ({
        from: new Date(firstDay + hour * HOUR_MS + 17 * 60_000),
        to: new Date(firstDay + hour * HOUR_MS + 18 * 60_000),
      })),
    ];
    const recorded = await simulateHistory({
      series: config.series,
      sensor: new SimulatedSensor(),
      buffer: new FileBuffer(config.bufferDir, config.mode),
      store,
      log,
      from,
      to,
      monitorDown,
    });
    const summary = await aggregate(store, config.series, log);
    const out = process.stdout;
    out.write(
      `Simulated ${recorded.minutes} minutes (${from.toISOString().slice(0, 10)} to ${new Date(to.getTime() - 1).toISOString().slice(0, 10)} UTC) ` +
        `for device "${config.series.device}" pin ${config.series.pin}: ${recorded.flush.stored} new readings stored, ` +
        `${recorded.flush.duplicates} already there; aggregated ${summary.hours} hours and ${summary.days} days.\n\n`,
    );
    // The same terminal report `blackout-report` prints, for the simulated days in the local zone.
    const tz = systemTimeZone(process.env.TZ);
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
