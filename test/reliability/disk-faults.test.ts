/**
 * The buffer folder missing, not writable or full. Missing: created. The other two: exit 1, one line
 * on stderr, nothing half-written. Not-writable and full use real file systems: a read-only and a
 * filled tmpfs (root only; elsewhere a chmod-ed folder stands in for read-only, and the full-disk
 * case is skipped with the reason shown).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { writeFileAtomic } from '../../src/utils/files.js';
import { tempDir } from '../support/cli.js';
import { canMountTmpfs, isRoot, logLines, mountTmpfs, runDist, snapshot } from './support.js';

const tmp = tempDir('blackout-disk-');
const unmounts: (() => void)[] = [];
afterAll(() => {
  for (const unmount of unmounts.splice(0).reverse()) unmount();
  tmp.cleanup();
});
const tmpfsOk = canMountTmpfs(join(tmp.dir, 'probe'));
const sensorFile = join(tmp.dir, 'sensor');
writeFileSync(sensorFile, '1\n');

function readPin(bufferDir: string, logDir: string, at = '2025-06-21T10:00:02Z') {
  return runDist('read-pin', [
    'alex_rpi',
    '4',
    'disk',
    '--sensor',
    `file:${sensorFile}`,
    '--at',
    at,
    '--buffer-dir',
    bufferDir,
    '--log-dir',
    logDir,
    '--db',
    join(tmp.dir, 'store.sqlite'),
  ]);
}

/** Fills a tmpfs to the last byte. */
function fill(dir: string): void {
  const block = Buffer.alloc(4096);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), block);
    } catch {
      // The last file may be partly there; then try small files until not even one byte fits.
      for (let j = 0; ; j++) {
        try {
          writeFileSync(join(dir, `crumb-${j}`), 'x');
        } catch {
          return;
        }
      }
    }
  }
}

