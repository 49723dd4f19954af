/**
 * `--format html`: one self-contained page (inline CSS, a few lines of inline script, inline SVG, no
 * requests) that opens from file:// or a static S3 bucket and reads on a phone. Charts: a minute
 * timeline per local day, stacked hourly (day view) and daily bars, an hour × day heatmap, and the
 * outage and gap tables.
 */
import { formatDuration, zeroPad } from '../domain/format.js';
import { MINUTE, type MinuteState, runs, STATE_NAMES } from '../domain/outages.js';
import { clockParts, formatClock, formatLocalDate, localMinuteOfDay } from '../domain/zone.js';
import { formatShare, type HourCell, hourCells, type Report } from './model.js';

const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const STATE_LABEL: Record<string, string> = {
  on: 'power on',
  off: 'power off',
  unknown: 'no reading',
  pending: 'not yet',
  unresolved: 'on and off (hourly data)',
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

const CSS = `
:root{--on:#2e9e4f;--off:#d7263d;--unknown:#9aa0a6;--pending:#e9ecef;--unresolved:#e8a33d;--ink:#1f2328;--muted:#656d76;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.35rem;margin:0 0 4px}
h2{font-size:1.1rem;margin:28px 0 8px}
.sub{color:var(--muted);margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.card b{display:block;font-size:1.3rem}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0;color:var(--muted);font-size:.9rem}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.on{fill:var(--on);background:var(--on)}.off{fill:var(--off);background:var(--off)}
.unknown{fill:var(--unknown);background:var(--unknown)}.pending{fill:var(--pending);background:var(--pending)}
.unresolved{fill:var(--unresolved);background:var(--unresolved)}
.day{display:grid;grid-template-columns:7.5em 1fr;align-items:center;gap:8px;margin:3px 0}
.day span{font-variant-numeric:tabular-nums;font-size:.9rem;white-space:nowrap}
.day svg{width:100%;height:18px;display:block;border-radius:3px}
.axis{display:grid;grid-template-columns:7.5em 1fr;gap:8px;color:var(--muted);font-size:.75rem}
.axis div{display:flex;justify-content:space-between}
svg.chart{width:100%;height:auto;display:block}
svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
td.num,th.num{text-align:right}
td small{display:block;color:var(--muted);font-size:.8rem}
td .offset{color:var(--muted)}
.day svg.heat{height:20px;border-radius:0}
#info:empty{display:none}
#info{position:sticky;bottom:0;z-index:1;background:#fff;border-top:1px solid var(--line);padding:6px 0;min-height:2em;color:var(--muted)}
summary{cursor:pointer;padding:4px 0}
footer{color:var(--muted);font-size:.8rem;margin-top:24px}
@media (max-width:600px){main{padding:10px}.day,.axis{grid-template-columns:5.6em 1fr}.day span{font-size:.8rem}svg.bars text{font-size:20px}th,td{padding:4px 5px;font-size:.85rem}td .offset{display:block;font-size:.8rem}}
`;

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

const HOUR_AXIS =
  '<div class="axis"><span></span><div><span>00</span><span>06</span><span>12</span><span>18</span><span>24</span></div></div>';

function rect(cls: string, x: number, y: number, w: number, h: number, tip: string, chart: string): string {
  const t = escapeHtml(tip);
  return `<rect class="${cls}" data-chart="${chart}" data-tip="${t}" x="${x}" y="${y}" width="${w}" height="${h}"><title>${t}</title></rect>`;
}

function timelines(report: Report): string {
  const { minuteStates, tz } = report;
  const rows = report.days.map((day) => {
    const length = day.last - day.first;
    // Days cut by the period still take their place on a full-day axis.
    const offset = localMinuteOfDay(day.start, tz);
    const width = Math.max(1440, offset + length);
    const marks = runs(minuteStates, day.first, day.last).map((run) => {
      const name = STATE_NAMES[run.state as MinuteState];
      const start = new Date(minuteStates.from.getTime() + run.index * 60_000);
      const end = new Date(start.getTime() + run.length * 60_000);
      const tip = `${day.label} ${formatClock(start, tz)}–${formatClock(end, tz)} ${STATE_LABEL[name]}: ${formatDuration(run.length)}`;
      return rect(name, offset + run.index - day.first, 0, run.length, 10, tip, 'timeline');
    });
    return `<div class="day"><span>${day.label}</span><svg viewBox="0 0 ${width} 10" preserveAspectRatio="none" role="img" aria-label="${day.label} minute timeline">${marks.join('')}</svg></div>`;
  });
  return `${rows.join('\n')}\n${HOUR_AXIS}`;
}

interface BarDatum {
  label: string;
  on: number;
  off: number;
  unknown: number;
  pending: number;
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
    return parts.join('') + label;
  });
  const axis = `<text x="0" y="18">${max}</text><text x="0" y="40">${unit}</text><line x1="${left - 4}" x2="${width}" y1="${height}" y2="${height}" stroke="#d0d7de"/>`;
  return `<div class="scroll"><svg class="chart bars" viewBox="0 0 ${width + 16} ${height + 28}" role="img">${axis}${bars.join('')}</svg></div>`;
}

