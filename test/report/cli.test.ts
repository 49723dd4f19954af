/**
 * `dist/report.js` as a user runs it: formats, the time zone from TZ, and bad arguments rejected with
 * one line and exit 2, writing nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { FRESH_TZ, freshMinutes } from './fresh-data.js';
import { EXPECTED_DAYS, EXPECTED_OUTAGES, EXPECTED_TOTALS, knownMinutes, TZ } from './known-data.js';

let temp: ReturnType<typeof tempDir>;
let db: string;
let logs: string;

beforeAll(async () => {
  temp = tempDir('blackout-report-cli-');
  db = join(temp.dir, 'known.sqlite');
  logs = join(temp.dir, 'logs');
  const store = new SqliteStore({ file: db });
  await store.putMinutes(knownMinutes());
  await store.close();
});
afterAll(() => temp.cleanup());

const run = (args: string[], env: Record<string, string> = {}) =>
  runEntrypoint('report', [SERIES.device, String(SERIES.pin), 'dev', '--db', db, '--log-dir', logs, ...args], {
    env,
  });

describe('blackout-report', () => {
  it('prints the JSON shape, in the zone from TZ when --tz is not given', async () => {
    const result = await run(['--from', '2025-10-25', '--to', '2025-10-27', '--format', 'json'], { TZ });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      'device',
      'pin',
      'mode',
      'tz',
      'from',
      'to',
      'source',
      'mergeGap',
      'monitoringSince',
      'status',
      'totals',
      'days',
      'hours',
      'outages',
      'gaps',
    ]);
    expect(json).toMatchObject({
      device: 'alex_rpi',
      pin: 4,
      mode: 'dev',
      tz: TZ,
      source: 'auto',
      mergeGap: 5,
      // The period begins with a reading (monitoring began before or at its start) and is over.
      monitoringSince: null,
      status: null,
      totals: EXPECTED_TOTALS,
      days: EXPECTED_DAYS,
      outages: EXPECTED_OUTAGES,
    });
    // 4060 / 4217 = 0.96276…, to 4 decimals as the README shows.
    expect(json.totals.onShare).toBe(0.9628);
    expect(result.stdout).toContain('"onShare": 0.9628\n');
  });

  it('writes CSV per day by default and the outage list with --csv outages', async () => {
    const days = await run(['--from', '2025-10-25', '--to', '2025-10-27', '--tz', TZ, '--format', 'csv']);
    expect(days.code).toBe(0);
    expect(days.stdout.split('\n')).toEqual([
      'date,start,end,minutes,on,off,unknown,pending,not_monitored',
      '2025-10-25,2025-10-25T00:00:00+03:00,2025-10-26T00:00:00+03:00,1440,1420,20,0,0,0',
      '2025-10-26,2025-10-26T00:00:00+03:00,2025-10-27T00:00:00+02:00,1500,1365,122,13,0,0',
      '2025-10-27,2025-10-27T00:00:00+02:00,2025-10-28T00:00:00+02:00,1440,1275,15,150,0,0',
      '',
    ]);
    const out = join(temp.dir, 'outages.csv');
    const outages = await run([
      ...['--from', '2025-10-25', '--to', '2025-10-27', '--tz', TZ],
      ...['--format', 'csv', '--csv', 'outages', '--out', out],
    ]);
    expect(outages.code).toBe(0);
    expect(outages.stdout).toBe('');
    expect(readFileSync(out, 'utf8').split('\n').slice(0, 4)).toEqual([
      'start,end,minutes,start_uncertain,end_uncertain,missing_minutes',
      '2025-10-25T23:40:00+03:00,2025-10-26T00:25:00+03:00,45,false,false,0',
      '2025-10-26T03:30:00+03:00,2025-10-26T03:20:00+02:00,50,false,false,0',
      '2025-10-26T12:13:00+02:00,2025-10-26T13:00:00+02:00,47,true,false,0',
    ]);
    // The hours of one day: 25 on the DST day, the repeated one told apart by its offset.
    const hours = await run(['--day', '2025-10-26', '--tz', TZ, '--format', 'csv', '--csv', 'hours']);
    expect(hours.code).toBe(0);
    const rows = hours.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(1 + 25);
    expect(rows.slice(4, 6)).toEqual([
      '03:00,2025-10-26T03:00:00+03:00,2025-10-26T03:00:00+02:00,30,30,0,0,0',
      '03:00,2025-10-26T03:00:00+02:00,2025-10-26T04:00:00+02:00,40,20,0,0,0',
    ]);
  });

  it('prints a plain table when piped: a 25-character timeline on the DST day, uncertain outages marked', async () => {
    const result = await run(['--from', '2025-10-25', '--to', '2025-10-27', '--tz', TZ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b[');
    const lines = result.stdout.split('\n');
    // The period in words, the last day included; no status line: the period is over.
    expect(lines.slice(0, 2)).toEqual([
      'Power report for alex_rpi pin 4 (dev) · Sat 25 Oct – Mon 27 Oct 2025 · 3 days · Europe/Kyiv · source auto',
      '',
    ]);
    const day = (date: string) => lines.find((l) => l.startsWith(date)) ?? '';
    expect(day('2025-10-25').slice(12, 36)).toBe(`${'█'.repeat(23)}▒`);
    expect(day('2025-10-26').slice(12, 37)).toBe(`▒██▒▒${'█'.repeat(8)}▒${'█'.repeat(11)}`);
    expect(day('2025-10-26')).toMatch(/25 h$/);
    expect(day('2025-10-27').slice(12, 36)).toBe(`${'█'.repeat(8)}▒${'█'.repeat(6)}··▄${'█'.repeat(6)}`);
    expect(result.stdout).toContain('≥ 47 min');
    // Clock times of the hour repeated on the DST day carry their offset; other rows are unchanged.
    const outages = lines.slice(lines.indexOf('Outages:') + 1, lines.indexOf('Outages:') + 5);
    expect(outages).toEqual([
      '  2025-10-25 23:40 – 2025-10-26 00:25        45 min',
      '  2025-10-26 03:30 (+03:00) – 03:20 (+02:00)          50 min',
      '  2025-10-26 12:13 – 13:00                 ≥ 47 min  (start uncertain)',
      '  2025-10-27 08:05 – 08:20                   15 min',
    ]);
    expect(lines).toContain('  2025-10-26 12:00 – 12:13             13 min');
  });

  it('joins an outage across a missed reading unless --merge-gap 0', async () => {
    const fresh = join(temp.dir, 'fresh.sqlite');
    const store = new SqliteStore({ file: fresh });
    await store.putMinutes(freshMinutes());
    await store.close();
    const outages = async (extra: string[]) => {
      const result = await runEntrypoint('report', [
        ...[SERIES.device, String(SERIES.pin), 'dev', '--db', fresh, '--log-dir', logs, '--tz', FRESH_TZ],
        ...['--day', '2026-11-28', '--format', 'json', ...extra],
      ]);
      expect(result.stderr).toBe('');
      const json = JSON.parse(result.stdout);
      expect(json.monitoringSince).toBe('2026-11-28T10:17:00+02:00');
      return json.outages.map((o: { start: string; minutes: number; missingMinutes: number }) => [
        o.start.slice(11, 16),
        o.minutes,
        o.missingMinutes,
      ]);
    };
    expect(await outages([])).toEqual([['19:45', 120, 1]]);
    expect(await outages(['--merge-gap', '0'])).toEqual([
      ['19:45', 92, 0],
      ['21:18', 27, 0],
    ]);
  });

  it('writes a large report through a slow pipe completely', async () => {
    const args = [SERIES.device, String(SERIES.pin), '--db', db, '--log-dir', logs, '--month', '2025-10', '--tz', TZ];
    args.push('--format', 'html');
    const file = join(temp.dir, 'month.html');
    expect((await runEntrypoint('report', [...args, '--out', file])).code).toBe(0);
    const size = readFileSync(file).length;
    expect(size).toBeGreaterThan(2 * 65_536);
    // A reader that starts late fills the pipe: the command must wait for it instead of exiting.
    const quoted = [join(ROOT, 'dist', 'report.js'), ...args].map((a) => `'${a}'`).join(' ');
    const piped = await new Promise<string>((resolveRun, rejectRun) => {
      const child = spawn('sh', ['-c', `'${process.execPath}' ${quoted} | (sleep 1; wc -c)`], {
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
      });
      child.on('error', rejectRun);
      child.on('close', () => resolveRun(out));
    });
    expect(Number(piped.trim())).toBe(size);
  });

  it.each([
    [['--day', '2025-02-30'], 'invalid --day "2025-02-30": a date YYYY-MM-DD'],
    [['--month', '2025-13'], 'invalid --month "2025-13": a month YYYY-MM'],
    [['--last', '7w'], 'invalid --last "7w": a number of hours or days, e.g. 24h, 7d or 30d'],
    [['--from', '2025-10-27', '--to', '2025-10-25'], '--from 2025-10-27 is not before --to 2025-10-25'],
    [['--from', 'yesterday'], 'invalid --from "yesterday": use YYYY-MM-DD or a date-time'],
    [['--to', '2025-10-25'], '--to needs --from'],
    [['--day', '2025-10-26', '--last', '24h'], 'choose one period: --day or --last, not several'],
    [['--tz', 'Europe/Kiev/Old'], 'invalid --tz "Europe/Kiev/Old": an IANA time zone'],
    [['--source', 'both'], 'invalid --source "both": one of raw, aggregated, auto'],
    [['--format', 'pdf'], 'invalid --format "pdf": one of table, json, csv, html, ics'],
    [['--merge-gap', '-1'], 'invalid --merge-gap "-1": a whole number 0-1440'],
    [['--merge-gap', '1441'], 'invalid --merge-gap "1441": a whole number 0-1440'],
    [['--from', '2020-01-01', '--to', '2025-01-01'], 'period too long: at most 400 days per report'],
    [
      ['--format', 'csv', '--csv', 'hours', '--month', '2025-10'],
      '--csv hours needs --day: hours are listed for one local day only',
    ],
    [['--format', 'csv', '--csv', 'hours'], '--csv hours needs --day: hours are listed for one local day only'],
  ])('rejects %j with one line and exit 2, writing nothing', async (args, message) => {
    const badLogs = join(temp.dir, 'bad-logs');
    const out = join(temp.dir, 'bad.html');
    const result = await runEntrypoint('report', [
      ...['--db', db, '--log-dir', badLogs, '--format', 'html', '--out', out],
      ...args,
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toContain(`report: ${message}`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(badLogs)).toBe(false);
  });

  it('prints a store failure as one line and exits 1', async () => {
    // No region anywhere (HOME without ~/.aws): the SDK fails on the first request.
    const home = join(temp.dir, 'home');
    mkdirSync(home, { recursive: true });
    const noRegion = await runEntrypoint('report', ['--store', 'dynamodb', '--log-dir', logs, '--day', '2025-10-26'], {
      env: { HOME: home },
    });
    expect(noRegion.stdout).toBe('');
    expect(noRegion.stderr).toBe('report: no AWS region: set --region or AWS_REGION (or run aws configure)\n');
    expect(noRegion.code).toBe(1);
    // Nothing listens on the discard port (a port probed free could be taken meanwhile): ECONNREFUSED.
    const port = 9;
    const refused = await runEntrypoint(
      'report',
      [
        ...['--store', 'dynamodb', '--region', 'eu-central-1', '--endpoint', `http://127.0.0.1:${port}`],
        ...['--log-dir', logs, '--day', '2025-10-26'],
      ],
      { env: { HOME: home, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } },
    );
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`report: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(refused.code).toBe(1);
  });

  it('fails with one line and exit 1 when --out cannot be written, leaving nothing behind', async () => {
    const folder = join(temp.dir, 'a-folder');
    mkdirSync(folder);
    const toFolder = await run(['--day', '2025-10-26', '--tz', TZ, '--out', folder]);
    expect(toFolder.code).toBe(1);
    expect(toFolder.stdout).toBe('');
    expect(toFolder.stderr).toBe(`report: cannot write --out ${folder}: it is a folder\n`);
    const tooLong = join(temp.dir, 'x'.repeat(300));
    const unwritable = await run(['--day', '2025-10-26', '--tz', TZ, '--out', tooLong]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toBe(`report: cannot write --out ${tooLong}: ENAMETOOLONG: name too long\n`);
    expect(readdirSync(temp.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('rejects --out in a folder that does not exist as a usage error, writing nothing', async () => {
    const out = join(temp.dir, 'missing', 'report.txt');
    const freshLogs = join(temp.dir, 'missing-logs');
    const result = await runEntrypoint('report', [
      ...['--db', db, '--log-dir', freshLogs, '--day', '2025-10-26', '--tz', TZ, '--out', out],
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `report: invalid --out ${JSON.stringify(out)}: folder ${join(temp.dir, 'missing')} does not exist\n`,
    );
    expect(existsSync(join(temp.dir, 'missing'))).toBe(false);
    expect(existsSync(freshLogs)).toBe(false);
  });

  it('a database that does not exist is a usage error (exit 2) naming the databases there are, creating nothing', async () => {
    const missing = join(temp.dir, 'nowhere', 'none.sqlite');
    const result = await runEntrypoint('report', ['--db', missing, '--log-dir', logs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `report: no database ${missing}, and no other in ${join(temp.dir, 'nowhere')} (blackout-read-pin creates it with the first reading)\n`,
    );
    expect(existsSync(join(temp.dir, 'nowhere'))).toBe(false);
    expect(readdirSync(temp.dir)).not.toContain('nowhere');
    // Beside a database that does exist: named, with the command that reports it, which works.
    const typo = join(temp.dir, 'knwon.sqlite');
    const hint = await runEntrypoint('report', ['--db', typo, '--log-dir', logs]);
    expect(hint.code).toBe(2);
    const tryLine = `blackout-report alex_rpi 4 known --db ${db}`;
    // Other tests of this file leave databases beside it too: this one must be among those named.
    expect(hint.stderr).toMatch(new RegExp(`^report: no database ${typo}; there (is|are) .*\\n$`));
    expect(hint.stderr).toContain(`${db} (try: ${tryLine})`);
    expect(hint.stderr.split('\n')).toHaveLength(2);
    const tried = await runEntrypoint('report', [
      ...tryLine.split(' ').slice(1),
      '--log-dir',
      logs,
      '--day',
      '2025-10-26',
    ]);
    expect(tried).toMatchObject({ code: 0, stderr: '' });
    expect(tried.stdout).toContain('Power report for alex_rpi pin 4 (known)');
  });

  it('a device or pin the store never saw is a usage error naming what it holds; no log is written', async () => {
    const fresh = join(temp.dir, 'typo-logs');
    for (const [args, what] of [
      [['alexrpi', '4'], 'device "alexrpi" pin 4'],
      [['alex_rpi', '17'], 'device "alex_rpi" pin 17'],
    ] as const) {
      const result = await runEntrypoint('report', [...args, 'dev', '--db', db, '--log-dir', fresh]);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toBe(
        `report: no readings for device ${what.slice(7)} in ${db}; it holds: alex_rpi pin 4\n`,
      );
    }
    expect(existsSync(fresh)).toBe(false);
  });

  it('a store without readings says it holds none and how readings get there', async () => {
    const empty = join(temp.dir, 'empty.sqlite');
    await new SqliteStore({ file: empty }).close();
    const result = await runEntrypoint('report', ['alex_rpi', '4', 'dev', '--db', empty, '--log-dir', logs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `report: no readings for device "alex_rpi" pin 4 in ${empty}; it holds none yet (blackout-read-pin stores a reading every minute; blackout-copy brings them from another store)\n`,
    );
  });

  it('run in a fresh folder with a mistyped mode, leaves it empty: no database, buffer or log', async () => {
    const fresh = tempDir('blackout-report-fresh-');
    try {
      const result = await runEntrypoint('report', ['alex_rpi', '4', 'prdo'], {
        cwd: fresh.dir,
        env: {
          BLACKOUT_DB: join(fresh.dir, 'data', 'prdo.sqlite'),
          BLACKOUT_LOG_DIR: join(fresh.dir, 'logs'),
          BLACKOUT_BUFFER_DIR: join(fresh.dir, 'buffer'),
        },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'report: no database data/prdo.sqlite, and no other in data (blackout-read-pin creates it with the first reading)\n',
      );
      expect(readdirSync(fresh.dir)).toEqual([]);
    } finally {
      fresh.cleanup();
    }
  });
});
