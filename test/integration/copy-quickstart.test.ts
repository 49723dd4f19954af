import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionKeysBetween } from '../../src/domain/keys.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../../src/stores/store.js';
import { createLogger, pruneLogs, silentLogger } from '../../src/utils/log.js';
import { ROOT, runEntrypoint, tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { AWS_TEST_ENV, useDynalite } from '../support/dynalite.js';
import { freePort } from '../support/net.js';

const tmp = tempDir();
const dynalite = useDynalite();
afterAll(() => tmp.cleanup());

async function dump(store: Store, from: Date, to: Date) {
  const out: Record<string, unknown[]> = {};
  for (const table of ['minutes', 'hours', 'days'] as const) {
    const items = [
      ...(await store.readPartitions(table, partitionKeysBetween(table, SERIES, from, to))).values(),
    ].flat();
    out[table] = items.map((i) => ({ ...i })).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
  }
  return out;
}

describe('blackout-copy', () => {
  it('copies a range SQLite → DynamoDB → SQLite unchanged, idempotently', async () => {
    const dir = join(tmp.dir, 'copy');
    mkdirSync(dir);
    const from = new Date('2025-06-29T00:00:00Z');
    const to = new Date('2025-07-02T00:00:00Z');
    const source = new SqliteStore({ file: join(dir, 'a.sqlite') });
    await source.putMinutes(
      generateMinutes(SERIES, from, 3 * 1440, (i) => (i % 97 < 20 ? 0 : i % 50 === 3 ? null : 1)),
    );
    await aggregate(source, SERIES, silentLogger());
    const expected = await dump(source, from, to);
    await source.close();
    expect(expected.minutes?.length).toBeGreaterThan(4000);
    expect(expected.days).toHaveLength(3);

    const common = [
      'alex_rpi',
      '4',
      'copytest',
      '--log-dir',
      join(dir, 'logs'),
      '--from',
      '2025-06-29',
      '--to',
      '2025-07-01',
    ];
    const up = await runEntrypoint(
      'copy',
      [...common, '--db', join(dir, 'a.sqlite'), '--target', 'dynamodb', '--target-endpoint', dynalite().endpoint],
      { env: AWS_TEST_ENV },
    );
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`minutes ${expected.minutes?.length} new`);
    const again = await runEntrypoint(
      'copy',
      [...common, '--db', join(dir, 'a.sqlite'), '--target', 'dynamodb', '--target-endpoint', dynalite().endpoint],
      { env: AWS_TEST_ENV },
    );
    expect(again.stdout).toContain(`minutes 0 new, ${expected.minutes?.length} already there, 0 conflicting`);
    const cloud = new DynamoStore({ mode: 'copytest', endpoint: dynalite().endpoint });
    expect(await dump(cloud, from, to)).toEqual(expected);
    await cloud.close();

    const down = await runEntrypoint(
      'copy',
      [
        ...common,
        '--store',
        'dynamodb',
        '--endpoint',
        dynalite().endpoint,
        '--target',
        'sqlite',
        '--target-db',
        join(dir, 'b.sqlite'),
      ],
      { env: AWS_TEST_ENV },
    );
    expect(down.code).toBe(0);
    const laptop = new SqliteStore({ file: join(dir, 'b.sqlite') });
    expect(await dump(laptop, from, to)).toEqual(expected);
    await laptop.close();
  });

  it('rejects a bad range before touching any store', async () => {
    const dir = join(tmp.dir, 'copy-bad');
    const run = await runEntrypoint('copy', [
      '--target',
      'dynamodb',
      '--from',
      '2025-07-02',
      '--to',
      '2025-07-01',
      '--db',
      join(dir, 'x.sqlite'),
      '--log-dir',
      join(dir, 'logs'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('copy: --from 2025-07-02 is not before --to 2025-07-01');
    expect(() => readdirSync(dir)).toThrow();
  });

  it('refuses a source SQLite file that does not exist instead of copying an empty history', async () => {
    const dir = join(tmp.dir, 'copy-missing');
    const source = join(dir, 'typo.sqlite');
    const run = await runEntrypoint('copy', [
      '--target',
      'sqlite',
      '--target-db',
      join(dir, 'target.sqlite'),
      '--from',
      '2025-07-01',
      '--to',
      '2025-07-02',
      '--db',
      source,
      '--log-dir',
      join(dir, 'logs'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`copy: invalid --db: no database at ${source} to copy from`);
    expect(() => readdirSync(dir)).toThrow();
  });
});

describe('quick start (npm start)', () => {
  it('records, aggregates and prints three simulated days, the same numbers on a second run', async () => {
    const dir = join(tmp.dir, 'quick');
    // Fixed days: the test must not depend on the date it runs (or on midnight between two runs).
    const args = [
      '--until',
      '2026-03-30',
      '--buffer-dir',
      join(dir, 'buffer'),
      '--log-dir',
      join(dir, 'logs'),
      '--db',
      join(dir, 'demo.sqlite'),
    ];
    const first = await runEntrypoint('quickstart', args);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const summary =
      /Simulated 4320 minutes .* (\d+) new readings stored, 0 already there; aggregated 72 hours and 3 days/.exec(
        first.stdout,
      );
    const stored = Number(summary?.[1]);
    // Every day misses a few minutes (the simulated monitor was down), never many.
    expect(stored).toBeGreaterThan(4320 - 3 * 60);
    expect(stored).toBeLessThan(4320);
    const second = await runEntrypoint('quickstart', args);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`0 new readings stored, ${stored} already there`);
    const table = (text: string) => text.slice(text.indexOf('\n\n'));
    expect(table(second.stdout)).toEqual(table(first.stdout));
    expect(first.stdout).toContain(join(dir, 'demo.sqlite'));
    expect(readdirSync(join(dir, 'buffer', 'demo'))).toEqual([]);
    // The next commands it prints are exact: pasted as they are, they find the same device, pin, mode
    // and database, and report the same days (logs kept out of the project through the environment).
    const next = first.stdout
      .split('\n')
      .filter((line) => line.startsWith('  npx '))
      .map((line) => line.slice(6).split(' '));
    const db = join(dir, 'demo.sqlite');
    const days = ['--from', '2026-03-27', '--to', '2026-03-29'];
    expect(next.map((words) => words.slice(0, 6).concat(words.slice(6, 10)))).toEqual([
      ['blackout-report', 'demo', '4', 'demo', '--db', db, ...days],
      ['blackout-report', 'demo', '4', 'demo', '--db', db, ...days],
      ['blackout-devices', 'demo', '--db', db],
      ['blackout-serve', 'demo', '4', 'demo', '--db', db, '--tz', 'UTC'],
    ]);
    expect(first.stdout.trimEnd().split('\n').at(-1)).toBe(`  npx ${(next[3] ?? []).join(' ')}`);
    const run = (words: string[], cwd?: string) =>
      runEntrypoint((words[0] ?? '').replace('blackout-', ''), words.slice(1), {
        env: { BLACKOUT_LOG_DIR: join(dir, 'logs') },
        ...(cwd ? { cwd } : {}),
      });
    const report = await run(next[0] ?? []);
    expect(report).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`\n\n${report.stdout}\nData: `);
    expect(await run(next[1] ?? [], dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    const devices = await run(next[2] ?? []);
    expect(devices).toMatchObject({ code: 0, stderr: '' });
    expect(devices.stdout).toMatch(/\ndemo {6}4 {2}2026-03-27 \d\d:\d\d {2}2026-03-29 \d\d:\d\d {6}\d{4}\n/);
    // The dashboard command as printed (on a free port here): it serves the demo series.
    const serve = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'serve.js'), ...(next[3] ?? []).slice(1), '--port', String(await freePort())],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, BLACKOUT_LOG_DIR: join(dir, 'logs') },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let stderr = '';
        serve.stderr.on('data', (d: Buffer) => {
          stderr += d;
          const m = /dashboard: (http:\/\/\S+)/.exec(stderr);
          if (m?.[1]) resolveUrl(m[1]);
        });
        serve.on('exit', (code) => reject(new Error(`blackout-serve exited ${code}: ${stderr}`)));
      });
      const listed = (await (await fetch(new URL('api/devices', url))).json()) as { series: { device: string }[] };
      expect(listed.series.map((x) => x.device)).toEqual(['demo']);
    } finally {
      serve.kill('SIGTERM');
    }
    // A reader that closes the pipe early (`| head`) ends the run quietly, with exit 0.
    const piped = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" dist/quickstart.js ${args.join(' ')} | true; exit \${PIPESTATUS[0]}`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect({ status: piped.status, stderr: piped.stderr }).toEqual({ status: 0, stderr: '' });
    // A longer window (as on a later day) records the same readings for the days already there.
    const longer = await runEntrypoint('quickstart', [...args, '--days', '4']);
    expect(longer.code).toBe(0);
    expect(longer.stdout).toMatch(new RegExp(`\\d+ new readings stored, ${stored} already there`));
    expect(readdirSync(join(dir, 'buffer', 'demo'))).toEqual([]);
    // Four runs of thousands of fsynced buffer files: slow on a loaded disk, not a speed target.
  }, 240_000);
});

