/**
 * Message texts for events, in English or Ukrainian. Pure: the same event, language, time zone and
 * send time always give the same text. Times are shown in the user's zone as HH:MM, with the date
 * when it is not the day the message is sent.
 */
import { type DurationUnits, ENGLISH_UNITS, formatDuration as formatLength } from '../domain/format.js';
import type { EventGap, PowerEvent } from '../domain/power-events.js';
import { MINUTE_MS } from '../domain/time.js';
import { formatLocalClock, formatLocalDate, systemTimeZone } from '../domain/zone.js';

export const LANGUAGES = ['en', 'uk'] as const;
export type Language = (typeof LANGUAGES)[number];

/** An event delivered more than this long after it was detected says so. */
const DELAY_NOTE_MINUTES = 5;

export interface TextOptions {
  lang: Language;
  /** IANA zone for shown times; undefined = the system's zone. */
  timeZone?: string;
  sentAt: Date;
  /** What the outage schedule said of an outage as it began (`--notify-unplanned`). */
  schedule?: ScheduleNote | undefined;
}

/** The schedule's word on an outage, judged when it began: the window that planned it, or none. */
export interface ScheduleNote {
  /** The outage group, as given with --schedule-group; null for a calendar of one group. */
  group: string | null;
  /** The planned window (ISO-8601 UTC, end exclusive); null: not in the schedule. */
  window: { start: string; end: string } | null;
}

export function isDelayed(event: PowerEvent, sentAt: Date): boolean {
  return sentAt.getTime() - Date.parse(event.detectedAt) > DELAY_NOTE_MINUTES * MINUTE_MS;
}

/** `14:02`, or `2025-06-21 14:02` when not on the local day of `sentAt`. */
function formatTime(iso: string, options: Pick<TextOptions, 'timeZone' | 'sentAt'>): string {
  // Without a zone: the one Intl resolved for this process (it honours TZ).
  const zone = options.timeZone ?? systemTimeZone(undefined);
  const instant = new Date(iso);
  const day = formatLocalDate(instant, zone);
  const time = formatLocalClock(instant, zone);
  return day === formatLocalDate(options.sentAt, zone) ? time : `${day} ${time}`;
}

/** `14:00–17:00`; the end's date only when it is not the start's day (a window ending at midnight is `21:00–00:00`). */
function windowSpan(window: { start: string; end: string }, options: Pick<TextOptions, 'timeZone' | 'sentAt'>): string {
  const zone = options.timeZone ?? systemTimeZone(undefined);
  const endDay = formatLocalDate(new Date(Date.parse(window.end) - 1), zone);
  const end =
    endDay === formatLocalDate(new Date(window.start), zone)
      ? formatLocalClock(new Date(window.end), zone)
      : formatTime(window.end, { ...options, sentAt: new Date(window.start) });
  return `${formatTime(window.start, options)}–${end}`;
}

/** ` — not in the schedule for group 2.1` / ` — planned 14:00–17:00`, for the head of an OFF message. */
function scheduleWords(event: PowerEvent, o: TextOptions): string {
  const note = o.schedule;
  if (!note || event.kind !== 'power' || event.state !== 'off') return '';
  if (o.lang === 'uk') {
    if (note.window) return ` — за графіком ${windowSpan(note.window, o)}`;
    return ` — не за графіком${note.group !== null ? ` для групи ${note.group}` : ''}`;
  }
  if (note.window) return ` — planned ${windowSpan(note.window, o)}`;
  return ` — not in the schedule${note.group !== null ? ` for group ${note.group}` : ''}`;
}

const UNITS: Record<Language, DurationUnits> = { en: ENGLISH_UNITS, uk: { day: 'дн', hour: 'год', minute: 'хв' } };

/** `45 min`, `3 h 43 min`, `2 d 4 h` (Ukrainian: `45 хв`, `3 год 43 хв`, `2 дн 4 год`). */
export function formatDuration(minutes: number, lang: Language): string {
  return formatLength(minutes, { style: 'words', units: UNITS[lang] });
}

function gapList(gaps: EventGap[], omitted: number, options: TextOptions): string {
  const spans = gaps.map((g) => `${formatTime(g.from, options)}–${formatTime(g.to, options)}`);
  if (omitted > 0) spans.unshift(options.lang === 'uk' ? `ще ${omitted} раніше` : `${omitted} more before`);
  return spans.join(', ');
}

/** `3 h 43 min`, or `1 h 48 min to 3 h 43 min` when an edge of the state fell where there were no readings. */
function previousLength(event: PowerEvent, lang: Language): string {
  const least = formatDuration(event.previousStateMinutes ?? 0, lang);
  if (event.previousStateMinutesMax === undefined) return least;
  const most = formatDuration(event.previousStateMinutesMax, lang);
  return lang === 'uk' ? `від ${least} до ${most}` : `${least} to ${most}`;
}

