/**
 * The charts: a minute timeline (one mark per run of equal minutes) and the hour × day heatmap, as
 * SVG. Colours are the HTML report's Okabe–Ito classes (app.css) and never carry a meaning alone: OFF
 * is striped, and every chart is an image with an aria-label saying what it shows in words.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { formatDuration, zeroPad } from '../domain/format.js';
import { type Bucket, localHours, type MinuteStates, runs, STATE_NAMES, type StateCounts } from '../domain/outages.js';
import { formatLocalDay } from '../domain/zone.js';
import { blockKind, HEAT_STEPS, type HourCell, heatStep, hourCells, type Report } from '../report/model.js';

/** `on 20 h 05 min, off 3 h 10 min, no reading 5 min, not yet 6 h 00 min` (zeros left out). */
export function countsWords(counts: StateCounts): string {
  const parts = [
    counts.on > 0 && `on ${formatDuration(counts.on)}`,
    counts.off > 0 && `off ${formatDuration(counts.off)}`,
    counts.unknown > 0 && `no reading ${formatDuration(counts.unknown)}`,
    counts.notMonitored > 0 && `not monitored ${formatDuration(counts.notMonitored)}`,
    counts.pending > 0 && `not yet ${formatDuration(counts.pending)}`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

/** Patterns the charts fill with: stripes across OFF, thin lines before monitoring began. */
export function ChartPatterns(): VNode {
  return html`<svg width="0" height="0" class="patterns" aria-hidden="true" focusable="false">
    <defs>
      <pattern id="stripes" patternUnits="userSpaceOnUse" width="10" height="3.4">
        <rect width="10" height="3.4" class="stripe-base" /><rect y="2.4" width="10" height="1" class="stripe-line" />
      </pattern>
      <pattern id="not-monitored" patternUnits="userSpaceOnUse" width="20" height="10">
        <rect width="20" height="10" class="nm-base" /><rect width="3" height="10" class="nm-line" />
      </pattern>
    </defs>
  </svg>`;
}

export interface Tick {
  /** 0…1 along the bar. */
  at: number;
  label: string;
}

export interface TimelineProps {
  minuteStates: MinuteStates;
  /** Minute indexes [first, last) drawn. */
  first: number;
  last: number;
  /** The bar's length in minutes (longer than last − first when the rest is not in the data). */
  span?: number;
  /** Read out instead of the picture, e.g. "Today: on 20 h 05 min, off 3 h 10 min". */
  label: string;
  ticks?: Tick[];
}

export function Timeline(props: TimelineProps): VNode {
  const { minuteStates, first, last } = props;
  const span = Math.max(1, props.span ?? last - first);
  // An outage of a few minutes would be a hairline on a phone: drawn at least 0.6% wide.
  const minOff = span * 0.006;
  // Hourly data: each hours item's block drawn as what it held (on and off, or one of them with gaps).
  const blocks = minuteStates.unresolved
    .filter((b) => b.index < last && b.index + b.length > first)
    .map((b) => {
      const x = Math.max(b.index, first);
      return html`<rect class=${blockKind(b)} x=${x - first} y="0" width=${Math.min(b.index + b.length, last) - x} height="10" />`;
    });
  const marks = runs(minuteStates, first, last).map((run) => {
    const name = STATE_NAMES[run.state];
    if (name === 'unresolved') return null;
    const wide = name === 'off' && run.length < minOff;
    const x = run.index - first - (wide ? (minOff - run.length) / 2 : 0);
    return html`<rect class=${name} x=${x} y="0" width=${wide ? minOff : run.length} height="10" />`;
  });
  return html`<div class="timeline">
    <svg viewBox=${`0 0 ${span} 10`} preserveAspectRatio="none" role="img" aria-label=${props.label}>${marks}${blocks}</svg>
    ${
      props.ticks &&
      html`<div class="ticks" aria-hidden="true">
        ${props.ticks.map(
          (t, i) =>
            html`<span class=${i === 0 ? 'first' : i === (props.ticks?.length ?? 0) - 1 ? 'last' : ''} style=${{ left: `${(t.at * 100).toFixed(3)}%` }}>${t.label}</span>`,
        )}
      </div>`
    }
  </div>`;
}

/** Ticks at local 00, 06, 12, 18 and 24 of a local day, where the clock shows them (DST days too). */
export function dayTicks(minuteStates: MinuteStates, day: Bucket, tz: string): Tick[] {
  const length = Math.max(1, day.last - day.first);
  const ticks = localHours(minuteStates, tz, day.start, day.end)
    .filter((h) => ['00:00', '06:00', '12:00', '18:00'].includes(h.label))
    .map((h) => ({ at: (h.first - day.first) / length, label: h.label.slice(0, 2) }));
  return [...ticks, { at: 1, label: '24' }];
}

/**
 * Keeps `1 h` and `41 min`, `Wed 2 Dec` and `18:42–20:42` in one piece on a narrow screen (no-break spaces),
 * so a line breaks between the things it says, not inside one of them.
 */
export const unbroken = (text: string): string =>
  dateUnbroken(text)
    .replace(/(\d) (?=(h|min|s)\b)/g, '$1\u00a0')
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?=\d)/g, '$1\u00a0');

