/**
 * `--format html`: one self-contained page (inline CSS, a few lines of inline script, inline SVG, no
 * requests) that opens from file:// or a static S3 bucket and reads on a phone. First the status now
 * (when the period includes it), then: a minute timeline per local day with its numbers, stacked
 * hourly (day view) and daily bars, an hour × day heatmap, and the outage and gap tables.
 *
 * Colours are Okabe–Ito (safe for colour-blind readers) and never carry a meaning alone: OFF is also
 * striped, every state has a label in the legend, and each mark explains itself when tapped.
 */
import { formatDuration, zeroPad } from '../domain/format.js';
import {
  localHours,
  MINUTE,
  type MinuteState,
  type Outage,
  runs,
  STATE_NAMES,
  type UnresolvedBlock,
} from '../domain/outages.js';
import type { PlanTotals } from '../domain/schedule.js';
import { MINUTE_MS } from '../domain/time.js';
import { clockParts, formatClock, formatLocalDate, formatLocalDay, localMinuteOfDay } from '../domain/zone.js';
import { blockKind, formatShare, HEAT_STEPS, type HourCell, heatStep, hourCells, type Report } from './model.js';
import { monitoringLine, outageLength, outageSpan, periodWords, statusWords, when } from './words.js';

const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const STATE_LABEL: Record<string, string> = {
  on: 'power on',
  off: 'power off',
  unknown: 'no reading',
  pending: 'not yet',
  unresolved: 'on and off (hourly data, order unknown)',
  'unresolved-on': 'on, some minutes without reading (hourly data)',
  'unresolved-off': 'off, some minutes without reading (hourly data)',
  notMonitored: 'not monitored (before the first reading)',
};

/**
 * Local `HH:MM` for the outage and gap tables, with the UTC offset when the clock time is ambiguous
 * (the hour repeated when DST ends): `03:30 (+03:00)`, the offset on a line of its own on a phone.
 */
function clock(instant: Date, tz: string): string {
  const { clock: text, offset } = clockParts(instant, tz);
  return offset ? `${text} <span class="offset">(${offset})</span>` : text;
}

const hm = (minutes: number): string => formatDuration(minutes, { style: 'hours' });

