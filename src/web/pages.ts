/** The pages: Now, Days, Outages and the device list. Each draws from reports built in the browser. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { planOfFile, type ScheduleFileJson } from '../dashboard/contract.js';
import { formatDuration } from '../domain/format.js';
import type { Series } from '../domain/keys.js';
import { countMinutes, localHours, type Outage } from '../domain/outages.js';
import { judgeOutage, type PlannedWindow } from '../domain/schedule.js';
import { formatClock, formatLocalDate, formatLocalDay } from '../domain/zone.js';
import { formatShare, type Report } from '../report/model.js';
import { renderIcs } from '../report/render-ics.js';
import { outageLength, outageSpan, periodWords, statusWords, when } from '../report/words.js';
import { countsWords, dayTicks, dayWords, Heatmap, Legend, type Tick, Timeline, unbroken } from './charts.js';
import type { DaysRange } from './route.js';
import { routeHash } from './route.js';
import { seriesName } from './view.js';

/** The model's `≥ 47 min` said in words, for readers and for screen readers alike. */
const atLeast = (text: string): string => text.replaceAll('≥ ', 'at least ');
const ICONS = { on: '✔', off: '✖', unknown: '?' } as const;

/** The big state: Power ON / OFF / UNKNOWN, since when and for how long, the last reading and outage. */
export function StatusBlock(props: { report: Report; compact?: boolean }): VNode {
  const { report } = props;
  const words = statusWords(report);
  const status = report.status;
  if (!words || !status) return html`<p class="status st-unknown">No status: the data does not reach now.</p>`;
  const meta = [
    status.lastReadingAt && status.state !== 'unknown' ? `last reading ${when(status.lastReadingAt, report)}` : null,
    atLeast(words.lastOutage),
  ].filter((m): m is string => m !== null);
  return html`<section class=${`status st-${status.state}`} aria-label="power now" data-state=${status.state}>
    <p class="state"><span class="icon" aria-hidden="true">${ICONS[status.state]}</span> ${words.head}</p>
    <p class="detail">${unbroken(atLeast(words.detail))}</p>
    ${!props.compact && html`<p class="meta">${meta.map((m, i) => html`${i > 0 ? ' · ' : ''}<span>${unbroken(m)}</span>`)}</p>`}
  </section>`;
}

function todayBar(report: Report, heading: string): VNode | null {
  const today = report.days.at(-1);
  if (!today) return null;
  const counts = countMinutes(report.minuteStates, today.first, today.last);
  return html`<${Timeline}
    minuteStates=${report.minuteStates}
    first=${today.first}
    last=${today.last}
    label=${`${heading}: ${countsWords(counts)}`}
    ticks=${dayTicks(report.minuteStates, today, report.tz)}
  />`;
}

function last24Hours(report: Report): VNode | null {
  const ms = report.minuteStates;
  const nowIndex = Math.floor((report.generatedAt.getTime() - ms.from.getTime()) / 60_000) + 1;
  const last = Math.min(ms.states.length, nowIndex);
  const first = Math.max(0, last - 24 * 60);
  if (last <= first) return null;
  const at = (i: number): Date => new Date(ms.from.getTime() + i * 60_000);
  const span = 24 * 60;
  // Ticks on the local clock's 00, 06, 12 and 18 o'clock (where a DST day has them), not every 6 h from now.
  const ticks: Tick[] = localHours(ms, report.tz, at(first), at(last))
    .filter((h) => ['00:00', '06:00', '12:00', '18:00'].includes(h.label))
    .map((h) => ({ at: (h.first - (last - span)) / span, label: h.label }))
    .filter((t) => t.at > 0.04 && t.at < 0.92);
  return html`<${Timeline}
    minuteStates=${ms}
    first=${first}
    last=${last}
    span=${24 * 60}
    label=${`Last 24 hours: ${countsWords(countMinutes(ms, first, last))}`}
    ticks=${[...ticks, { at: 1, label: 'now' }]}
  />`;
}

