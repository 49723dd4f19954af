/**
 * The buffer and the locks as cron meets them: bad and torn files, temp files of killed runs, a
 * clock that jumped back, a flush lock held by a live run or left by a killed one, and the
 * aggregate lock.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { partitionKey } from '../../src/domain/keys.js';
import { minuteRecord } from '../../src/domain/records.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { lockHolders, logLines, runDist } from './support.js';

const tmp = tempDir('blackout-buffer-locks-');
const holders = lockHolders(tmp.dir);
afterEach(() => holders.killAll());
afterAll(() => tmp.cleanup());

let caseNo = 0;
function setup() {
  const dir = join(tmp.dir, `case-${++caseNo}`);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'store.sqlite');
  const modeDir = join(dir, 'buffer', 'buf');
  const sensor = join(dir, 'sensor');
  const common = [SERIES.device, String(SERIES.pin), 'buf', '--db', db, '--buffer-dir', join(dir, 'buffer')];
  const logDir = join(dir, 'logs');
  return {
    db,
    modeDir,
    logDir,
    read: (at: string, value: 0 | 1, extra: string[] = []) => {
      writeFileSync(sensor, `${value}\n`);
      return runDist('read-pin', [...common, '--log-dir', logDir, '--sensor', `file:${sensor}`, '--at', at, ...extra]);
    },
    aggregate: (extra: string[] = []) => runDist('aggregate', [...common, '--log-dir', logDir, ...extra]),
    json: () => (existsSync(modeDir) ? readdirSync(modeDir).filter((f) => f.endsWith('.json')) : []),
    rejected: () => (existsSync(join(modeDir, 'rejected')) ? readdirSync(join(modeDir, 'rejected')).sort() : []),
    minutes: async (hour: string) => {
      const store = new SqliteStore({ file: db });
      try {
        const pk = partitionKey('minutes', SERIES, new Date(hour));
        return (await store.readPartitions('minutes', [pk])).get(pk) ?? [];
      } finally {
        await store.close();
      }
    },
  };
}

const holdLock = (path: string): Promise<ChildProcess> => holders.hold(path);

const killed = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('buffered files', () => {
  it('bad, torn and foreign files go to rejected/ with the reason logged and never block the good ones', async () => {
    const s = setup();
    mkdirSync(s.modeDir, { recursive: true });
    const good = minuteRecord(SERIES, '2025-06-21T08:00:05.000001+00:00', 1);
    const files: Record<string, string> = {
      // A torn write of the Python version (no temp+rename there): half a JSON object.
      '2025-06-21T08:01:05.000000+00:00.json': JSON.stringify(good).slice(0, 30),
      // A device alias the command line would refuse (a space; `#` cannot even parse as a key).
      '2025-06-21T08:02:05.000000+00:00.json': JSON.stringify(
        minuteRecord({ device: 'a b', pin: 4 }, '2025-06-21T08:02:05.000000+00:00', 1),
      ),
      '2025-06-21T08:03:05.000000+00:00.json': JSON.stringify(
        minuteRecord({ device: 'alex_rpi', pin: 99 }, '2025-06-21T08:03:05.000000+00:00', 1),
      ),
      '2025-06-21T08:04:05.000000+00:00.json': JSON.stringify({ ...good, reading: 7 }),
      '2025-06-21T08:05:05.000000+00:00.json': JSON.stringify({ ...good, ts: '2025-06-21T08:05:05.000000+00:00' }),
      '2025-06-21T08:06:05.000000+00:00.json': '[]',
      [`${good.ts}.json`]: JSON.stringify(good),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(s.modeDir, name), text);
    const run = await s.read('2025-06-21T08:30:05Z', 0);
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(s.json()).toEqual([]);
    expect(s.rejected()).toEqual(
      Object.keys(files)
        .filter((f) => f !== `${good.ts}.json`)
        .sort(),
    );
    const minutes = await s.minutes('2025-06-21T08:00:00Z');
    expect(minutes.map((m) => [m.sk, m.reading])).toEqual([
      ['time#00', 1],
      ['time#30', 0],
    ]);
    const reasons = logLines(s.logDir)
      .filter((l) => l.msg.startsWith('rejected buffered file'))
      .map((l) => String(l.reason));
    expect(reasons).toHaveLength(6);
    expect(reasons.join('\n')).toMatch(/unreadable JSON: not valid JSON/);
    // A file's content is never quoted (the buffer may hold a link to anything).
    expect(reasons[0]).toBe('unreadable JSON: not valid JSON');
    expect(reasons.join('\n')).toMatch(/invalid device in pk "a b"/);
    expect(reasons.join('\n')).toMatch(/invalid pin in pk "99"/);
    expect(reasons.join('\n')).toMatch(/reading must be 0 or 1, got 7/);
    expect(reasons.join('\n')).toMatch(/does not match ts/);
  });

  it('a reading for a minute that already holds another one (clock jumped back) is rejected with both stamps logged', async () => {
    const s = setup();
    expect(await s.read('2025-06-21T09:10:03Z', 1)).toMatchObject({ code: 0, stderr: '' });
    // After a reboot without network the clock repeats 09:10 and reads 0.
    expect(await s.read('2025-06-21T09:10:41Z', 0)).toMatchObject({ code: 0, stderr: '' });
    expect(s.json()).toEqual([]);
    expect(s.rejected()).toEqual(['2025-06-21T09:10:41.000000+00:00.json']);
    expect((await s.minutes('2025-06-21T09:00:00Z')).map((m) => [m.ts, m.reading])).toEqual([
      ['2025-06-21T09:10:03.000000+00:00', 1],
    ]);
    const conflict = logLines(s.logDir).find((l) => l.msg.startsWith('minute already holds another reading'));
    expect(conflict).toMatchObject({
      bufferedTs: '2025-06-21T09:10:41.000000+00:00',
      storedTs: '2025-06-21T09:10:03.000000+00:00',
    });
    // The same file flushed again (a retry after a crash) is a no-op, not a conflict.
    expect(await s.read('2025-06-21T09:10:03Z', 1)).toMatchObject({ code: 0 });
    expect(s.rejected()).toHaveLength(1);
  });

  it('temp files of runs killed mid-write are removed by the next flush; a live writer’s temp is left alone', async () => {
    const s = setup();
    mkdirSync(s.modeDir, { recursive: true });
    const live = await holdLock(join(tmp.dir, `unrelated-${caseNo}.lock`));
    const deadPid = 2 ** 22 + 12345; // above pid_max: no such process
    const abandoned = `2025-06-21T10:00:03.000000+00:00.json.${deadPid}.tmp`;
    const inProgress = `2025-06-21T10:01:03.000000+00:00.json.${live.pid}.tmp`;
    writeFileSync(join(s.modeDir, abandoned), '{"pk":');
    writeFileSync(join(s.modeDir, inProgress), '{"pk":');
    expect(await s.read('2025-06-21T10:02:03Z', 1)).toMatchObject({ code: 0, stderr: '' });
    const left = readdirSync(s.modeDir);
    expect(left).not.toContain(abandoned);
    expect(left).toContain(inProgress);
    // Older than any write can take: removed even though the pid is alive (it may have been reused).
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(s.modeDir, inProgress), old, old);
    expect(await s.read('2025-06-21T10:03:03Z', 1)).toMatchObject({ code: 0 });
    expect(readdirSync(s.modeDir)).not.toContain(inProgress);
    expect(s.rejected()).toEqual([]);
  });
});

describe('flush and aggregate locks from the command line', () => {
  it('read-pin without the flush lock buffers its reading and exits 0; after the holder is SIGKILLed the next run takes over and flushes all', async () => {
    const s = setup();
    mkdirSync(s.modeDir, { recursive: true });
    const holder = await holdLock(join(s.modeDir, '.flush.lock'));
    for (const [i, at] of ['2025-06-21T11:00:04Z', '2025-06-21T11:01:04Z'].entries()) {
      expect(await s.read(at, (i % 2) as 0 | 1)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    }
    expect(s.json()).toHaveLength(2);
    expect(existsSync(s.db)).toBe(false);
    expect(logLines(s.logDir).filter((l) => l.msg.startsWith('another run is flushing'))).toHaveLength(2);
    await killed(holder);
    expect(existsSync(join(s.modeDir, '.flush.lock'))).toBe(true);
    expect(await s.read('2025-06-21T11:02:04Z', 1)).toMatchObject({ code: 0, stderr: '' });
    expect(s.json()).toEqual([]);
    expect(existsSync(join(s.modeDir, '.flush.lock'))).toBe(false);
    const takeOver = logLines(s.logDir).find((l) => l.msg === 'took over the flush lock of a dead run');
    expect(takeOver).toMatchObject({ staleHolder: { pid: holder.pid } });
    expect((await s.minutes('2025-06-21T11:00:00Z')).map((m) => m.reading)).toEqual([0, 1, 1]);
  });

  it('aggregate leaves the work to a running aggregate (exit 0), refuses a backfill meanwhile (exit 1), and takes over a dead one', async () => {
    const s = setup();
    expect(await s.read('2025-06-21T12:00:04Z', 1)).toMatchObject({ code: 0 });
    const holder = await holdLock(join(s.modeDir, '.aggregate.lock'));
    expect(await s.aggregate()).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const backfill = await s.aggregate(['--from', '2025-06-21', '--to', '2025-06-21']);
    expect(backfill.code).toBe(1);
    expect(backfill.stderr).toBe('aggregate: another aggregate run holds the lock; run the backfill again later\n');
    const store = new SqliteStore({ file: s.db });
    expect(await store.pendingPartitions('minutes', SERIES)).toHaveLength(1);
    await killed(holder);
    expect(await s.aggregate()).toMatchObject({ code: 0, stderr: '' });
    expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
    await store.close();
    expect(readFileSync(join(s.logDir, readdirSync(s.logDir)[0] ?? ''), 'utf8')).toContain(
      'took over the aggregate lock of a dead run',
    );
  });
});