// Okabe–Ito: bluish green (on), vermillion (off, also striped), reddish purple (on and off, order
// unknown); greys for no reading and not yet; the heatmap a light-to-dark scale of one hue. The no-reading
// grey is far darker (lighter in dark mode) than the green: with red-green colour blindness the green
// looks grey of a middle lightness, and a middle grey was taken for power on.
const CSS = `
:root{color-scheme:light dark;--label:6.4rem;--bg:#fff;--ink:#1f2328;--muted:#59636e;--line:#d0d7de;
--on:#009e73;--off:#d55e00;--off-stripe:#8a3c00;--unknown:#4a4a4a;--pending:#e9ecef;--unresolved:#cc79a7;
--unresolved-on:#7fcfb9;--unresolved-off:#eaae80;--nm:#f6f8fa;--nm-line:#d0d7de;
--on-tint:#e6f5f0;--on-ink:#00573f;--off-tint:#fbece2;--off-ink:#7a3300;--unknown-tint:#eef0f2;--unknown-ink:#3c4043;
--h0:#d9efe6;--h1:#fdd0a2;--h2:#fdae6b;--h3:#fd8d3c;--h4:#e6550d;--h5:#a63603}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--ink:#e6edf3;--muted:#9aa4ae;--line:#30363d;--unknown:#c3c8ce;
--pending:#262c33;--nm:#161b22;--nm-line:#30363d;--off-stripe:#ffb27a;
--on-tint:#0c2a21;--on-ink:#6fdcb9;--off-tint:#341a08;--off-ink:#ffa566;--unknown-tint:#21262d;--unknown-ink:#c9d1d9;--h0:#1f4136}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.2rem;margin:0 0 2px}
h2{font-size:1.1rem;margin:28px 0 8px}
.sub{color:var(--muted);margin:0 0 10px}
.status{border:2px solid var(--c);border-radius:12px;padding:12px 16px;margin:0 0 18px;background:var(--tint)}
.status p{margin:0}
.status .state{font-size:2rem;line-height:1.15;font-weight:750;color:var(--sink)}
.status .icon{display:inline-block;min-width:1.1em}
.status .detail{font-size:1.25rem;font-weight:600;margin-top:2px}
.status .meta{color:var(--muted);margin-top:6px}
.st-on{--c:var(--on);--tint:var(--on-tint);--sink:var(--on-ink)}
.st-off{--c:var(--off);--tint:var(--off-tint);--sink:var(--off-ink);background:repeating-linear-gradient(-45deg,var(--off-tint) 0 14px,color-mix(in srgb,var(--off) 16%,var(--off-tint)) 14px 20px)}
.st-unknown{--c:var(--unknown);--tint:var(--unknown-tint);--sink:var(--unknown-ink)}
.monitoring{margin:0 0 10px;padding:6px 10px;border-left:4px solid var(--line);color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.card b{display:block;font-size:1.3rem}
.legend{display:flex;flex-wrap:wrap;gap:6px 12px;margin:8px 0;color:var(--muted);font-size:.9rem}
.legend i{display:inline-block;width:14px;height:14px;border-radius:2px;margin-right:4px;vertical-align:-2px;border:1px solid var(--line)}
.on{fill:var(--on);background:var(--on)}
.off{fill:url(#stripes);background:repeating-linear-gradient(180deg,var(--off) 0 3px,var(--off-stripe) 3px 5px)}
.bars .off{fill:url(#stripes-bars)}
.unknown{fill:var(--unknown);background:var(--unknown)}.pending{fill:var(--pending);background:var(--pending)}
.unresolved{fill:var(--unresolved);background:var(--unresolved)}
.unresolved-on{fill:var(--unresolved-on);background:var(--unresolved-on)}
.unresolved-off{fill:var(--unresolved-off);background:var(--unresolved-off)}
.notMonitored{fill:url(#not-monitored);background:repeating-linear-gradient(90deg,var(--nm) 0 4px,var(--nm-line) 4px 5px)}
.days{margin:4px 0}
.day{display:grid;grid-template-columns:var(--label) 1fr;column-gap:8px;align-items:center;margin:0 0 8px}
.day .label{font-variant-numeric:tabular-nums;font-size:.9rem;white-space:nowrap;font-weight:600;line-height:1.2;align-self:start;padding-top:3px}
.day .label b{font-weight:600}
.day .label small{display:block;font-weight:400;color:var(--muted);font-size:.75rem}
.day .nums span{white-space:nowrap}
.day .bar{position:relative;height:24px}
.day .bar svg{width:100%;height:24px;display:block;border-radius:3px}
.day .nums{grid-column:2;font-size:.85rem;color:var(--muted);font-variant-numeric:tabular-nums;line-height:1.3;margin-top:2px}
.day .nums b{color:var(--ink);font-weight:600}
.grid{stroke:var(--bg);stroke-width:1;opacity:.7}
.plan{fill:none;stroke:var(--ink);stroke-width:2}.plan.possible{stroke-dasharray:4 3}
.legend i.plan-key{background:transparent;border:2px solid var(--ink)}
.hit{position:absolute;top:0;height:24px;padding:0;border:0;border-radius:3px;background:transparent;cursor:pointer;
width:max(24px,var(--w));left:clamp(0px,min(var(--s),calc(var(--s) + var(--w) / 2 - 12px)),calc(100% - max(24px,var(--w))))}
.mark{position:absolute;top:0;height:24px;width:3px;margin-left:-1.5px;background:var(--off-stripe);pointer-events:none}
.hit:hover,.hit:focus-visible{outline:2px solid var(--ink);outline-offset:1px}
.axis{display:grid;grid-template-columns:var(--label) 1fr;column-gap:8px;color:var(--muted);font-size:.75rem;margin:0 0 6px}
.ticks{position:relative;height:1.5em;border-top:1px solid var(--line)}
.ticks i{position:absolute;top:-1px;width:1px;height:5px;margin-left:-.5px;background:var(--muted)}
.ticks span{position:absolute;top:4px;transform:translateX(-50%);font-variant-numeric:tabular-nums}
.ticks span.first{transform:none}.ticks span.last{transform:translateX(-100%)}
svg.chart{width:100%;height:auto;display:block}
svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
td.num,th.num{text-align:right}
td small{display:block;color:var(--muted);font-size:.8rem;white-space:normal}
td .offset{color:var(--muted)}
.day .bar svg.heat{border-radius:0;height:24px}
.scale{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center;color:var(--muted);font-size:.85rem;margin:6px 0}
.scale i{display:inline-block;width:22px;height:14px;margin-right:3px;vertical-align:-2px;border:1px solid var(--line)}
#info:empty{display:none}
#info{position:sticky;bottom:0;z-index:1;background:var(--bg);border-top:1px solid var(--line);padding:8px 0;min-height:2em;color:var(--ink)}
summary{cursor:pointer;padding:4px 0}
footer{color:var(--muted);font-size:.8rem;margin-top:24px}
@media (max-width:600px){main{padding:10px}:root{--label:3.6rem}.day .label{font-size:.8rem}.day .label b{display:block}.status .state{font-size:1.7rem}
.status .detail{font-size:1.1rem}svg.bars text{font-size:20px}th,td{padding:4px 5px;font-size:.85rem}td .offset{display:block;font-size:.8rem}}
`;