/** `18:00–21:00` (the day in front when not today), `(possible)` for a window announced as possible only. */
const windowSpan = (window: PlannedWindow, report: Report): string =>
  `${outageSpan(window, report)}${window.possible ? ' (possible)' : ''}`;

/**
 * What the outage schedule says on the Now page: of the outage in progress (planned, or not in the
 * schedule), of a window in force while the power is on, and the next window. Nothing without a
 * plan valid now, and nothing of an outage in time the plan does not speak for.
 */
export function scheduleLines(file: ScheduleFileJson | undefined, report: Report): string[] {
  const now = report.generatedAt;
  const plan = file ? planOfFile(file, now) : null;
  if (!file || !plan) return [];
  const lines: string[] = [];
  const ongoing = report.status?.state === 'off' ? report.outages.at(-1) : undefined;
  if (ongoing) {
    const verdict = judgeOutage({ start: ongoing.start, end: now }, plan);
    if (verdict.match === 'planned') lines.push(`this outage is planned ${windowSpan(verdict.window, report)}`);
    else if (verdict.match === 'unplanned')
      lines.push(`this outage is not in the schedule${file.group ? ` for group ${file.group}` : ''}`);
  }
  const inForce = plan.windows.find((w) => w.start <= now && now < w.end);
  if (inForce && !ongoing) lines.push(`planned outage now ${windowSpan(inForce, report)}`);
  const next = plan.windows.find((w) => w.start > now);
  if (next) lines.push(`next planned outage ${windowSpan(next, report)}`);
  return lines;
}

function ScheduleBlock(props: { file: ScheduleFileJson | undefined; report: Report }): VNode | null {
  const lines = scheduleLines(props.file, props.report);
  const file = props.file;
  if (lines.length === 0 || !file) return null;
  // A fetched copy is dated; a schedule file is the plan as it stands.
  const source =
    file.validUntil !== null && file.asOf
      ? `schedule as of ${when(new Date(file.asOf), props.report)}`
      : 'schedule file';
  return html`<section class="schedule" aria-label="outage schedule">
    ${lines.map((line) => html`<p class="plan-line">${line}</p>`)}
    <p class="meta">${file.group ? `group ${file.group} · ` : ''}${source}</p>
  </section>`;
}

export function NowPage(props: { report: Report; schedule?: ScheduleFileJson | undefined }): VNode {
  const { report } = props;
  return html`<div class="page now">
    <${StatusBlock} report=${report} />
    <${ScheduleBlock} file=${props.schedule} report=${report} />
    <h2>Today</h2>
    ${todayBar(report, 'Today')}
    <p class="nums">${dayNumbers(report, report.json.days.length - 1)}</p>
    <h2>Last 24 hours</h2>
    ${last24Hours(report)}
    <${Legend} />
  </div>`;
}

/** `ON 20 h 05 min (93.1%) · OFF 1 h 30 min · no reading 5 min` for one day of the report. */
function dayNumbers(report: Report, index: number): VNode | string {
  const d = report.json.days[index];
  if (!d) return '';
  if (d.notMonitored === d.minutes) return 'not monitored';
  const day = report.days[index];
  // Counted where the outage began; from hourly data an outage has no start to count it by.
  const outages =
    day && report.minuteStates.unresolved.length === 0
      ? report.outages.filter((o) => o.start >= day.start && o.start < day.end).length
      : 0;
  const known =
    d.on + d.off > 0
      ? html`<span>ON <b>${unbroken(formatDuration(d.on))}</b> (${formatShare(d.on / (d.on + d.off))})</span> · <span>OFF <b>${unbroken(formatDuration(d.off))}</b>${
          outages > 0 ? ` (${outages} outage${outages === 1 ? '' : 's'})` : ''
        }</span>`
      : '';
  const rest = [
    d.unknown > 0 && html`<span>no reading <b>${unbroken(formatDuration(d.unknown))}</b></span>`,
    d.pending > 0 && d.pending < d.minutes && html`<span>${unbroken(formatDuration(d.pending))} to come</span>`,
  ].filter((x): x is VNode => x !== false);
  return html`${known}${rest.map((r, i) => html`${known || i > 0 ? ' · ' : ''}${r}`)}`;
}