describe('buffer folder faults', () => {
  it('a missing buffer folder (and its parents) is created', async () => {
    const bufferDir = join(tmp.dir, 'missing', 'deeper', 'buffer');
    const run = await readPin(bufferDir, join(tmp.dir, 'logs-missing'));
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(bufferDir, 'disk'))).toBe(true);
  });

  // Root without tmpfs mounts (a locked-down container) has no honest read-only folder: skipped there.
  it.skipIf(isRoot() && !tmpfsOk)(
    'a buffer folder that cannot be written: exit 1, one line on stderr, nothing written',
    async () => {
      const bufferDir = join(tmp.dir, 'readonly');
      if (isRoot()) {
        // Root ignores file modes: a read-only mount is the honest "cannot write" for it.
        const unmount = mountTmpfs(bufferDir, 64, true);
        if (unmount) unmounts.push(unmount);
      } else {
        mkdirSync(bufferDir, { recursive: true });
        chmodSync(bufferDir, 0o555);
      }
      const logDir = join(tmp.dir, 'logs-readonly');
      const run = await readPin(bufferDir, logDir);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(run.stderr).toMatch(
        /^read-pin: cannot buffer the reading in .*readonly\/disk: (read-only file system \(EROFS\)|permission denied \(EACCES\))\n$/,
      );
      expect(snapshot(bufferDir)).toEqual([]);
      expect(logLines(logDir).some((l) => l.level === 50 && l.msg.startsWith('cannot buffer the reading'))).toBe(true);
    },
  );

  it.skipIf(!tmpfsOk)('a full disk (ENOSPC): exit 1, one line on stderr, no file or temp file left', async () => {
    const disk = join(tmp.dir, 'full');
    const unmount = mountTmpfs(disk, 64);
    if (unmount) unmounts.push(unmount);
    const bufferDir = join(disk, 'buffer');
    mkdirSync(join(bufferDir, 'disk'), { recursive: true });
    fill(disk);
    const before = snapshot(bufferDir);
    const logDir = join(tmp.dir, 'logs-full');
    const run = await readPin(bufferDir, logDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^read-pin: cannot buffer the reading in .*: no space left on the device \(ENOSPC\)\n$/);
    expect(snapshot(bufferDir)).toEqual(before);
    // The logs on the same full disk: still exit 1, nothing half-written; the failure is the last line,
    // after the one line that says log lines are being dropped.
    const sameDisk = await readPin(bufferDir, join(disk, 'logs'), '2025-06-21T10:01:02Z');
    expect(sameDisk.code).toBe(1);
    const lines = sameDisk.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines.at(-1)).toMatch(/^read-pin: cannot buffer the reading in .*\(ENOSPC\)$/);
    expect(snapshot(bufferDir)).toEqual(before);
  });

  it.skipIf(!tmpfsOk)('a full disk under the logs alone: the reading is buffered and stored, exit 0', async () => {
    const disk = join(tmp.dir, 'logfull');
    const unmount = mountTmpfs(disk, 64);
    if (unmount) unmounts.push(unmount);
    const logDir = join(disk, 'logs');
    mkdirSync(logDir);
    fill(disk);
    const bufferDir = join(tmp.dir, 'buffer-logfull');
    const run = await readPin(bufferDir, logDir);
    expect(run.code).toBe(0);
    // At most one line: the dropped log lines are said once, the job goes on.
    expect(run.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(snapshot(join(bufferDir, 'disk'))).toEqual([]);
    const store = new SqliteStore({ file: join(tmp.dir, 'store.sqlite') });
    expect(await store.pendingPartitions('minutes', { device: 'alex_rpi', pin: 4 })).toContain(
      'device#alex_rpi#sensor#4#date#2025-06-21-10',
    );
    await store.close();
  });

  it.skipIf(!tmpfsOk)(
    'a full disk under the SQLite database (SQLITE_FULL): reading kept in the buffer, warning, exit 0',
    async () => {
      const disk = join(tmp.dir, 'dbdisk');
      const unmount = mountTmpfs(disk, 512);
      if (unmount) unmounts.push(unmount);
      const db = join(disk, 'store.sqlite');
      const bufferDir = join(tmp.dir, 'buffer-dbfull');
      const logDir = join(tmp.dir, 'logs-dbfull');
      const run = (at: string) =>
        runDist('read-pin', [
          'alex_rpi',
          '4',
          'disk',
          '--sensor',
          `file:${sensorFile}`,
          '--at',
          at,
          '--buffer-dir',
          bufferDir,
          '--log-dir',
          logDir,
          '--db',
          db,
        ]);
      expect(await run('2025-06-21T11:00:02Z')).toMatchObject({ code: 0, stderr: '' });
      fill(disk);
      const full = await run('2025-06-21T11:01:02Z');
      expect(full).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(readdirSync(join(bufferDir, 'disk')).filter((f) => f.endsWith('.json'))).toEqual([
        '2025-06-21T11:01:02.000000+00:00.json',
      ]);
      const warning = logLines(logDir).find((l) => l.msg.startsWith('store unreachable'));
      expect(warning).toMatchObject({ err: { code: expect.stringMatching(/^SQLITE_(FULL|IOERR)/) } });
      // Space again: the next run stores both.
      for (const name of readdirSync(disk).filter((f) => f.startsWith('filler-') || f.startsWith('crumb-'))) {
        rmSync(join(disk, name));
      }
      expect(await run('2025-06-21T11:02:02Z')).toMatchObject({ code: 0, stderr: '' });
      expect(readdirSync(join(bufferDir, 'disk')).filter((f) => f.endsWith('.json'))).toEqual([]);
    },
  );

  it.skipIf(!tmpfsOk)(
    'a log folder that cannot be written: the reading is still recorded (exit 0), one line says so',
    async () => {
      const logDir = join(tmp.dir, 'logs-readonly-mount');
      const unmount = mountTmpfs(logDir, 64, true);
      if (unmount) unmounts.push(unmount);
      const bufferDir = join(tmp.dir, 'buffer-logs-ro');
      const run = await readPin(bufferDir, logDir, '2025-06-21T12:00:02Z');
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^read-pin: cannot write logs in .*logs-readonly-mount: .*\n$/);
      expect(readdirSync(join(bufferDir, 'disk')).filter((f) => f.endsWith('.json'))).toEqual([]);
      expect(snapshot(logDir)).toEqual([]);
    },
  );

  it.skipIf(!tmpfsOk)('writeFileAtomic on a full disk throws and leaves neither the file nor its temp', () => {
    const disk = join(tmp.dir, 'atomic');
    const unmount = mountTmpfs(disk, 64);
    if (unmount) unmounts.push(unmount);
    writeFileSync(join(disk, 'keep'), 'x'.repeat(50_000));
    // 64 KiB disk with 52 KiB used: a 20 KiB file cannot fit, part of it could.
    expect(() => writeFileAtomic(join(disk, 'big.json'), 'y'.repeat(20_000))).toThrow(/ENOSPC/);
    expect(readdirSync(disk)).toEqual(['keep']);
  });
});