// Patterns used by the charts: stripes across OFF (in the minute timelines and in the bars), thin
// upright lines for minutes before monitoring began. Timelines stretch sideways only, so horizontal
// stripes stay even and upright lines stay upright.
const PATTERNS = `<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>
<pattern id="stripes" patternUnits="userSpaceOnUse" width="10" height="3.4"><rect width="10" height="3.4" fill="var(--off)"/><rect y="2.4" width="10" height="1" fill="var(--off-stripe)"/></pattern>
<pattern id="stripes-bars" patternUnits="userSpaceOnUse" width="10" height="8"><rect width="10" height="8" fill="var(--off)"/><rect y="5.5" width="10" height="2.5" fill="var(--off-stripe)"/></pattern>
<pattern id="not-monitored" patternUnits="userSpaceOnUse" width="20" height="10"><rect width="20" height="10" fill="var(--nm)"/><rect width="3" height="10" fill="var(--nm-line)"/></pattern>
<pattern id="not-monitored-heat" patternUnits="userSpaceOnUse" width="3.4" height="10"><rect width="3.4" height="10" fill="var(--nm)"/><rect width=".6" height="10" fill="var(--nm-line)"/></pattern>
</defs></svg>`;

// Tapping a mark shows its description (phones have no hover tooltips).
const SCRIPT = `
document.addEventListener('click', function (event) {
  var target = event.target;
  var info = document.getElementById('info');
  if (!info || !target || !target.closest) return;
  var mark = target.closest('[data-tip]');
  info.textContent = mark ? mark.getAttribute('data-tip') : '';
});
`;

/** The hour axis under the day rows: a tick at every 6 hours, exactly where the bars put those hours. */
const HOUR_AXIS = `<div class="axis" aria-hidden="true"><span></span><div class="ticks">${[0, 6, 12, 18, 24]
  .map((h) => {
    const left = `${(h / 24) * 100}%`;
    const cls = h === 0 ? ' class="first"' : h === 24 ? ' class="last"' : '';
    return `<i style="left:${left}"></i><span${cls} style="left:${left}">${zeroPad(h)}</span>`;
  })
  .join('')}</div></div>`;

function rect(cls: string, x: number, y: number, w: number, h: number, tip: string, chart: string): string {
  const t = escapeHtml(tip);
  return `<rect class="${cls}" data-chart="${chart}" data-tip="${t}" x="${x}" y="${y}" width="${w}" height="${h}"><title>${t}</title></rect>`;
}

function blockTip(block: UnresolvedBlock): string {
  const parts = [
    block.on > 0 && `on ${block.on} min`,
    block.off > 0 && `off ${block.off} min`,
    block.unknown > 0 && `no reading ${block.unknown} min`,
  ].filter(Boolean);
  return `${parts.join(', ')} (hourly data: which minutes is not known)`;
}

