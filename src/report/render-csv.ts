/** `--format csv`: per-day rows by default; `--csv hours|outages|gaps` for the other lists. */
import type { Report } from './model.js';

export type CsvTable = 'days' | 'hours' | 'outages' | 'gaps';
export const CSV_TABLES: readonly CsvTable[] = ['days', 'hours', 'outages', 'gaps'];

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
        ['date', 'start', 'end', 'minutes', 'on', 'off', 'unknown', 'pending'],
        json.days.map((d) => [d.date, d.start, d.end, d.minutes, d.on, d.off, d.unknown, d.pending]),
      );
    case 'hours':
      return lines(
        ['hour', 'start', 'end', 'on', 'off', 'unknown', 'pending'],
        json.hours.map((h) => [h.hour, h.start, h.end, h.on, h.off, h.unknown, h.pending]),
      );
    case 'outages':
      return lines(
        ['start', 'end', 'minutes', 'start_uncertain', 'end_uncertain'],
        json.outages.map((o) => [o.start, o.end, o.minutes, o.startUncertain, o.endUncertain]),
      );
    case 'gaps':
      return lines(
        ['start', 'end', 'minutes'],
        json.gaps.map((g) => [g.start, g.end, g.minutes]),
      );
  }
}
