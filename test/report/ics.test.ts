/**
 * `--format ics`: the outages as iCalendar events, read back by a real parser (ical.js): CRLF lines
 * folded at 75 octets, a stable UID per outage and series, UTC start and end, the duration in the
 * summary and uncertain edges in the description.
 */
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldLine } from '../../src/report/render-ics.js';
import { renderReport } from '../../src/report/report.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { freshReport } from './fresh-checks.js';
import { freshMinutes } from './fresh-data.js';
import { knownMinutes, TZ } from './known-data.js';

let temp: ReturnType<typeof tempDir>;
let store: SqliteStore;
let knownDb: string;

beforeAll(async () => {
  temp = tempDir('blackout-ics-');
  store = new SqliteStore({ file: join(temp.dir, 'fresh.sqlite') });
  await store.putMinutes(freshMinutes());
  knownDb = join(temp.dir, 'known.sqlite');
  const known = new SqliteStore({ file: knownDb });
  await known.putMinutes(knownMinutes());
  await known.close();
});
afterAll(async () => {
  await store.close();
  temp.cleanup();
});

const octets = (line: string): number => new TextEncoder().encode(line).length;

function events(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  expect(calendar.name).toBe('vcalendar');
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  return calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      utc: event.startDate.zone?.tzid === 'UTC' && event.endDate.zone?.tzid === 'UTC',
      summary: event.summary,
      description: event.description,
      stamp: String(vevent.getFirstPropertyValue('dtstamp')),
    };
  });
}

describe('--format ics', () => {
  it('is RFC 5545 text: CRLF lines of at most 75 octets, folded, that ical.js reads back', async () => {
    const { report } = await freshReport(store, SERIES, { source: 'raw' });
    const text = renderReport(report, 'ics');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n').slice(0, -1);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(Math.max(...lines.map(octets))).toBeLessThanOrEqual(75);
    // The descriptions are longer than a line: folded, with continuation lines.
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    expect(lines).toContain('DTSTART:20261128T174500Z');
    expect(lines).toContain('DTEND:20261128T194500Z');

    expect(events(text)).toEqual([
      {
        uid: 'outage-20261128T174500Z-alex_rpi-4@blackout-monitor',
        start: '2026-11-28T17:45:00.000Z',
        end: '2026-11-28T19:45:00.000Z',
        utc: true,
        summary: 'Power off · 2 h 00 min',
        description:
          'Power off Sat 28 Nov 19:45–21:45 (Europe/Kyiv), 2 h 00 min.\n' +
          'No reading for 1 min inside it: OFF on both sides, so one outage (gaps of up to 5 min join).\n' +
          'alex_rpi pin 4 (dev), blackout-report.',
        stamp: '2026-12-01T12:00:30Z',
      },
      {
        uid: 'outage-20261201T070000Z-alex_rpi-4@blackout-monitor',
        start: '2026-12-01T07:00:00.000Z',
        end: '2026-12-01T10:00:00.000Z',
        utc: true,
        summary: 'Power off · 3 h 00 min',
        description: 'Power off 09:00–12:00 (Europe/Kyiv), 3 h 00 min.\nalex_rpi pin 4 (dev), blackout-report.',
        stamp: '2026-12-01T12:00:30Z',
      },
    ]);
  });

  it('gives an outage the same UID in every report that shows it (a re-import updates it)', async () => {
    const week = events(renderReport((await freshReport(store, SERIES, { source: 'raw' })).report, 'ics'));
    const day = events(
      renderReport((await freshReport(store, SERIES, { day: '2026-11-28', source: 'auto' })).report, 'ics'),
    );
    expect(day.map((e) => e.uid)).toEqual([week[0]?.uid]);
    // Another series, another UID.
    const other = events(
      renderReport(
        (await freshReport(store, { device: 'other', pin: 17 }, { day: '2026-11-28', source: 'raw' })).report,
        'ics',
      ),
    );
    expect(other).toEqual([]);
  });

  it('says which edge is uncertain, and that an outage is still going on', async () => {
    // Cut by the period's start: it may have begun before 20:00.
    const cut = events(
      renderReport(
        (await freshReport(store, SERIES, { from: '2026-11-28T20:00', to: '2026-11-29', source: 'raw' })).report,
        'ics',
      ),
    );
    expect(cut[0]?.summary).toBe('Power off · ≥ 1 h 45 min');
    expect(cut[0]?.description).toContain('Start uncertain: the minute before it has no reading');
    // At 10:30, the outage that began at 09:00 is not over: the readings so far.
    const now = new Date('2026-12-01T08:30:30Z');
    const series = { device: 'ongoing', pin: 4 };
    await store.putMinutes(freshMinutes({ series }).filter((m) => new Date(m.ts) < now));
    const ongoing = events(renderReport((await freshReport(store, series, { source: 'raw', now })).report, 'ics'));
    expect(ongoing[1]).toMatchObject({
      start: '2026-12-01T07:00:00.000Z',
      // The 10:30 reading (taken at 10:30:03) is in: off until at least 10:31.
      end: '2026-12-01T08:31:00.000Z',
      summary: 'Power off · ≥ 1 h 31 min',
    });
    expect(ongoing[1]?.description).toContain('Still off when the report was made');
    expect(ongoing[1]?.uid).toBe('outage-20261201T070000Z-ongoing-4@blackout-monitor');
  });

  it('folds at 75 octets without splitting a character, and unfolds to the same text', () => {
    const line = `DESCRIPTION:${'Power off · ≥ 47 min; '.repeat(12)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(octets(part)).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.replaceAll('\r\n ', '')).toBe(line);
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
    // An escape stays whole: no line ends in a lone backslash.
    const escaped = foldLine(`DESCRIPTION:${'a\\,b\\n'.repeat(30)}`);
    for (const part of escaped.split('\r\n')) expect(part.endsWith('\\')).toBe(false);
    expect(escaped.replaceAll('\r\n ', '')).toBe(`DESCRIPTION:${'a\\,b\\n'.repeat(30)}`);
  });

  it('is written by blackout-report --format ics', async () => {
    const result = await runEntrypoint('report', [
      ...[SERIES.device, String(SERIES.pin), 'dev', '--db', knownDb, '--log-dir', join(temp.dir, 'logs')],
      ...['--from', '2025-10-25', '--to', '2025-10-27', '--tz', TZ, '--format', 'ics'],
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const list = events(result.stdout);
    expect(list.map((e) => [e.start, e.end, e.summary])).toEqual([
      ['2025-10-25T20:40:00.000Z', '2025-10-25T21:25:00.000Z', 'Power off · 45 min'],
      ['2025-10-26T00:30:00.000Z', '2025-10-26T01:20:00.000Z', 'Power off · 50 min'],
      ['2025-10-26T10:13:00.000Z', '2025-10-26T11:00:00.000Z', 'Power off · ≥ 47 min'],
      ['2025-10-27T06:05:00.000Z', '2025-10-27T06:20:00.000Z', 'Power off · 15 min'],
    ]);
    expect(list[2]?.description).toContain('Start uncertain');
  });
});