/** A day's label: `Sat 25 Oct` (the weekday on a line of its own on a phone), and `25 h` on a DST day. */
function dayLabel(day: { label: string; start: Date; first: number; last: number }, tz: string): string {
  const [weekday, ...date] = formatLocalDay(day.start, tz).split(' ');
  const length = day.last - day.first;
  const hours = length === 1380 || length === 1500 ? `<small>${length / 60} h</small>` : '';
  return `<span class="label" title="${day.label}"><b>${weekday}</b> ${date.join(' ')}${hours}</span>`;
}

/** Text of an outage for its tap target and title. */
function outageTip(outage: Outage, report: Report): string {
  const notes = [
    outage.startUncertain && 'start uncertain',
    outage.endUncertain && 'end uncertain',
    outage.missingMinutes > 0 && `${formatDuration(outage.missingMinutes)} without reading inside`,
  ].filter(Boolean);
  return `Power off ${outageSpan(outage, report)}, ${outageLength(outage)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/** The numbers of one day, shown under its timeline. */
function dayNumbers(report: Report, index: number, outages: number): string {
  const d = report.json.days[index];
  if (!d) return '';
  if (d.notMonitored === d.minutes) return 'not monitored';
  const parts = [`ON <b>${formatShare(d.on + d.off > 0 ? d.on / (d.on + d.off) : null)}</b>`];
  parts.push(
    d.off > 0
      ? `off <b>${escapeHtml(formatDuration(d.off))}</b> (${outages} outage${outages === 1 ? '' : 's'})`
      : 'no outage',
  );
  if (d.unknown > 0) parts.push(`no reading <b>${escapeHtml(formatDuration(d.unknown))}</b>`);
  if (d.notMonitored > 0 && report.monitoringSince) {
    parts.push(`monitored from ${escapeHtml(formatClock(report.monitoringSince, report.tz))}`);
  }
  if (d.pending > 0 && d.pending < d.minutes) parts.push(`${escapeHtml(formatDuration(d.pending))} to come`);
  // Each part on one line; a phone breaks between them.
  return parts.map((p) => `<span>${p}</span>`).join(' · ');
}

function timelines(report: Report): string {
  const { minuteStates, tz } = report;
  const outagesByDay = new Map<string, number>();
  for (const o of report.outages) {
    const date = formatLocalDate(o.start, tz);
    outagesByDay.set(date, (outagesByDay.get(date) ?? 0) + 1);
  }
  const instant = (index: number): Date => new Date(minuteStates.from.getTime() + index * MINUTE_MS);
  const rows = report.days.map((day, dayIndex) => {
    const length = day.last - day.first;
    // Days cut by the period still take their place on a full-day axis.
    const offset = localMinuteOfDay(day.start, tz);
    const width = Math.max(1440, offset + length);
    const x = (index: number): number => offset + index - day.first;
    const marks: string[] = [];
    for (const run of runs(minuteStates, day.first, day.last)) {
      if (run.state === MINUTE.unresolved) {
        // One mark per hours item, coloured by what it held.
        for (const block of minuteStates.unresolved) {
          const a = Math.max(block.index, run.index);
          const b = Math.min(block.index + block.length, run.index + run.length);
          if (b <= a) continue;
          const tip = `${day.label} ${formatClock(instant(a), tz)}–${formatClock(instant(b), tz)} ${blockTip(block)}`;
          marks.push(rect(blockKind(block), x(a), 0, b - a, 10, tip, 'timeline'));
        }
        continue;
      }
      const name = STATE_NAMES[run.state as MinuteState];
      const tip = `${day.label} ${formatClock(instant(run.index), tz)}–${formatClock(instant(run.index + run.length), tz)} ${STATE_LABEL[name]}: ${formatDuration(run.length)}`;
      marks.push(rect(name, x(run.index), 0, run.length, 10, tip, 'timeline'));
    }
    // Planned windows as outlines over the minutes (a dashed one: possible only).
    for (const w of report.schedule?.windows ?? []) {
      if (w.window.end <= day.start || w.window.start >= day.end) continue;
      const a = Math.max(day.first, Math.round((w.window.start.getTime() - minuteStates.from.getTime()) / MINUTE_MS));
      const b = Math.min(day.last, Math.round((w.window.end.getTime() - minuteStates.from.getTime()) / MINUTE_MS));
      const tip = escapeHtml(
        `${day.label} planned ${formatClock(w.window.start, tz)}–${formatClock(w.window.end, tz)}${w.window.possible ? ' (possible)' : ''}: ${w.status}`,
      );
      marks.push(
        `<rect class="plan${w.window.possible ? ' possible' : ''}" x="${x(a)}" y="0.5" width="${b - a}" height="9" vector-effect="non-scaling-stroke"><title>${tip}</title></rect>`,
      );
    }
    // Light lines at 06, 12 and 18 by the local clock (where the axis has its ticks, but on a DST day).
    const grid = localHours(minuteStates, tz, day.start, day.end)
      .filter((h) => ['06:00', '12:00', '18:00'].includes(h.label))
      .map((h) => x(h.first))
      .map((gx) => `<line class="grid" x1="${gx}" x2="${gx}" y1="0" y2="10" vector-effect="non-scaling-stroke"/>`)
      .join('');
    // A tap target of at least 24 px for every outage on this day, however short.
    const hits = report.outages
      .filter((o) => o.start < day.end && o.end > day.start)
      .map((o) => {
        const a = Math.max(day.first, Math.round((o.start.getTime() - minuteStates.from.getTime()) / MINUTE_MS));
        const b = Math.min(day.last, Math.round((o.end.getTime() - minuteStates.from.getTime()) / MINUTE_MS));
        const s = ((x(a) / width) * 100).toFixed(3);
        const w = (((b - a) / width) * 100).toFixed(3);
        const tip = escapeHtml(outageTip(o, report));
        // Too short to see at phone width: a thin mark where it is.
        const mark =
          (b - a) / width < 0.02
            ? `<span class="mark" style="left:${(((x(a) + x(b)) / 2 / width) * 100).toFixed(3)}%"></span>`
            : '';
        return `${mark}<button type="button" class="hit" style="--s:${s}%;--w:${w}%" data-tip="${tip}" title="${tip}" aria-label="${tip}"></button>`;
      });
    return `<div class="day">${dayLabel(day, tz)}<div class="bar"><svg viewBox="0 0 ${width} 10" preserveAspectRatio="none" role="img" aria-label="${day.label} minute timeline">${marks.join('')}${grid}</svg>${hits.join('')}</div><span class="nums">${dayNumbers(report, dayIndex, outagesByDay.get(day.label) ?? 0)}</span></div>`;
  });
  const axis = HOUR_AXIS;
  return `<div class="days">${rows.length > 7 ? axis : ''}${rows.join('\n')}\n${axis}</div>`;
}

interface BarDatum {
  label: string;
  on: number;
  off: number;
  unknown: number;
  pending: number;
  notMonitored: number;
}

function stackedBars(data: BarDatum[], chart: string, unit: string): string {
  const height = 160;
  const left = 64;
  // A fixed drawing width keeps a few bars from being blown up to the page width.
  const width = Math.max(720, left + data.length * 14);
  const slot = (width - left) / Math.max(1, data.length);
  const barWidth = Math.min(48, slot * 0.8);
  const gap = slot - barWidth;
  const max = Math.max(1, ...data.map((d) => d.on + d.off + d.unknown + d.pending));
  // Labels at least ~72 units apart, so they stay apart at phone font sizes too.
  const labelEvery = Math.max(1, Math.ceil(72 / slot));
  const bars = data.map((d, i) => {
    const x = Number((left + gap / 2 + i * slot).toFixed(2));
    let y = height;
    const parts: string[] = [];
    for (const state of ['on', 'off', 'unknown', 'pending'] as const) {
      const value = d[state];
      if (value === 0) continue;
      const h = (value / max) * (height - 10);
      y -= h;
      parts.push(
        rect(
          state,
          x,
          Number(y.toFixed(2)),
          barWidth,
          Number(h.toFixed(2)),
          `${d.label}: ${STATE_LABEL[state]} ${value} min`,
          chart,
        ),
      );
    }
    const label =
      i % labelEvery === 0
        ? `<text x="${x + barWidth / 2}" y="${height + 22}" text-anchor="middle">${escapeHtml(d.label)}</text>`
        : '';
    // An empty slot says why it is empty.
    const cx = x + barWidth / 2;
    const note =
      parts.length === 0 && d.notMonitored > 0
        ? `<text class="note" x="${cx}" y="${height - 8}" transform="rotate(-90 ${cx} ${height - 8})" dominant-baseline="middle">not monitored</text>`
        : '';
    return parts.join('') + label + note;
  });
  const axis = `<text x="0" y="18">${max}</text><text x="0" y="40">${unit}</text><line x1="${left - 4}" x2="${width}" y1="${height}" y2="${height}" stroke="var(--line)"/>`;
  return `<div class="scroll"><svg class="chart bars" viewBox="0 0 ${width + 16} ${height + 28}" role="img">${axis}${bars.join('')}</svg></div>`;
}

/** Fill and words of one heatmap cell. */
function heatColour(cell: HourCell): { fill: string; name: string } {
  const { on, off, unknown, pending, notMonitored } = cell.counts;
  if (on + off === 0) {
    if (unknown > 0) return { fill: 'var(--unknown)', name: 'no reading' };
    if (notMonitored > 0) return { fill: 'url(#not-monitored-heat)', name: 'not monitored' };
    return { fill: 'var(--pending)', name: 'not yet' };
  }
  const step = heatStep(off, on + off);
  const extra = [
    unknown && `${unknown} no reading`,
    pending && `${pending} pending`,
    notMonitored && `${notMonitored} not monitored`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    fill: `var(--h${step})`,
    name: `${Math.round((off / (on + off)) * 100)}% without power: ${off} min off, ${on} on${extra ? `, ${extra}` : ''}`,
  };
}

function heatmap(report: Report): string {
  // Same row layout as the minute timelines (HTML labels, one stretched SVG per day), so the text stays
  // readable and nothing scrolls sideways on a phone.
  const rows = report.days.map((day) => {
    // A 25-hour day has one hour twice: the cell sums both.
    const byHour = new Map<number, HourCell>();
    const repeated = new Set<number>();
    for (const cell of hourCells(report, day)) {
      const seen = byHour.get(cell.hourOfDay);
      if (seen) {
        for (const k of ['on', 'off', 'unknown', 'pending', 'notMonitored'] as const) seen.counts[k] += cell.counts[k];
        repeated.add(cell.hourOfDay);
      } else byHour.set(cell.hourOfDay, { ...cell, counts: { ...cell.counts } });
    }
    const cells = [...byHour.values()].map((cell) => {
      const { fill, name } = heatColour(cell);
      const twice = repeated.has(cell.hourOfDay) ? ' (this hour came twice: both counted)' : '';
      const tip = `${day.label} ${zeroPad(cell.hourOfDay)}:00${twice} — ${name}`;
      const t = escapeHtml(tip);
      return `<rect class="cell" data-chart="heatmap" data-tip="${t}" x="${cell.hourOfDay * 10 + 0.5}" y="0" width="9" height="10" fill="${fill}"><title>${t}</title></rect>`;
    });
    return `<div class="day">${dayLabel(day, report.tz)}<div class="bar"><svg class="heat" viewBox="0 0 240 10" preserveAspectRatio="none" role="img" aria-label="${day.label} hours">${cells.join('')}</svg></div></div>`;
  });
  const scale = HEAT_STEPS.map(
    (s) => `<span><i style="background:var(--h${s.step})"></i>${escapeHtml(s.label)}</span>`,
  );
  const others = [
    '<span><i class="unknown"></i>no reading</span>',
    ...(report.json.totals.notMonitored > 0 ? ['<span><i class="notMonitored"></i>not monitored</span>'] : []),
    '<span><i class="pending"></i>not yet</span>',
  ];
  const legend = `<div class="scale" data-legend="heatmap"><span>share of the hour without power:</span>${scale.join('')}${others.join('')}</div>`;
  return `${legend}<div class="days">${rows.join('\n')}\n${HOUR_AXIS}</div>`;
}

function outageTable(report: Report): string {
  const { json, tz } = report;
  if (json.outages.length === 0) return '<p>No outages in this period.</p>';
  const rows = json.outages.map((o) => {
    const start = new Date(o.start);
    const end = new Date(o.end);
    const endDate = formatLocalDate(end, tz);
    const startDate = formatLocalDate(start, tz);
    const notes = [
      o.startUncertain && 'start uncertain',
      o.endUncertain && 'end uncertain',
      o.missingMinutes > 0 && `${formatDuration(o.missingMinutes)} without reading inside`,
    ]
      .filter(Boolean)
      .join(', ');
    return `<tr class="outage"><td>${startDate} ${clock(start, tz)}</td><td>${endDate === startDate ? '' : `${endDate} `}${clock(end, tz)}</td><td class="num">${escapeHtml(formatDuration(o.minutes, { atLeast: o.startUncertain || o.endUncertain }))}${notes ? `<small>${notes}</small>` : ''}</td></tr>`;
  });
  const merged = json.outages.some((o) => o.missingMinutes > 0)
    ? `<p class="sub">OFF minutes separated by at most ${json.mergeGap} min without a reading are one outage; those minutes still count as no reading.</p>`
    : '';
  return `<div class="scroll"><table><thead><tr><th>start</th><th>end</th><th class="num">duration</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${merged}`;
}

function gapTable(report: Report): string {
  const { json, tz } = report;
  const since = report.monitoringSince ? ' since monitoring began' : '';
  if (json.gaps.length === 0) {
    if (json.totals.unknown === 0) return `<p>The monitor recorded every minute of this period${since}.</p>`;
    // Hourly data counts missing minutes but cannot say which ones: no gap to list, and no claim either.
    return `<p>No gap to list, but ${escapeHtml(formatDuration(json.totals.unknown))} had no reading: they fall in hours read from hourly totals, which do not say which minutes (use <code>--source auto</code> or <code>raw</code> for the exact gaps).</p>`;
  }
  const rows = json.gaps.map((g) => {
    const start = new Date(g.start);
    const end = new Date(g.end);
    return `<tr class="gap"><td>${formatLocalDate(start, tz)} ${clock(start, tz)}</td><td>${formatLocalDate(end, tz)} ${clock(end, tz)}</td><td class="num">${formatDuration(g.minutes)}</td></tr>`;
  });
  const table = `<div class="scroll"><table><thead><tr><th>start</th><th>end</th><th class="num">duration</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  // A long list of short gaps would bury the page: folded, with the total in the summary.
  if (rows.length <= 12) return table;
  const total = json.gaps.reduce((sum, g) => sum + g.minutes, 0);
  return `<details><summary>${rows.length} gaps, ${escapeHtml(formatDuration(total))} in all</summary>${table}</details>`;
}

