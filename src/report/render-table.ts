/**
 * `--format table`: one line per local day with a timeline of one block character per local hour,
 * then totals, the outage list and the gaps. Colour only when asked (a TTY without NO_COLOR).
 */
import { formatDuration } from '../domain/format.js';
import type { StateCounts } from '../domain/outages.js';
import {
  HAPPENED_SHARE,
  MATCH_SLACK_MINUTES,
  PARTLY_SHARE,
  type PlanTotals,
  type WindowStatus,
} from '../domain/schedule.js';
import { formatClock, formatLocalDate } from '../domain/zone.js';
import { formatShare, hourCells, type Report, type ScheduleJson } from './model.js';
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

const WINDOW_WORDS: Record<WindowStatus, string> = {
  happened: 'happened',
  partly: 'partly',
  notAtAll: 'not at all',
  unknown: 'no reading',
  inProgress: 'in progress',
  upcoming: 'upcoming',
};

/** `+12 min`, `-5 min`, `–` (signed: before or after the plan). */
function delay(minutes: number | null): string {
  if (minutes === null) return '–';
  const rounded = Math.round(minutes);
  return `${rounded > 0 ? '+' : rounded < 0 ? '-' : '±'}${formatDuration(Math.abs(rounded))}`;
}

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
  if (json.schedule) out.push('', ...scheduleLines(json.schedule));
  return `${out.join('\n')}\n`;

  function scheduleLines(plan: ScheduleJson): string[] {
    const when = (isoText: string): string => {
      const d = new Date(isoText);
      return `${formatLocalDate(d, tz)} ${formatClock(d, tz)}`;
    };
    const lines = [
      `Schedule: group ${plan.group} (${plan.format}, ${plan.source}), as of ${when(plan.fetchedAt)}${plan.updatedAt ? `, updated ${when(plan.updatedAt)}` : ''}`,
    ];
    if (plan.staleReason) lines.push(`  The plan may be stale: cached copy used (${plan.staleReason}).`);
    for (const note of plan.notes) lines.push(`  ${note}`);
    const head = ['planned', 'planned OFF', 'OFF', 'unplanned', 'plan happened', 'start delay'];
    lines.push(`${'day'.padEnd(10)}  ${head.map((h) => h.padStart(Math.max(h.length, 7))).join('  ')}`);
    const row = (label: string, t: PlanTotals): string =>
      `${label.padEnd(10)}  ${[hm(t.plannedMinutes), hm(t.plannedOffMinutes), hm(t.offMinutes), hm(t.unplannedOffMinutes), formatShare(t.planShare), delay(t.averageStartDelayMinutes)].map((v, i) => v.padStart(Math.max(7, head[i]?.length ?? 7))).join('  ')}`;
    for (const d of plan.days) lines.push(row(d.date, d));
    lines.push(row('period', plan.totals));
    if (plan.windows.length > 0) {
      lines.push('', 'Planned windows:');
      for (const w of plan.windows) {
        const edges = [
          w.startDelayMinutes !== null && `started ${delay(w.startDelayMinutes)}`,
          w.endDifferenceMinutes !== null && `ended ${delay(w.endDifferenceMinutes)}`,
        ].filter(Boolean);
        lines.push(
          `  ${span(w.start, w.end)}  ${(w.possible ? `possible, ${WINDOW_WORDS[w.status]}` : WINDOW_WORDS[w.status]).padEnd(12)}${edges.length > 0 ? `  ${edges.join(', ')}` : ''}`.trimEnd(),
        );
      }
    }
    const outside = plan.outages.filter((o) => o.match !== 'planned');
    if (outside.length > 0) {
      lines.push('', 'Outages not in the schedule:');
      for (const o of outside) {
        lines.push(`  ${span(o.start, o.end)}  ${o.match === 'unplanned' ? 'unplanned' : 'no plan for that time'}`);
      }
    }
    lines.push(
      `A planned outage overlaps a window (±${MATCH_SLACK_MINUTES} min); a window happened when ≥ ${HAPPENED_SHARE * 100}% of its known minutes were OFF, partly ≥ ${PARTLY_SHARE * 100}%.`,
    );
    return lines;
  }

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
    return json.outages.map((o, i) => {
      const uncertain = o.startUncertain || o.endUncertain;
      const notes = [
        o.startUncertain && 'start uncertain',
        o.endUncertain && 'end uncertain',
        o.missingMinutes > 0 && `${formatDuration(o.missingMinutes)} without reading inside`,
      ].filter(Boolean);
      const match = json.schedule?.outages[i]?.match;
      const plan = match === undefined ? '' : `  [${match === 'noPlan' ? 'no plan' : match}]`;
      return `  ${span(o.start, o.end)}  ${formatDuration(o.minutes, { atLeast: uncertain }).padStart(12)}${notes.length > 0 ? `  (${notes.join(', ')})` : ''}${plan}`;
    });
  }
}
