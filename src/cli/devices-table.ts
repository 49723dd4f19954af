/** `blackout-devices` as a table: one line per series, times local to `tz`, and the command that reports one. */

import { parseTimestamp } from '../domain/time.js';
import { formatLocalClock, formatLocalDate } from '../domain/zone.js';
import type { StoreConfig } from '../stores/open-store.js';
import type { SeriesSummary, Store } from '../stores/store.js';
import { commandLine, shownPath, storeArguments } from './command-line.js';
import { HOW_READINGS_GET_THERE } from './series-check.js';

export interface SeriesTableContext {
  store: Store;
  config: StoreConfig;
  tz: string;
}

const localTime = (ts: string, tz: string): string => {
  const at = parseTimestamp(ts);
  return at ? `${formatLocalDate(at, tz)} ${formatLocalClock(at, tz)}` : ts;
};

export function renderSeriesTable(series: readonly SeriesSummary[], context: SeriesTableContext): string {
  const { store, config, tz } = context;
  const where = store.kind === 'sqlite' ? shownPath(store.location) : store.location;
  if (series.length === 0) return `${where} holds no readings yet (${HOW_READINGS_GET_THERE}).\n`;
  const rows = [
    ['device', 'pin', 'first reading', 'last reading', 'readings'],
    ...series.map((s) => [
      s.device,
      String(s.pin),
      localTime(s.firstReading, tz),
      localTime(s.lastReading, tz),
      String(s.readings),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  // Numbers to the right, text to the left.
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 1 || i === 4 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const first = series[0] as SeriesSummary;
  const report = commandLine(['blackout-report', ...storeArguments(config, first)]);
  return (
    `${where} holds ${series.length} series (times in ${tz}):\n\n` +
    `${rows.map(line).join('\n')}\n\n` +
    `Report one: ${report}\n`
  );
}
