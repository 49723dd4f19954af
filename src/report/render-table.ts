/**
 * `--format table`: one line per local day with a timeline of one block character per local hour,
 * then totals, the outage list and the gaps. Colour only when asked (a TTY without NO_COLOR).
 */
import { formatDuration } from '../domain/format.js';
import type { StateCounts } from '../domain/outages.js';
import { formatClock, formatLocalDate } from '../domain/zone.js';
import { formatShare, hourCells, type Report } from './model.js';
import { monitoringLine, periodWords, statusLine } from './words.js';

type Tone = 'on' | 'off' | 'mixed' | 'unknown' | 'pending';

const COLOURS: Record<Tone, string> = {
  on: '\u001b[32m',
  off: '\u001b[31m',
  mixed: '\u001b[33m',
  unknown: '\u001b[90m',
  pending: '\u001b[2m',
};
const RESET = '\u001b[0m';

/** The character for one local hour (minutes before monitoring began are left out, like pending ones). */
function hourGlyph(c: Omit<StateCounts, 'notMonitored'>): { glyph: string; tone: Tone } {
  const recorded = c.on + c.off + c.unknown;
  if (recorded === 0) return { glyph: ' ', tone: 'pending' };
  if (c.off > 0) return c.on === 0 && c.unknown === 0 ? { glyph: '░', tone: 'off' } : { glyph: '▒', tone: 'mixed' };
  if (c.unknown === recorded) return { glyph: '·', tone: 'unknown' };
  if (c.unknown > 0) return { glyph: '▄', tone: 'unknown' };
  return { glyph: '█', tone: 'on' };
}

const hm = (minutes: number): string => formatDuration(minutes, { style: 'clock' });

export function renderTable(report: Report, options: { colour: boolean }): string {
  const { json, tz } = report;
  const paint = (tone: Tone, text: string): string => (options.colour ? `${COLOURS[tone]}${text}${RESET}` : text);
  const out: string[] = [];
  out.push(
    `Power report for ${json.device} pin ${json.pin} (${json.mode}) · ${periodWords(report)} · source ${json.source}`,
  );
  const status = statusLine(report);
  if (status) {
    const tone: Tone = report.status?.state === 'on' ? 'on' : report.status?.state === 'off' ? 'off' : 'unknown';
    out.push(paint(tone, status));
  }
  const monitoring = monitoringLine(report);
  if (monitoring) out.push(monitoring);
  out.push(
    '',
    `${'day'.padEnd(10)}  ${'0     6     12    18   '.padEnd(25)}  ${'ON %'.padStart(6)}  ${'OFF h'.padStart(6)}  ${'unknown'.padStart(7)}  outages`,
  );
  const outagesByDay = new Map<string, number>();
  for (const o of json.outages) {
    const date = o.start.slice(0, 10);
    outagesByDay.set(date, (outagesByDay.get(date) ?? 0) + 1);
  }
  report.days.forEach((day, i) => {
    const counts = json.days[i];
    if (!counts) return;
    const cells = hourCells(report, day);
    // A day cut by the period starts its timeline at its first hour.
    const lead = cells[0] ? ' '.repeat(Math.min(24, cells[0].hourOfDay)) : '';
    const timeline = cells
      .map((cell) => {
        const { glyph, tone } = hourGlyph(cell.counts);
        return paint(tone, glyph);
      })
      .join('');
    const width = lead.length + cells.length;
    const dst =
      day.last - day.first === 1380 || day.last - day.first === 1500 ? ` ${(day.last - day.first) / 60} h` : '';
    if (counts.notMonitored === day.last - day.first) {
      out.push(`${day.label}  ${' '.repeat(25)}  not monitored${dst}`);
      return;
    }
    out.push(
      `${day.label}  ${lead}${timeline}${' '.repeat(Math.max(0, 25 - width))}  ${formatShare(counts.on + counts.off > 0 ? counts.on / (counts.on + counts.off) : null).padStart(6)}  ${hm(counts.off).padStart(6)}  ${hm(counts.unknown).padStart(7)}  ${String(outagesByDay.get(day.label) ?? 0).padStart(7)}${dst}`,
    );
  });
  if (json.hours.length > 0) {
    // --day: one line per local hour, with an offset where the day has a DST change.
    const offsets = new Set(json.hours.map((h) => h.start.slice(19)));
    // A column for minutes before monitoring began, only on the day it began.
    const notMonitored = json.hours.some((h) => h.notMonitored > 0);
    out.push(
      '',
      `${'hour'.padEnd(offsets.size > 1 ? 11 : 5)}  ${'ON'.padStart(3)}  ${'OFF'.padStart(3)}  unknown  pending${notMonitored ? '  not monitored' : ''}`,
    );
    for (const h of json.hours) {
      const label = offsets.size > 1 ? `${h.hour}${h.start.slice(19)}` : h.hour;
      const { glyph, tone } = hourGlyph(h);
      const column = notMonitored ? `  ${String(h.notMonitored).padStart(13)}` : '';
      out.push(
        `${label}  ${String(h.on).padStart(3)}  ${String(h.off).padStart(3)}  ${String(h.unknown).padStart(7)}  ${String(h.pending).padStart(7)}${column}  ${paint(tone, glyph)}`,
      );
    }
  }
  const t = json.totals;
  out.push(
    '',
    `Totals: ON ${hm(t.on)} h, OFF ${hm(t.off)} h, unknown ${hm(t.unknown)} h, pending ${hm(t.pending)} h${t.notMonitored > 0 ? `, not monitored ${hm(t.notMonitored)} h` : ''}; ON ${formatShare(t.onShare)} of known minutes; ${json.outages.length} outage(s), ${json.gaps.length} gap(s).`,
    `Legend: ${paint('on', '█')} on  ${paint('off', '░')} off  ${paint('mixed', '▒')} partly off  ${paint('unknown', '·')} no reading  ${paint('unknown', '▄')} partly no reading  (one character per local hour)`,
  );
  if (json.outages.some((o) => o.missingMinutes > 0)) {
    out.push(
      `Outages separated by at most ${json.mergeGap} min without a reading are one outage (--merge-gap); their missing minutes count as unknown.`,
    );
  }
  if (json.outages.length > 0) {
    out.push('', 'Outages:');
    out.push(...outageLines());
  }
  if (json.gaps.length > 0) {
    out.push('', 'Gaps (no reading):');
    for (const g of json.gaps) out.push(`  ${span(g.start, g.end)}  ${formatDuration(g.minutes)}`);
  }
  return `${out.join('\n')}\n`;

  function span(startIso: string, endIso: string): string {
    const start = new Date(startIso);
    const end = new Date(endIso);
    const startDate = formatLocalDate(start, tz);
    const endDate = formatLocalDate(end, tz);
    // A clock time of the hour repeated when DST ends carries its offset: `03:30 (+03:00)`.
    const endText = startDate === endDate ? formatClock(end, tz) : `${endDate} ${formatClock(end, tz)}`;
    return `${startDate} ${formatClock(start, tz)} – ${endText.padEnd(16)}`;
  }

  function outageLines(): string[] {
    return json.outages.map((o) => {
      const uncertain = o.startUncertain || o.endUncertain;
      const notes = [
        o.startUncertain && 'start uncertain',
        o.endUncertain && 'end uncertain',
        o.missingMinutes > 0 && `${formatDuration(o.missingMinutes)} without reading inside`,
      ].filter(Boolean);
      return `  ${span(o.start, o.end)}  ${formatDuration(o.minutes, { atLeast: uncertain }).padStart(12)}${notes.length > 0 ? `  (${notes.join(', ')})` : ''}`;
    });
  }
}