export function DaysPage(props: { report: Report; series: Series; range: DaysRange }): VNode {
  const { report, series, range } = props;
  const t = report.json.totals;
  const monitoringSince = report.monitoringSince && `monitoring since ${when(report.monitoringSince, report)}`;
  const toggle = (value: DaysRange, text: string): VNode =>
    html`<a class="toggle" href=${routeHash({ page: 'days', series, range: value })} aria-current=${range === value ? 'true' : undefined}>${text}</a>`;
  // Days before the first reading say nothing each: one line for all of them.
  const monitored = (index: number): boolean => {
    const d = report.json.days[index];
    return d !== undefined && d.notMonitored < d.minutes;
  };
  const unmonitored = report.days.filter((_day, index) => !monitored(index));
  const firstUnmonitored = unmonitored[0];
  const lastUnmonitored = unmonitored.at(-1);
  const rows = report.days
    .map((day, index) => ({ day, index }))
    .filter(({ index }) => monitored(index))
    .reverse()
    .map(
      ({ day, index }) => html`<div class="day-row">
        <span class="day-label">${dayWords(day, report.tz)}${day.last - day.first !== 1440 ? html`<small>${(day.last - day.first) / 60} h</small>` : ''}</span>
        <div>
          <${Timeline}
            minuteStates=${report.minuteStates}
            first=${day.first}
            last=${day.last}
            label=${`${dayWords(day, report.tz)}: ${countsWords(countMinutes(report.minuteStates, day.first, day.last))}`}
            ticks=${dayTicks(report.minuteStates, day, report.tz)}
          />
          <p class="nums">${dayNumbers(report, index)}</p>
        </div>
      </div>`,
    );
  return html`<div class="page days">
    <div class="toggles" role="group" aria-label="period">${toggle('week', '7 days')}${toggle('month', '30 days')}</div>
    <div class="cards">
      <div class="card">power on<b>${formatShare(t.onShare)}</b>of known minutes</div>
      <div class="card">power off<b>${unbroken(formatDuration(t.off))}</b>${
        // From hourly data an outage inside a mixed hour has no start or end to count it by.
        report.minuteStates.unresolved.length > 0
          ? 'counted by the hour'
          : `${report.outages.length} outage${report.outages.length === 1 ? '' : 's'}`
      }</div>
      <div class="card">no reading<b>${unbroken(formatDuration(t.unknown))}</b>${
        report.minuteStates.unresolved.length > 0
          ? 'counted by the hour'
          : `${report.json.gaps.length} gap${report.json.gaps.length === 1 ? '' : 's'}`
      }</div>
    </div>
    <p class="sub">${unbroken(periodWords(report))}${monitoringSince ? html` · <span>${unbroken(monitoringSince)}</span>` : ''}</p>
    <h2>Per day</h2>
    <${Legend} hourly=${report.minuteStates.unresolved.length > 0} notMonitored=${t.notMonitored > 0} />
    <div class="day-list">${rows}${
      firstUnmonitored &&
      lastUnmonitored &&
      html`<p class="not-monitored">${unbroken(
        firstUnmonitored === lastUnmonitored
          ? dayWords(firstUnmonitored, report.tz)
          : `${dayWords(firstUnmonitored, report.tz)} – ${dayWords(lastUnmonitored, report.tz)}`,
      )}: not monitored yet</p>`
    }</div>
    <h2>Hour × day</h2>
    <${Heatmap} report=${report} />
  </div>`;
}

/** `07:30–08:15`, or `21:40 – Sun 29 Mar 01:10` across midnight (the start's day is written before it). */
function clockSpan(outage: Outage, tz: string): string {
  const endDay = formatLocalDate(new Date(outage.end.getTime() - 1), tz);
  return endDay === formatLocalDate(outage.start, tz)
    ? `${formatClock(outage.start, tz)}–${formatClock(outage.end, tz)}`
    : `${formatClock(outage.start, tz)} – ${formatLocalDay(outage.end, tz)} ${formatClock(outage.end, tz)}`;
}