/** The block at the top: power on, off or unknown now, since when, the last reading and outage. */
function statusBlock(report: Report): string {
  const words = statusWords(report);
  const status = report.status;
  if (!words || !status) return '';
  const icon = { on: '✔', off: '✖', unknown: '?' }[status.state];
  // "no reading since" already names the last reading.
  const reading = status.lastReadingAt && status.state !== 'unknown';
  const meta = [
    ...(reading && status.lastReadingAt ? [`last reading ${when(status.lastReadingAt, report)}`] : []),
    words.lastOutage,
  ]
    // A phone breaks the line between words, never inside "09:00–12:00".
    .map((part) => `<span>${escapeHtml(part).replaceAll('–', '\u2060–\u2060')}</span>`)
    .join(' · ');
  return `<section class="status st-${status.state}" id="status" aria-label="power now"><p class="state"><span class="icon" aria-hidden="true">${icon}</span>${escapeHtml(words.head)}</p><p class="detail">${escapeHtml(words.detail)}</p><p class="meta">${meta}</p></section>`;
}

/** Planned vs actual per day, when the report has a schedule. */
function scheduleTable(report: Report): string {
  const plan = report.json.schedule;
  if (!plan) return '';
  const row = (label: string, t: PlanTotals): string =>
    `<tr><td>${escapeHtml(label)}</td><td class="num">${hm(t.plannedMinutes)}</td><td class="num">${hm(t.plannedOffMinutes)}</td><td class="num">${hm(t.offMinutes)}</td><td class="num">${hm(t.unplannedOffMinutes)}</td><td class="num">${formatShare(t.planShare)}</td><td class="num">${t.averageStartDelayMinutes === null ? '–' : `${Math.round(t.averageStartDelayMinutes)} min`}</td></tr>`;
  const stale = plan.staleReason ? ` The plan may be stale: cached copy used (${plan.staleReason}).` : '';
  const notes = plan.notes.length > 0 ? ` ${plan.notes.join('; ')}.` : '';
  return `<h2>Planned vs actual</h2>
<p class="sub">${escapeHtml(`Group ${plan.group} (${plan.format}, ${plan.source}), as of ${plan.fetchedAt}.${stale}${notes}`)}</p>
<div class="scroll"><table><thead><tr><th>day</th><th class="num">planned</th><th class="num">planned OFF</th><th class="num">OFF</th><th class="num">unplanned</th><th class="num">plan happened</th><th class="num">avg start delay</th></tr></thead><tbody>
${plan.days.map((d) => row(d.date, d)).join('\n')}
${row('period', plan.totals)}
</tbody></table></div>`;
}