/** `9 Mar` in one piece (a day label may still break after its weekday). */
const dateUnbroken = (text: string): string =>
  text.replace(/\b(\d{1,2}) (?=(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b)/g, '$1\u00a0');

/** A local day in words: `Mon 9 Mar`. */
export const dayWords = (day: Bucket, tz: string): string => dateUnbroken(formatLocalDay(day.start, tz));

function heatClass(counts: StateCounts): string {
  const { on, off, unknown, notMonitored } = counts;
  if (on + off === 0) return unknown > 0 ? 'unknown' : notMonitored > 0 ? 'notMonitored' : 'pending';
  return `h${heatStep(off, on + off)}`;
}

/** One local day's 24 hours (a 25-hour day's repeated hour summed into one cell). */
function hoursOfDay(report: Report, day: Bucket): HourCell[] {
  const byHour = new Map<number, HourCell>();
  for (const cell of hourCells(report, day)) {
    const seen = byHour.get(cell.hourOfDay);
    if (!seen) byHour.set(cell.hourOfDay, { ...cell, counts: { ...cell.counts } });
    else for (const k of ['on', 'off', 'unknown', 'pending', 'notMonitored'] as const) seen.counts[k] += cell.counts[k];
  }
  return [...byHour.values()];
}

function heatRowWords(day: Bucket, cells: HourCell[], tz: string): string {
  const off = cells.filter((c) => c.counts.off > 0).map((c) => zeroPad(c.hourOfDay));
  const unknown = cells.filter((c) => c.counts.unknown > 0 && c.counts.on + c.counts.off === 0).length;
  const parts = [
    off.length > 0
      ? `power off in ${off.length} hour${off.length === 1 ? '' : 's'} (${off.join(', ')})`
      : 'no power cut',
  ];
  if (unknown > 0) parts.push(`${unknown} hour${unknown === 1 ? '' : 's'} without reading`);
  return `${dayWords(day, tz)}: ${parts.join(', ')}`;
}

/** Rows of 24 cells, newest day first, with the scale. */
export function Heatmap(props: { report: Report }): VNode {
  const { report } = props;
  const rows = [...report.days]
    .filter((_day, index) => {
      const d = report.json.days[index];
      return d !== undefined && d.notMonitored < d.minutes;
    })
    .reverse()
    .map((day) => {
      const cells = hoursOfDay(report, day);
      return html`<div class="heat-row">
      <span class="day-label">${dayWords(day, report.tz)}</span>
      <svg viewBox="0 0 240 10" preserveAspectRatio="none" role="img" aria-label=${heatRowWords(day, cells, report.tz)}>
        ${cells.map(
          (c) =>
            html`<rect class=${heatClass(c.counts)} x=${c.hourOfDay * 10 + 0.5} y="0" width="9" height="10"><title>${`${zeroPad(c.hourOfDay)}:00 ${countsWords(c.counts)}`}</title></rect>`,
        )}
      </svg>
    </div>`;
    });
  return html`<div class="heatmap">
    <div class="scale">
      <span>share of the hour without power:</span>
      ${HEAT_STEPS.map((s) => html`<span><i class=${`h${s.step}`}></i>${s.label}</span>`)}
      <span><i class="unknown"></i>no reading</span><span><i class="pending"></i>not yet</span>
    </div>
    ${rows}
    <div class="heat-row axis" aria-hidden="true">
      <span></span>
      <div class="ticks">
        ${[0, 6, 12, 18, 24].map((h, i) => html`<span class=${i === 0 ? 'first' : h === 24 ? 'last' : ''} style=${{ left: `${(h / 24) * 100}%` }}>${zeroPad(h)}</span>`)}
      </div>
    </div>
  </div>`;
}

/** The colour key of the timelines. */
export function Legend(props: { hourly?: boolean; notMonitored?: boolean }): VNode {
  return html`<div class="legend">
    <span><i class="on"></i>power on</span><span><i class="off"></i>power off</span>
    <span><i class="unknown"></i>no reading</span><span><i class="pending"></i>not yet</span>
    ${props.notMonitored && html`<span><i class="notMonitored"></i>not monitored yet</span>`}
    ${
      props.hourly &&
      html`<span><i class="unresolved"></i>on and off in that hour</span><span><i class="unresolved-on"></i>on, some minutes without reading</span><span><i class="unresolved-off"></i>off, some minutes without reading</span>`
    }
  </div>`;
}
