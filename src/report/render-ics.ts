/**
 * `--format ics`: the outages as iCalendar events (RFC 5545), so a phone calendar shows when the
 * power was off. Times are UTC (`DTSTART:20251025T204000Z`), which every calendar shows in its own
 * zone; lines end in CRLF and are folded at 75 octets. Each outage's UID is built from the series and
 * the outage's start, so a calendar that imports the file again (or subscribes to it) updates the
 * event instead of adding a copy — e.g. when an ongoing outage has ended.
 */
import { formatDuration } from '../domain/format.js';
import type { Outage } from '../domain/outages.js';
import type { Report } from './model.js';
import { outageLength, outageSpan } from './words.js';

/** `20251025T204000Z`. */
const utcStamp = (instant: Date): string =>
  instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** TEXT value escaping (RFC 5545 3.3.11). */
const text = (value: string): string =>
  value.replaceAll('\\', '\\\\').replaceAll(';', '\\;').replaceAll(',', '\\,').replaceAll('\n', '\\n');

const encoder = new TextEncoder();

/**
 * A content line folded at 75 octets (continuations start with a space), never inside a character
 * nor between a backslash and the character it escapes (legal, but not every reader copes).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line.match(/\\.|[\s\S]/gu) ?? []) {
    const size = encoder.encode(char).length;
    // The first line holds 75 octets, each continuation its leading space and 74.
    if (octets + size > 75) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

function description(outage: Outage, report: Report): string {
  const { json } = report;
  const ongoing =
    report.status?.state === 'off' && report.status.since?.getTime() === outage.start.getTime() && outage.endUncertain;
  const notes = [
    `Power off ${outageSpan(outage, report)} (${report.tz})${ongoing ? ' so far' : ''}, ${outageLength(outage)}.`,
  ];
  if (outage.startUncertain) {
    notes.push(
      'Start uncertain: the minute before it has no reading (or is outside the report), so it may have begun earlier.',
    );
  }
  if (ongoing) notes.push('Still off when the report was made: the end is the last reading so far.');
  else if (outage.endUncertain) {
    notes.push(
      'End uncertain: the minute after it has no reading (or is outside the report), so it may have lasted longer.',
    );
  }
  if (outage.missingMinutes > 0) {
    notes.push(
      `No reading for ${formatDuration(outage.missingMinutes)} inside it: OFF on both sides, so one outage (gaps of up to ${json.mergeGap} min join).`,
    );
  }
  notes.push(`${json.device} pin ${json.pin} (${json.mode}), blackout-report.`);
  return notes.join('\n');
}

export function renderIcs(report: Report): string {
  const { json } = report;
  const stamp = utcStamp(report.generatedAt);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//blackout-monitor//blackout-report//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(`Power outages · ${json.device} pin ${json.pin}`)}`,
    ...report.outages.flatMap((outage) => [
      'BEGIN:VEVENT',
      `UID:outage-${utcStamp(outage.start)}-${json.device}-${json.pin}@blackout-monitor`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utcStamp(outage.start)}`,
      `DTEND:${utcStamp(outage.end)}`,
      `SUMMARY:${text(`Power off · ${outageLength(outage)}`)}`,
      `DESCRIPTION:${text(description(outage, report))}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
