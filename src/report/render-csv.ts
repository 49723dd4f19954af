/**
 * `--format csv`: per-day rows by default; `--csv hours|outages|gaps|status` for the other lists.
 * New columns are added at the end, so a sheet that reads columns by position keeps working.
 */
import type { Report } from './model.js';

export type CsvTable = 'days' | 'hours' | 'outages' | 'gaps' | 'status';
export const CSV_TABLES: readonly CsvTable[] = ['days', 'hours', 'outages', 'gaps', 'status'];

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function lines(header: string[], rows: (string | number | boolean | null)[][]): string {
  return `${[header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n')}\n`;
}

export function renderCsv(report: Report, table: CsvTable = 'days'): string {
  const { json } = report;
  switch (table) {
    case 'days':
      return lines(
        ['date', 'start', 'end', 'minutes', 'on', 'off', 'unknown', 'pending', 'not_monitored'],
        json.days.map((d) => [d.date, d.start, d.end, d.minutes, d.on, d.off, d.unknown, d.pending, d.notMonitored]),
      );
    case 'hours':
      return lines(
        ['hour', 'start', 'end', 'on', 'off', 'unknown', 'pending', 'not_monitored'],
        json.hours.map((h) => [h.hour, h.start, h.end, h.on, h.off, h.unknown, h.pending, h.notMonitored]),
      );
    case 'outages':
      return lines(
        ['start', 'end', 'minutes', 'start_uncertain', 'end_uncertain', 'missing_minutes'],
        json.outages.map((o) => [o.start, o.end, o.minutes, o.startUncertain, o.endUncertain, o.missingMinutes]),
      );
    case 'gaps':
      return lines(
        ['start', 'end', 'minutes'],
        json.gaps.map((g) => [g.start, g.end, g.minutes]),
      );
    case 'status': {
      // One row when the period includes now, none otherwise.
      const s = json.status;
      const o = s?.lastOutage;
      return lines(
        [
          'state',
          'since',
          'since_uncertain',
          'minutes',
          'last_reading_at',
          'last_outage_start',
          'last_outage_end',
          'last_outage_minutes',
          'monitoring_since',
        ],
        s
          ? [
              [
                s.state,
                s.since,
                s.sinceUncertain,
                s.minutes,
                s.lastReadingAt,
                o?.start ?? null,
                o?.end ?? null,
                o?.minutes ?? null,
                json.monitoringSince,
              ],
            ]
          : [],
      );
    }
  }
}