/** Colour of one heatmap cell: green → red by the share of OFF among known minutes, grey when unknown. */
function heatColour(cell: HourCell): { fill: string; name: string } {
  const { on, off, unknown, pending } = cell.counts;
  if (on + off === 0)
    return unknown > 0 ? { fill: '#9aa0a6', name: 'no reading' } : { fill: '#e9ecef', name: 'not yet' };
  const share = off / (on + off);
  // Interpolate between the ON and OFF colours.
  const mix = (a: number, b: number): number => Math.round(a + (b - a) * Math.sqrt(share));
  const fill = `rgb(${mix(0x2e, 0xd7)},${mix(0x9e, 0x26)},${mix(0x4f, 0x3d)})`;
  return {
    fill,
    name: `${off} min off, ${on} on${unknown ? `, ${unknown} unknown` : ''}${pending ? `, ${pending} pending` : ''}`,
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
        for (const k of ['on', 'off', 'unknown', 'pending'] as const) seen.counts[k] += cell.counts[k];
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
    return `<div class="day"><span>${day.label}</span><svg class="heat" viewBox="0 0 240 10" preserveAspectRatio="none" role="img" aria-label="${day.label} hours">${cells.join('')}</svg></div>`;
  });
  return `${rows.join('\n')}\n${HOUR_AXIS}`;
}

function outageTable(report: Report): string {
  const { json, tz } = report;
  if (json.outages.length === 0) return '<p>No outages in this period.</p>';
  const rows = json.outages.map((o) => {
    const start = new Date(o.start);
    const end = new Date(o.end);
    const endDate = formatLocalDate(end, tz);
    const startDate = formatLocalDate(start, tz);
    const notes = [o.startUncertain && 'start uncertain', o.endUncertain && 'end uncertain'].filter(Boolean).join(', ');
    return `<tr class="outage"><td>${startDate} ${clock(start, tz)}</td><td>${endDate === startDate ? '' : `${endDate} `}${clock(end, tz)}</td><td class="num">${escapeHtml(formatDuration(o.minutes, { atLeast: o.startUncertain || o.endUncertain }))}${notes ? `<small>${notes}</small>` : ''}</td></tr>`;
  });
  return `<div class="scroll"><table><thead><tr><th>start</th><th>end</th><th class="num">duration</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function gapTable(report: Report): string {
  const { json, tz } = report;
  if (json.gaps.length === 0) return '<p>The monitor recorded every minute of this period.</p>';
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

export function renderHtml(report: Report): string {
  const { json } = report;
  const t = json.totals;
  const title = `Power report — ${json.device} pin ${json.pin}`;
  const legend = [
    'on',
    'off',
    'unknown',
    'pending',
    ...(report.minuteStates.unresolved.length > 0 ? ['unresolved'] : []),
  ]
    .map((s) => `<span><i class="${s}"></i>${STATE_LABEL[s]}</span>`)
    .join('');
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
  const hasUnresolved =
    report.minuteStates.unresolved.length > 0 || report.minuteStates.states.includes(MINUTE.unresolved);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(json.from)} to ${escapeHtml(json.to)} · ${escapeHtml(json.tz)} · mode ${escapeHtml(json.mode)} · source ${json.source}</p>
<div class="cards">
<div class="card">power on<b>${formatShare(t.onShare)}</b>of known minutes</div>
<div class="card">power off<b>${escapeHtml(hm(t.off))}</b>${json.outages.length} outage(s)</div>
<div class="card">no reading<b>${escapeHtml(hm(t.unknown))}</b>${json.gaps.length} gap(s)</div>
<div class="card">not yet<b>${escapeHtml(hm(t.pending))}</b>pending</div>
</div>
<div class="legend">${legend}<span>· tap or hover a mark for details</span></div>
<h2>Minute timeline</h2>
${timelines(report)}
${hasUnresolved ? '<p class="sub">Orange hours come from hourly data that had both ON and OFF minutes; use --source auto or raw for the exact minutes.</p>' : ''}
${hourly}
${daily}
<h2>Hour × day (share of minutes without power)</h2>
${heatmap(report)}
<h2>Outages</h2>
${outageTable(report)}
<h2>Gaps</h2>
${gapTable(report)}
<div id="info"></div>
<footer>Generated ${escapeHtml(report.generatedAt.toISOString())} by blackout-report. Times are local (${escapeHtml(json.tz)}).</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
