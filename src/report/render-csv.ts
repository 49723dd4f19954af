/**
 * `--format csv`: per-day rows by default; `--csv hours|outages|gaps|status` for the other lists.
 * New columns are added at the end, so a sheet that reads columns by position keeps working.
 */
import type { Report } from './model.js';

export type CsvTable = 'days' | 'hours' | 'outages' | 'gaps' | 'status' | 'schedule';
export const CSV_TABLES: readonly CsvTable[] = ['days', 'hours', 'outages', 'gaps', 'status', 'schedule'];

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
    case 'schedule': {
      // The planned windows and the outages in one list by start: kind `window` (or `possible_window`)
      // with its status, kind `outage` with planned / unplanned / noPlan.
      const plan = json.schedule;
      const windows = (plan?.windows ?? []).map((w) => ({
        start: w.start,
        row: [
          w.possible ? 'possible_window' : 'window',
          w.start,
          w.end,
          w.minutes,
          w.status,
          w.offMinutes,
          w.unknownMinutes,
          w.startDelayMinutes,
          w.endDifferenceMinutes,
        ],
      }));
      const outages = (plan?.outages ?? []).map((o, i) => {
        const outage = json.outages[i];
        return {
          start: o.start,
          row: [
            'outage',
            o.start,
            o.end,
            outage?.minutes ?? null,
            o.match,
            outage ? outage.minutes - outage.missingMinutes : null,
            outage?.missingMinutes ?? null,
            o.startDelayMinutes,
            o.endDifferenceMinutes,
          ],
        };
      });
      return lines(
        [
          'kind',
          'start',
          'end',
          'minutes',
          'status',
          'off_minutes',
          'unknown_minutes',
          'start_delay_minutes',
          'end_difference_minutes',
        ],
        [...windows, ...outages]
          .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
          .map((r) => r.row as (string | number | boolean | null)[]),
      );
    }
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