function outageRow(outage: Outage, report: Report, ongoing: boolean): VNode {
  const notes = [
    ongoing && 'ongoing',
    outage.startUncertain && 'start uncertain',
    outage.endUncertain && !ongoing && 'end uncertain',
    outage.missingMinutes > 0 && `${outage.missingMinutes} min without reading inside`,
  ].filter((n): n is string => typeof n === 'string');
  return html`<li class="outage">
    <span class="when"><b>${formatLocalDay(outage.start, report.tz)}</b> ${clockSpan(outage, report.tz)}</span>
    <span class="length">${atLeast(outageLength(outage))}</span>
    ${notes.length > 0 && html`<small>${notes.join(' · ')}</small>`}
  </li>`;
}

export function OutagesPage(props: { report: Report; calendarUrl: string | undefined }): VNode {
  const { report, calendarUrl } = props;
  const ongoing = report.status?.state === 'off' ? report.outages.at(-1) : undefined;
  const list = [...report.outages].reverse();
  return html`<div class="page outages">
    <p class="sub">${list.length} outage${list.length === 1 ? '' : 's'} in the last ${report.days.length} days, newest first.</p>
    ${
      list.length === 0
        ? html`<p>No outages in this period.</p>`
        : html`<ol class="outage-list">${list.map((o) => outageRow(o, report, o === ongoing))}</ol>`
    }
    ${calendarUrl ? html`<${CalendarLink} url=${calendarUrl} />` : html`<${CalendarFile} report=${report} />`}
  </div>`;
}

/** No server to subscribe to (DynamoDB mode): the same events as a file, made here by the report's own renderer. */
function CalendarFile(props: { report: Report }): VNode {
  const [href, setHref] = useState('');
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([renderIcs(props.report)], { type: 'text/calendar' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [props.report]);
  return html`<section class="calendar" aria-labelledby="calendar-h">
    <h2 id="calendar-h">Outages in your calendar</h2>
    <p class="sub">This page reads the tables directly, so there is no address to subscribe to: import the
      outages of these ${props.report.days.length} days as a file (importing it again updates them).</p>
    <p><a class="button" href=${href} download="outages.ics">Download outages.ics</a></p>
  </section>`;
}

function CalendarLink(props: { url: string }): VNode {
  const [copied, setCopied] = useState('');
  const webcal = props.url.replace(/^https?:/, 'webcal:');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(props.url);
      setCopied('Copied');
    } catch {
      // No clipboard (plain http, or refused): the field is selected for a manual copy.
      (document.getElementById('calendar-url') as HTMLInputElement | null)?.select();
      setCopied('Selected: copy it with Ctrl+C / long press');
    }
  };
  return html`<section class="calendar" aria-labelledby="calendar-h">
    <h2 id="calendar-h">Outages in your calendar</h2>
    <p><a class="button" href=${webcal}>Subscribe (webcal)</a></p>
    <p><label for="calendar-url">Or add this address to your calendar app:</label></p>
    <div class="copy">
      <input id="calendar-url" type="text" readonly value=${props.url} />
      <button type="button" class="button" onClick=${copy}>Copy</button>
    </div>
    <p class="sub" aria-live="polite">${copied}</p>
  </section>`;
}

export function DevicesPage(props: { reports: { series: Series; report: Report }[] }): VNode {
  return html`<div class="page devices">
    <ul class="device-list">
      ${props.reports.map(
        ({ series, report }) => html`<li>
          <a class="device-card" href=${routeHash({ page: 'now', series, range: 'week' })}>
            <h2>${seriesName(series)}</h2>
            <${StatusBlock} report=${report} compact=${true} />
            ${todayBar(report, `${seriesName(series)} today`)}
          </a>
        </li>`,
      )}
    </ul>
    <${Legend} />
  </div>`;
}
