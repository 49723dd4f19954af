/**
 * Planned vs actual, end to end below the command line: the week's minutes in a real SQLite file,
 * the plan from each fixture format, the comparison in the report's JSON, table and CSV.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/cli/period.js';
import {
  compareWithPlan,
  isPlanned,
  nextPlannedWindow,
  normalizeWindows,
  type Plan,
} from '../../src/domain/schedule.js';
import { createReport, renderReport } from '../../src/report/report.js';
import { parsePlan, ScheduleError } from '../../src/schedule/sources/index.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import {
  EXPECTED_MATCHES,
  EXPECTED_PLAN_DAYS,
  EXPECTED_PLAN_TOTALS,
  EXPECTED_WINDOWS,
  FIXTURES,
  FROM,
  TO,
  TZ,
  WEEK_ICS,
  weekMinutes,
} from './week-data.js';

const LATER = new Date('2025-11-05T12:00:00Z');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const request = (group: string | undefined, from = FROM, to = TO) => ({ group, from, to, tz: TZ });
const spans = (plan: Plan) =>
  plan.windows.map((w) => [w.start.toISOString(), w.end.toISOString(), ...(w.possible ? ['possible'] : [])]);

let temp: ReturnType<typeof tempDir>;
let store: SqliteStore;

beforeAll(async () => {
  temp = tempDir('blackout-schedule-');
  store = new SqliteStore({ file: join(temp.dir, 'week.sqlite') });
  await store.putMinutes(weekMinutes());
});
afterAll(async () => {
  await store.close();
  temp.cleanup();
});

async function weekReport(now = LATER) {
  const plan = parsePlan(fixture('week-2.1.ics'), request('2.1'));
  const period = resolvePeriod({ from: '2025-10-22', to: '2025-10-28' }, TZ, now);
  const loaded = { plan, source: WEEK_ICS, fetchedAt: new Date('2025-10-21T12:00:00Z'), staleReason: null };
  return (await createReport(store, { line: SERIES, mode: 'dev', period, source: 'raw', now, plan: loaded })).report;
}

describe('planned vs actual over a week in Europe/Kyiv', () => {
  it('matches each outage to its window, judges each window and sums each day and the period', async () => {
    const report = await weekReport();
    const schedule = JSON.parse(renderReport(report, 'json')).schedule;
    expect(schedule.windows).toEqual(EXPECTED_WINDOWS);
    expect(schedule.outages).toMatchObject(EXPECTED_MATCHES);
    expect(schedule.days).toEqual(EXPECTED_PLAN_DAYS);
    expect(schedule.totals).toEqual(EXPECTED_PLAN_TOTALS);
    expect(schedule).toMatchObject({ group: '2.1', format: 'ics', staleReason: null, notes: [] });
    expect(schedule.updatedAt).toBe('2025-10-25T11:00:00+03:00');
  });

  it('lists the plan in the table and marks every outage', async () => {
    const text = renderReport(await weekReport(), 'table');
    const section = text.slice(text.indexOf('Schedule: group 2.1'));
    expect(section.split('\n').slice(1, 10)).toEqual([
      'day         planned  planned OFF      OFF  unplanned  plan happened  start delay',
      '2025-10-22     3:00         3:00     3:00       0:00         100.0%       ±0 min',
      '2025-10-23     3:00         2:40     2:40       0:00          88.9%      +20 min',
      '2025-10-24     0:00         0:00     0:40       0:40              –            –',
      '2025-10-25     3:00         2:50     4:20       0:00          94.4%      +10 min',
      '2025-10-26     6:00         0:00     0:00       0:00           0.0%            –',
      '2025-10-27     3:00         1:00     1:00       0:00          33.3%       ±0 min',
      '2025-10-28     3:00         2:50     2:50       0:00          94.4%       +5 min',
      'period        21:00        12:20    14:30       0:40          68.5%       +7 min',
    ]);
    expect(section).toContain(
      '  2025-10-25 18:00 – 21:00             happened      started +10 min, ended +1 h 30 min\n',
    );
    expect(section).toContain('  2025-10-26 18:00 – 21:00             no reading\n');
    expect(section).toContain('Outages not in the schedule:\n  2025-10-24 14:02 – 14:42             unplanned\n');
    expect(text).toContain('  2025-10-24 14:02 – 14:42                   40 min  [unplanned]\n');
    expect(text).toContain('  2025-10-23 18:20 – 21:00               2 h 40 min  [planned]\n');
  });

  it('writes windows and outages by start with --csv schedule', async () => {
    const rows = renderReport(await weekReport(), 'csv', { csv: 'schedule' })
      .trim()
      .split('\n');
    expect(rows[0]).toBe(
      'kind,start,end,minutes,status,off_minutes,unknown_minutes,start_delay_minutes,end_difference_minutes',
    );
    expect(rows.slice(1, 6)).toEqual([
      'window,2025-10-22T18:00:00+03:00,2025-10-22T21:00:00+03:00,180,happened,180,0,0,0',
      'outage,2025-10-22T18:00:00+03:00,2025-10-22T21:00:00+03:00,180,planned,180,0,0,0',
      'window,2025-10-23T18:00:00+03:00,2025-10-23T21:00:00+03:00,180,happened,160,0,20,0',
      'outage,2025-10-23T18:20:00+03:00,2025-10-23T21:00:00+03:00,160,planned,160,0,20,0',
      'outage,2025-10-24T14:02:00+03:00,2025-10-24T14:42:00+03:00,40,unplanned,40,0,,',
    ]);
    expect(rows).toHaveLength(1 + 7 + 6);
  });

  it('draws the planned windows as outlines in the HTML timeline', async () => {
    const html = renderReport(await weekReport(), 'html');
    expect(html.match(/<rect class="plan"/g)).toHaveLength(7);
    expect(html).toContain('2025-10-26 planned 09:00–12:00: notAtAll');
    expect(html).toContain('<h2>Planned vs actual</h2>');
  });

  it('does not judge a window before it is over, nor count the minutes after now', async () => {
    const report = await weekReport(new Date('2025-10-28T17:00:00Z')); // 19:00 local on the last day
    const schedule = JSON.parse(renderReport(report, 'json')).schedule;
    expect(schedule.windows.at(-1)).toMatchObject({ status: 'inProgress', minutes: 60, offMinutes: 55, onMinutes: 5 });
    expect(schedule.days.at(-1)).toMatchObject({ plannedMinutes: 60, plannedOffMinutes: 55, offMinutes: 55 });
  });

  it('gives the dashboard the next window and whether an outage was planned', () => {
    const plan = parsePlan(fixture('week-2.1.ics'), request('2.1'));
    expect(nextPlannedWindow(plan, new Date('2025-10-26T10:00:00+02:00'))?.start.toISOString()).toBe(
      '2025-10-26T07:00:00.000Z',
    );
    expect(nextPlannedWindow(plan, new Date('2025-10-26T12:00:00+02:00'))?.start.toISOString()).toBe(
      '2025-10-26T16:00:00.000Z',
    );
    expect(nextPlannedWindow(plan, new Date('2025-10-28T21:00:00+02:00'))).toBeNull();
    const outage = (a: string, b: string) => ({ start: new Date(a), end: new Date(b) });
    expect(isPlanned(outage('2025-10-24T14:02:00+03:00', '2025-10-24T14:42:00+03:00'), plan)).toBe(false);
    // Ten minutes after the window ended is still within the slack.
    expect(isPlanned(outage('2025-10-22T21:10:00+03:00', '2025-10-22T21:40:00+03:00'), plan)).toBe(true);
    expect(isPlanned(outage('2025-10-22T21:16:00+03:00', '2025-10-22T21:40:00+03:00'), plan)).toBe(false);
  });
});

describe('iCalendar', () => {
  it('expands the daily rule without the EXDATE, in the TZID zone across the DST change', () => {
    const plan = parsePlan(fixture('week-2.1.ics'), request('2.1'));
    expect(plan.format).toBe('ics');
    expect(plan.coverage).toBeNull();
    expect(spans(plan)).toEqual([
      ['2025-10-22T15:00:00.000Z', '2025-10-22T18:00:00.000Z'],
      ['2025-10-23T15:00:00.000Z', '2025-10-23T18:00:00.000Z'],
      ['2025-10-25T15:00:00.000Z', '2025-10-25T18:00:00.000Z'],
      ['2025-10-26T07:00:00.000Z', '2025-10-26T10:00:00.000Z'],
      ['2025-10-26T16:00:00.000Z', '2025-10-26T19:00:00.000Z'],
      ['2025-10-27T16:00:00.000Z', '2025-10-27T19:00:00.000Z'],
      ['2025-10-28T16:00:00.000Z', '2025-10-28T19:00:00.000Z'],
    ]);
  });

  it('keeps only the occurrences in the requested span, and an overridden instance where it moved', () => {
    const ics = fixture('week-2.1.ics').replace(
      'END:VCALENDAR',
      [
        'BEGIN:VEVENT',
        'UID:evening@test',
        'RECURRENCE-ID;TZID=Europe/Kyiv:20251023T180000',
        'DTSTART;TZID=Europe/Kyiv:20251023T200000',
        'DTEND;TZID=Europe/Kyiv:20251023T230000',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    const plan = parsePlan(ics, request('2.1', new Date('2025-10-23T00:00:00Z'), new Date('2025-10-25T00:00:00Z')));
    expect(spans(plan)).toEqual([['2025-10-23T17:00:00.000Z', '2025-10-23T20:00:00.000Z']]);
  });

  it('refuses a file that is not iCalendar with one clear line', () => {
    expect(() => parsePlan('BEGIN:VCALENDAR\r\nnot a line\r\n', request(undefined), 'ics')).toThrow(ScheduleError);
    expect(() => parsePlan('hello', request(undefined))).toThrow(/not a schedule format this tool reads/);
  });
});

describe('outage-data-ua', () => {
  it('reads whole and half hours and possible ones, by the wall clock on the 25-hour day', () => {
    const plan = parsePlan(fixture('kyiv-outage-data-ua.json'), request('2.1'));
    expect(plan.format).toBe('outage-data-ua');
    expect(plan.updatedAt?.toISOString()).toBe('2025-10-26T08:51:00.000Z');
    expect(spans(plan)).toEqual([
      // Hour 4 (03:00-04:00) is the repeated hour: 120 minutes.
      ['2025-10-26T00:00:00.000Z', '2025-10-26T02:00:00.000Z'],
      ['2025-10-26T07:00:00.000Z', '2025-10-26T07:30:00.000Z'],
      ['2025-10-26T08:00:00.000Z', '2025-10-26T09:00:00.000Z', 'possible'],
      ['2025-10-26T16:00:00.000Z', '2025-10-26T19:00:00.000Z'],
      // Hour 13 "second" and hour 14 "no" join: 12:30-14:00.
      ['2025-10-27T10:30:00.000Z', '2025-10-27T12:00:00.000Z'],
    ]);
    expect(plan.coverage?.map((c) => [c.start.toISOString(), c.end.toISOString()])).toEqual([
      ['2025-10-25T21:00:00.000Z', '2025-10-26T22:00:00.000Z'],
      ['2025-10-26T22:00:00.000Z', '2025-10-27T22:00:00.000Z'],
    ]);
    expect(parsePlan(fixture('kyiv-outage-data-ua.json'), request('GPV2.1')).windows).toEqual(plan.windows);
  });

  it('gives no window for the hour the clocks skip (2026-03-29)', () => {
    const plan = parsePlan(fixture('march-outage-data-ua.json'), request('2.1'));
    expect(spans(plan)).toEqual([
      // 02:00 (+02:00) to 05:00 (+03:00): three hours on the clock, two in time.
      ['2026-03-29T00:00:00.000Z', '2026-03-29T02:00:00.000Z'],
      ['2026-03-29T06:00:00.000Z', '2026-03-29T06:30:00.000Z', 'possible'],
      ['2026-03-29T08:30:00.000Z', '2026-03-29T09:00:00.000Z', 'possible'],
    ]);
    expect(parsePlan(fixture('march-outage-data-ua.json'), request('3.1')).windows).toEqual([]);
  });

  it('names the groups there are for an unknown one, and refuses unknown hour values', () => {
    expect(() => parsePlan(fixture('kyiv-outage-data-ua.json'), request('9.9'))).toThrow(
      'no group "9.9" in the schedule; it has 1.1, 2.1',
    );
    expect(() => parsePlan(fixture('kyiv-outage-data-ua.json'), request(undefined))).toThrow(
      'give --schedule-group (one of 1.1, 2.1)',
    );
    const bad = fixture('kyiv-outage-data-ua.json').replace('"first"', '"half"');
    expect(() => parsePlan(bad, request('2.1'))).toThrow('2025-10-26 GPV2.1 hour 10: unknown value "half"');
  });
});

describe('Yasno', () => {
  it('reads Definite slots in Kyiv wall-clock minutes and gives no windows for a day waiting for its schedule', () => {
    const plan = parsePlan(fixture('yasno.json'), request('2.1'));
    expect(plan.format).toBe('yasno');
    expect(plan.updatedAt?.toISOString()).toBe('2025-10-26T07:30:00.000Z');
    expect(spans(plan)).toEqual([
      // Minutes 180-240 are 03:00-04:00 by the clock: the repeated hour, 120 minutes.
      ['2025-10-26T00:00:00.000Z', '2025-10-26T02:00:00.000Z'],
      ['2025-10-26T16:00:00.000Z', '2025-10-26T19:00:00.000Z'],
    ]);
    expect(plan.notes).toEqual(['2025-10-27: WaitingForSchedule, no planned windows for it']);
    expect(plan.coverage).toHaveLength(1);
  });

  it('refuses malformed slots and unknown types, naming where', () => {
    const json = JSON.parse(fixture('yasno.json'));
    json['2.1'].today.slots[1] = { start: 240, end: 180, type: 'Definite' };
    expect(() => parsePlan(JSON.stringify(json), request('2.1'))).toThrow(
      'group 2.1 2025-10-26 slot 2: 240-180 is not within 0-1440',
    );
    json['2.1'].today.slots[1] = { start: 180, end: 240, type: 'Maybe' };
    expect(() => parsePlan(JSON.stringify(json), request('2.1'))).toThrow('slot 2: unknown type "Maybe"');
    expect(() => parsePlan(fixture('yasno.json'), request('3.3'))).toThrow('it has 1.1, 2.1');
  });

  it('counts outages on a day without a schedule as no plan, not unplanned', async () => {
    const plan = parsePlan(fixture('yasno.json'), request('2.1'));
    const period = resolvePeriod({ from: '2025-10-22', to: '2025-10-28' }, TZ, LATER);
    const report = (await createReport(store, { line: SERIES, mode: 'dev', period, source: 'raw', now: LATER })).report;
    const result = compareWithPlan({ ...report, plan, now: LATER });
    expect(result.outages.map((o) => o.match)).toEqual(['noPlan', 'noPlan', 'noPlan', 'noPlan', 'noPlan', 'noPlan']);
    expect(result.totals).toMatchObject({ noPlanOffMinutes: 870, unplannedOffMinutes: 0, plannedMinutes: 300 });
  });
});

describe('normalizeWindows', () => {
  it('joins touching windows of a kind and lets a definite window cut a possible one', () => {
    const t = (h: number) => new Date(Date.UTC(2025, 0, 1, h));
    expect(
      normalizeWindows([
        { start: t(3), end: t(5), possible: true },
        { start: t(1), end: t(2), possible: false },
        { start: t(2), end: t(4), possible: false },
      ]),
    ).toEqual([
      { start: t(1), end: t(4), possible: false },
      { start: t(4), end: t(5), possible: true },
    ]);
  });
});
