/** `dist/report.js --schedule …` as a user runs it: the comparison in the JSON, and mistakes refused in one line. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { EXPECTED_PLAN_TOTALS, FIXTURES, TZ, WEEK_ICS, weekMinutes } from './week-data.js';

let temp: ReturnType<typeof tempDir>;
let db: string;

beforeAll(async () => {
  temp = tempDir('blackout-schedule-cli-');
  db = join(temp.dir, 'week.sqlite');
  const store = new SqliteStore({ file: db });
  await store.putMinutes(weekMinutes());
  await store.close();
});
afterAll(() => temp.cleanup());

const run = (args: string[], env: Record<string, string> = {}) =>
  runEntrypoint(
    'report',
    [SERIES.device, String(SERIES.pin), 'dev', '--db', db, '--log-dir', join(temp.dir, 'logs'), '--tz', TZ, ...args],
    { env: { BLACKOUT_SCHEDULE_CACHE: join(temp.dir, 'cache'), ...env } },
  );
const WEEK = ['--from', '2025-10-22', '--to', '2025-10-28'];

describe('blackout-report --schedule', () => {
  it('adds the schedule block to the JSON (group from BLACKOUT_SCHEDULE_GROUP)', async () => {
    const result = await run([...WEEK, '--format', 'json', '--schedule', WEEK_ICS], { BLACKOUT_SCHEDULE_GROUP: '2.1' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json).at(-1)).toBe('schedule');
    expect(json.schedule.totals).toEqual(EXPECTED_PLAN_TOTALS);
    expect(Object.keys(json.schedule)).toEqual([
      'group',
      'format',
      'source',
      'updatedAt',
      'fetchedAt',
      'staleReason',
      'notes',
      'windows',
      'outages',
      'days',
      'totals',
    ]);
  });

  it('reads the source from BLACKOUT_SCHEDULE and writes --csv schedule', async () => {
    const result = await run([...WEEK, '--format', 'csv', '--csv', 'schedule'], { BLACKOUT_SCHEDULE: WEEK_ICS });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[3]).toBe(
      'window,2025-10-23T18:00:00+03:00,2025-10-23T21:00:00+03:00,180,happened,160,0,20,0',
    );
  });

  it('refuses mistakes in one line with exit 2', async () => {
    const noSource = await run([...WEEK, '--schedule-group', '2.1']);
    expect([noSource.code, noSource.stderr]).toEqual([
      2,
      'report: --schedule-group needs --schedule (or BLACKOUT_SCHEDULE)\n',
    ]);
    const missing = await run([...WEEK, '--schedule', join(temp.dir, 'nope.ics')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^report: invalid --schedule ".*nope\.ics": no such file \(or give an http\(s\) URL\)\n$/,
    );
    const csv = await run([...WEEK, '--format', 'csv', '--csv', 'schedule']);
    expect([csv.code, csv.stderr]).toEqual([2, 'report: --csv schedule needs --schedule SOURCE\n']);
    const format = await run([...WEEK, '--schedule', WEEK_ICS, '--schedule-format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('report: invalid --schedule-format "pdf": one of ics, yasno, outage-data-ua\n');
  });

  it('fails in one line, writing no report, when the plan cannot be read', async () => {
    const result = await run([...WEEK, '--schedule', join(FIXTURES, 'yasno.json'), '--schedule-group', '7.7']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('report: schedule: no group "7.7" in the schedule; it has 1.1, 2.1\n');
    const junk = join(temp.dir, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    const bad = await run([...WEEK, '--schedule', junk]);
    expect(bad.stderr).toBe(
      'report: schedule: not a schedule format this tool reads (iCalendar, Yasno JSON or outage-data-ua JSON); see --schedule-format\n',
    );
  });
});