describe('logging', () => {
  it('keeps one file per UTC day and prunes files older than the limit', () => {
    const dir = join(tmp.dir, 'logs-prune');
    mkdirSync(dir);
    for (const day of ['2025-05-01', '2025-05-31', '2025-06-01', '2025-06-30']) {
      writeFileSync(join(dir, `${day}_log.txt`), 'x\n');
    }
    writeFileSync(join(dir, 'notes.txt'), 'kept\n');
    utimesSync(join(dir, 'notes.txt'), new Date('2020-01-01'), new Date('2020-01-01'));
    expect(pruneLogs(dir, 30, new Date('2025-06-30T12:00:00Z')).sort()).toEqual([
      '2025-05-01_log.txt',
      '2025-05-31_log.txt',
    ]);
    expect(readdirSync(dir).sort()).toEqual(['2025-06-01_log.txt', '2025-06-30_log.txt', 'notes.txt']);
  });

  it('redacts secrets in fields and URLs', () => {
    const dir = join(tmp.dir, 'logs-redact');
    const log = createLogger({ name: 'test', logDir: dir, now: new Date('2025-06-30T12:00:00Z') });
    log.info(
      { token: '123456:ABCDEF', secretAccessKey: 'AKIAsecret', url: 'x' },
      'posting to https://user:pass@example.com/hook?token=abc&x=1 and https://api.telegram.org/bot123456:ABC-def/sendMessage',
    );
    const text = readFileSync(join(dir, '2025-06-30_log.txt'), 'utf8');
    for (const secret of ['ABCDEF', 'AKIAsecret', 'pass@', 'token=abc', 'ABC-def']) expect(text).not.toContain(secret);
    expect(text).toContain('"token":"***"');
    expect(text).toContain('https://***@example.com/hook?token=***&x=1');
  });

  it('mirrors the log to stderr with --verbose', async () => {
    const dir = join(tmp.dir, 'verbose');
    const run = await runEntrypoint('read-pin', [
      '--sensor',
      'simulate',
      '--at',
      '2025-06-21T12:00:00Z',
      '--verbose',
      '--buffer-dir',
      join(dir, 'buffer'),
      '--log-dir',
      join(dir, 'logs'),
      '--db',
      join(dir, 'v.sqlite'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/INFO reading (ON|OFF)/);
    expect(run.stderr).toContain('INFO buffer flushed');
  });

  it('takes options from the environment, the command line winning', async () => {
    const dir = join(tmp.dir, 'env');
    const env = {
      BLACKOUT_DEVICE: 'from_env',
      BLACKOUT_PIN: '17',
      BLACKOUT_MODE: 'envmode',
      BLACKOUT_SENSOR: 'simulate',
      BLACKOUT_BUFFER_DIR: join(dir, 'buffer'),
      BLACKOUT_LOG_DIR: join(dir, 'logs'),
      BLACKOUT_DB: join(dir, 'e.sqlite'),
    };
    expect((await runEntrypoint('read-pin', ['--at', '2025-06-21T12:00:00Z'], { env })).code).toBe(0);
    expect((await runEntrypoint('read-pin', ['cli_dev', '--at', '2025-06-21T12:01:00Z'], { env })).code).toBe(0);
    const bad = await runEntrypoint('read-pin', ['--at', '2025-06-21T12:02:00Z'], {
      env: { ...env, BLACKOUT_PIN: '99' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('read-pin: invalid BLACKOUT_PIN "99": a BCM GPIO number 0-53');
    const store = new SqliteStore({ file: join(dir, 'e.sqlite') });
    expect(await store.pendingPartitions('minutes', { device: 'from_env', pin: 17 })).toEqual([
      'device#from_env#sensor#17#date#2025-06-21-12',
    ]);
    expect(await store.pendingPartitions('minutes', { device: 'cli_dev', pin: 17 })).toHaveLength(1);
    await store.close();
  });
});
