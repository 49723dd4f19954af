/**
 * Loading + building + rendering, for the `blackout-report` entrypoint and the quick start.
 */
import type { Series } from '../domain/keys.js';
import type { Period } from '../domain/period.js';
import type { Store } from '../stores/store.js';
import { type HourStatesCache, type LoadStats, loadMinuteStates, type Source } from './load.js';
import { buildReport, type Report, type ReportPlan } from './model.js';
import { type CsvTable, renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderIcs } from './render-ics.js';
import { renderJson } from './render-json.js';
import { renderTable } from './render-table.js';

export type Format = 'table' | 'json' | 'csv' | 'html' | 'ics';
export const FORMATS: readonly Format[] = ['table', 'json', 'csv', 'html', 'ics'];

export interface ReportRequest {
  line: Series;
  mode: string;
  period: Period;
  source: Source;
  now: Date;
  /** Join outages across at most this many minutes without a reading (default DEFAULT_MERGE_GAP; 0: never). */
  mergeGap?: number;
  /** The published plan to compare with (--schedule). */
  plan?: ReportPlan;
  /** Complete hours' minute states kept by a long-running reader (load.ts). */
  hourCache?: HourStatesCache;
}

export async function createReport(
  store: Store,
  request: ReportRequest,
): Promise<{ report: Report; stats: LoadStats }> {
  const { minuteStates, stats, monitoringSince } = await loadMinuteStates(store, {
    series: request.line,
    from: request.period.from,
    to: request.period.to,
    tz: request.period.tz,
    source: request.source,
    now: request.now,
    ...(request.hourCache ? { hourCache: request.hourCache } : {}),
  });
  return { report: buildReport({ ...request, minuteStates, monitoringSince }), stats };
}

export function renderReport(
  report: Report,
  format: Format,
  options: { csv?: CsvTable; colour?: boolean } = {},
): string {
  switch (format) {
    case 'table':
      return renderTable(report, { colour: options.colour ?? false });
    case 'json':
      return renderJson(report);
    case 'csv':
      return renderCsv(report, options.csv);
    case 'html':
      return renderHtml(report);
    case 'ics':
      return renderIcs(report);
  }
}

/** The terminal report for [from, to) in `tz`, e.g. for the quick start. */
export async function terminalReport(
  store: Store,
  request: Omit<ReportRequest, 'source'> & { source?: Source; colour?: boolean },
): Promise<string> {
  const { report } = await createReport(store, { ...request, source: request.source ?? 'auto' });
  return renderReport(report, 'table', { colour: request.colour ?? false });
}