function english(event: PowerEvent, o: TextOptions): string {
  const t = (iso: string): string => formatTime(iso, o);
  const where = event.device;
  if (event.kind === 'monitor-back') {
    const gap = event.gaps[0];
    const span = gap ? ` (${t(gap.from)}–${t(gap.to)})` : '';
    const before =
      event.previousState && event.previousState !== event.state
        ? `, was ${event.previousState.toUpperCase()} before`
        : '';
    return `🔌 Monitor ${where} is back at ${t(event.since)} after ${formatDuration(event.gapMinutes ?? 0, 'en')} without readings${span}. Power is ${event.state.toUpperCase()} now${before}.`;
  }
  const when = event.changeWindow
    ? `between ${t(event.changeWindow.from)} and ${t(event.since)} (no readings then, exact minute unknown)`
    : `at ${t(event.since)}`;
  const head =
    event.state === 'off'
      ? `🔴 Power OFF ${when}${scheduleWords(event, o)} — ${where}.`
      : `🟢 Power back ${when} — ${where}.`;
  const atLeast = event.previousSinceKnown === false ? 'at least ' : '';
  const length = previousLength(event, 'en');
  const wentOff = event.previousSinceEarliest
    ? `between ${t(event.previousSinceEarliest)} and ${t(event.previousSince ?? event.since)}`
    : `at ${t(event.previousSince ?? event.since)}`;
  const previous =
    event.previousState === 'off'
      ? event.previousSinceKnown === false
        ? ` It was off for ${atLeast}${length} (since monitoring began)`
        : ` It went off ${wentOff} and was off for ${length}`
      : ` It was on for ${atLeast}${length}${event.previousSinceKnown === false ? ' (since monitoring began)' : ''}`;
  const gaps = event.gaps.length > 0 ? `; monitor had no readings ${gapList(event.gaps, event.gapsOmitted, o)}` : '';
  return `${head}${previous}${gaps}.`;
}

function ukrainian(event: PowerEvent, o: TextOptions): string {
  const t = (iso: string): string => formatTime(iso, o);
  const where = event.device;
  if (event.kind === 'monitor-back') {
    const gap = event.gaps[0];
    const span = gap ? ` (${t(gap.from)}–${t(gap.to)})` : '';
    const now = event.state === 'on' ? 'Зараз світло є' : 'Зараз світла немає';
    return `🔌 Монітор ${where} знову на зв'язку о ${t(event.since)} після ${formatDuration(event.gapMinutes ?? 0, 'uk')} без даних${span}. ${now}.`;
  }
  const when = event.changeWindow
    ? `між ${t(event.changeWindow.from)} і ${t(event.since)} (даних тоді не було, точна хвилина невідома)`
    : `о ${t(event.since)}`;
  const head =
    event.state === 'off'
      ? `🔴 Світло зникло ${when}${scheduleWords(event, o)} — ${where}.`
      : `🟢 Світло повернулося ${when} — ${where}.`;
  const atLeast = event.previousSinceKnown === false ? 'щонайменше ' : '';
  const length = previousLength(event, 'uk');
  const wentOff = event.previousSinceEarliest
    ? `між ${t(event.previousSinceEarliest)} і ${t(event.previousSince ?? event.since)}`
    : `о ${t(event.previousSince ?? event.since)}`;
  const sinceStart = event.previousSinceKnown === false ? ' (від початку спостереження)' : '';
  const previous =
    event.previousState === 'off'
      ? event.previousSinceKnown === false
        ? ` Світла не було ${atLeast}${length}${sinceStart}`
        : ` Зникло ${wentOff}, не було ${length}`
      : ` Світло було ${atLeast}${length}${sinceStart}`;
  const gaps = event.gaps.length > 0 ? `; монітор не мав даних ${gapList(event.gaps, event.gapsOmitted, o)}` : '';
  return `${head}${previous}${gaps}.`;
}

/** The message for an event; a late one ends with "(delayed: sent HH:MM)". */
export function eventText(event: PowerEvent, options: TextOptions): string {
  const text = options.lang === 'uk' ? ukrainian(event, options) : english(event, options);
  if (!isDelayed(event, options.sentAt)) return text;
  const sent = formatTime(options.sentAt.toISOString(), options);
  return options.lang === 'uk' ? `${text} (із запізненням: надіслано ${sent})` : `${text} (delayed: sent ${sent})`;
}

export function testText(device: string, pin: number, options: TextOptions): string {
  const at = formatTime(options.sentAt.toISOString(), options);
  return options.lang === 'uk'
    ? `✅ Тестове сповіщення Blackout Monitor — ${device}, пін ${pin}, ${at}. Сповіщення працюють.`
    : `✅ Test alert from Blackout Monitor — ${device} pin ${pin}, ${at}. Notifications work.`;
}

/** Short ASCII title (HTTP headers carry only Latin-1). */
export function eventTitle(event: PowerEvent | undefined, device: string): string {
  if (!event) return `Blackout Monitor test - ${device}`;
  if (event.kind === 'monitor-back') return `Monitor back - ${device}`;
  return event.state === 'off' ? `Power OFF - ${device}` : `Power back - ${device}`;
}