export function renderHtml(report: Report): string {
  const { json, minuteStates } = report;
  const t = json.totals;
  const title = `Power report — ${json.device} pin ${json.pin}`;
  const blockClasses = new Set<string>(minuteStates.unresolved.map(blockKind));
  const legend = [
    'on',
    'off',
    'unknown',
    'pending',
    ...['unresolved', 'unresolved-on', 'unresolved-off'].filter((c) => blockClasses.has(c)),
    ...(t.notMonitored > 0 ? ['notMonitored'] : []),
  ]
    .map((s) => `<span><i class="${s}"></i>${STATE_LABEL[s]}</span>`)
    .join('')
    .concat(report.schedule ? '<span><i class="plan-key"></i>planned outage</span>' : '');
  const hourly =
    json.hours.length > 0
      ? `<h2>Per hour</h2>${stackedBars(
          json.hours.map((h) => ({ ...h, label: h.hour.slice(0, 2) })),
          'hours',
          'min',
        )}`
      : '';
  const daily =
    json.days.length > 1
      ? `<h2>Per day</h2>${stackedBars(
          json.days.map((d) => ({ ...d, label: d.date.slice(5) })),
          'days',
          'min',
        )}`
      : '';
  const monitoring = monitoringLine(report);
  const hourlyNote =
    blockClasses.size > 0
      ? '<p class="sub">Hours in purple or light colours come from hourly totals, which do not say which minutes were on, off or missing; use --source auto or raw for the exact minutes.</p>'
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${PATTERNS}
<main>
${statusBlock(report)}
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(periodWords(report))} · mode ${escapeHtml(json.mode)} · source ${json.source}</p>
${monitoring ? `<p class="monitoring">${escapeHtml(monitoring)}</p>` : ''}
<div class="cards">
<div class="card">power on<b>${formatShare(t.onShare)}</b>of known minutes</div>
<div class="card">power off<b>${escapeHtml(hm(t.off))}</b>${json.outages.length} outage(s)</div>
<div class="card">no reading<b>${escapeHtml(hm(t.unknown))}</b>${json.gaps.length} gap(s)</div>
${t.notMonitored > 0 ? `<div class="card">not monitored<b>${escapeHtml(hm(t.notMonitored))}</b>before the first reading</div>` : ''}
<div class="card">not yet<b>${escapeHtml(hm(t.pending))}</b>pending</div>
</div>
<div class="legend">${legend}<span>· tap a mark for details</span></div>
<h2>Minute timeline</h2>
${timelines(report)}
${hourlyNote}
${hourly}
${daily}
<h2>Hour × day (share of minutes without power)</h2>
${heatmap(report)}
${scheduleTable(report)}
<h2>Outages</h2>
${outageTable(report)}
<h2>Gaps</h2>
${gapTable(report)}
<div id="info" aria-live="polite"></div>
<footer>Generated ${escapeHtml(report.generatedAt.toISOString())} by blackout-report. Times are local (${escapeHtml(json.tz)}).</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
