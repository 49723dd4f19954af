/**
 * The quick start: simulated whole local days through the real path (simulated sensor → buffer →
 * store), aggregated, and the text that shows them with where data and logs went.
 */
import { commandLine, storeArguments } from '../cli/command-line.js';
import type { CommonConfig } from '../cli/config.js';
import { addLocalDays, formatLocalDate, startOfLocalDay } from '../domain/zone.js';
import { terminalReport } from '../report/report.js';
import { SimulatedSensor, simulatedMonitorDown } from '../sensors/simulated-sensor.js';
import { sqliteFile } from '../stores/open-store.js';
import type { Store } from '../stores/store.js';
import { FileBuffer } from '../utils/buffer.js';
import { type Logger, logFileFor } from '../utils/log.js';
import { aggregate } from './aggregate.js';
import { simulateHistory } from './simulate-history.js';

export interface QuickstartInput {
  config: CommonConfig;
  store: Store;
  log: Logger;
  /** Whole local days before today. */
  days: number;
  /** The local date the simulated days end before (default: today). */
  today?: string;
  /** The local zone the days are whole in. */
  tz: string;
  colour: boolean;
  now: Date;
}

export async function runQuickstart(input: QuickstartInput): Promise<string> {
  const { config, store, log, days, now } = input;
  // Whole local days, so the report shows whole days; the readings themselves depend only on the minute.
  const { tz } = input;
  const today = input.today ?? formatLocalDate(now, tz);
  const to = startOfLocalDay(today, tz);
  const from = startOfLocalDay(addLocalDays(today, -days), tz);
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
  // What to type next, exactly: the same device, pin, mode and store, the same local days.
  const report = [
    'blackout-report',
    ...storeArguments(config, config.series),
    ...['--from', addLocalDays(today, -days), '--to', addLocalDays(today, -1), '--tz', tz],
  ];
  const next = (words: string[], what: string): string => `  npx ${commandLine(words)}\n      ${what}\n`;
  return (
    `Simulated ${recorded.minutes} minutes (${addLocalDays(today, -days)} to ${addLocalDays(today, -1)}, ${tz}) ` +
    `for device "${config.series.device}" pin ${config.series.pin}: ${recorded.flush.stored} new readings stored, ` +
    `${recorded.flush.duplicates} already there; aggregated ${summary.hours} hours and ${summary.days} days.\n\n` +
    // The same terminal report `blackout-report` prints, for the simulated days in the local zone.
    (await terminalReport(store, {
      line: config.series,
      mode: config.mode,
      period: { kind: 'range', from, to, tz },
      now,
      colour: input.colour,
    })) +
    `\nData: ${config.store === 'sqlite' ? sqliteFile(config) : store.location}\n` +
    `Logs: ${logFileFor(config.logDir, now)}\n` +
    `\nNext (the same device, pin, mode and store):\n` +
    next(report, 'these days again (without --from and --to: the last 7 days)') +
    next(
      [...report, '--format', 'html', '--out', 'report.html'],
      'the same as one HTML file: open it in a browser, or upload it to an S3 bucket',
    ) +
    next(['blackout-devices', ...storeArguments(config)], 'every device and pin the store holds') +
    // Last, so it is what the screen ends with: the one command that opens the dashboard on these data.
    // The simulated days end at midnight: "Power UNKNOWN" on the Now page is the truth, said beforehand.
    `\nThe live dashboard on these data (then open http://127.0.0.1:8080/ in a browser; Ctrl+C stops it).\n` +
    `Its Now page says UNKNOWN: the simulated days ended at midnight, nothing reads the power now.\n` +
    `  npx ${commandLine(['blackout-serve', ...storeArguments(config, config.series), '--tz', tz])}\n`
  );
}
