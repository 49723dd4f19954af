/**
 * Files in the buffer that an attacker or a careless user left there: a FIFO, a socket, a folder, a
 * symlink to a secret, a huge file, a reading dated 2099, a `rejected` that is not a folder, and a
 * flush lock held by a live process that never lets go. None of them may stall the minute job or cost
 * a reading; every refused file goes to rejected/ with its reason (or, when it cannot be moved, stays
 * and is said in the log) and the good readings are stored.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { partitionKey } from '../../src/domain/keys.js';
import { minuteRecord } from '../../src/domain/records.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { lockHolders, logLines, runDist } from './support.js';

const tmp = tempDir('blackout-hostile-');
const holders = lockHolders(tmp.dir);
afterEach(() => holders.killAll());
afterAll(() => tmp.cleanup());

let caseNo = 0;
function setup() {
  const dir = join(tmp.dir, `case-${++caseNo}`);
  const modeDir = join(dir, 'buffer', 'buf');
  mkdirSync(modeDir, { recursive: true });
  const db = join(dir, 'store.sqlite');
  const sensor = join(dir, 'sensor');
  const logDir = join(dir, 'logs');
  const heartbeats: string[] = [];
  return {
    dir,
    db,
    modeDir,
    logDir,
    heartbeats,
    read: (at: string, extra: string[] = []) => {
      writeFileSync(sensor, '1\n');
      return runDist('read-pin', [
        ...[SERIES.device, String(SERIES.pin), 'buf', '--db', db, '--buffer-dir', join(dir, 'buffer')],
        ...['--log-dir', logDir, '--sensor', `file:${sensor}`, '--at', at, ...extra],
      ]);
    },
    put: (name: string, text: string) => writeFileSync(join(modeDir, name), text),
    rejected: () => (existsSync(join(modeDir, 'rejected')) ? readdirSync(join(modeDir, 'rejected')).sort() : []),
    stored: async (hour: string) => {
      const store = new SqliteStore({ file: db });
      try {
        const pk = partitionKey('minutes', SERIES, new Date(hour));
        return ((await store.readPartitions('minutes', [pk])).get(pk) ?? []).map((m) => m.sk);
      } finally {
        await store.close();
      }
    },
  };
}

const reading = (ts: string): string => JSON.stringify(minuteRecord(SERIES, ts, 1));

describe('hostile buffer files', () => {
  it('a FIFO, a socket, a folder, a symlink and a huge file are refused unread; the good readings are stored', async () => {
    const s = setup();
    const secret = join(s.dir, 'shadow');
    writeFileSync(secret, 'root:$6$SECRETHASH:19000:0:99999:7:::\n');
    execFileSync('mkfifo', [join(s.modeDir, '2025-06-21T08:01:05.000000+00:00.json')]);
    const socket = createServer();
    await new Promise<void>((done) => socket.listen(join(s.modeDir, '2025-06-21T08:02:05.000000+00:00.json'), done));
    mkdirSync(join(s.modeDir, '2025-06-21T08:03:05.000000+00:00.json'));
    symlinkSync(secret, join(s.modeDir, '2025-06-21T08:04:05.000000+00:00.json'));
    s.put('2025-06-21T08:05:05.000000+00:00.json', ' '.repeat(100 * 1024));
    s.put('2025-06-21T08:06:05.000000+00:00.json', reading('2025-06-21T08:06:05.000000+00:00'));
    const run = await s.read('2025-06-21T08:10:05Z');
    socket.close();
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await s.stored('2025-06-21T08:00:00Z')).toEqual(['time#06', 'time#10']);
    expect(s.rejected()).toEqual([
      '2025-06-21T08:01:05.000000+00:00.json',
      '2025-06-21T08:02:05.000000+00:00.json',
      '2025-06-21T08:03:05.000000+00:00.json',
      '2025-06-21T08:04:05.000000+00:00.json',
      '2025-06-21T08:05:05.000000+00:00.json',
    ]);
    const reasons = logLines(s.logDir)
      .filter((l) => l.msg.startsWith('rejected buffered file'))
      .map((l) => l.msg);
    expect(reasons).toEqual([
      'rejected buffered file: not a regular file (a FIFO)',
      'rejected buffered file: not a regular file (a socket)',
      'rejected buffered file: not a regular file (a folder)',
      'rejected buffered file: a symbolic link (not followed)',
      `rejected buffered file: too large (${100 * 1024} bytes, at most ${64 * 1024})`,
    ]);
    expect(JSON.stringify(logLines(s.logDir))).not.toContain('SECRETHASH');
  });

  it('a reading dated in the future is rejected with the reason, as read-pin --at refuses it', async () => {
    const s = setup();
    s.put('2099-01-01T00:00:05.000000+00:00.json', reading('2099-01-01T00:00:05.000000+00:00'));
    expect(await s.read('2025-06-21T09:00:05Z')).toMatchObject({ code: 0, stderr: '' });
    expect(s.rejected()).toEqual(['2099-01-01T00:00:05.000000+00:00.json']);
    const line = logLines(s.logDir).find((l) => l.msg.startsWith('rejected buffered file'));
    expect(line?.msg).toMatch(
      /^rejected buffered file: dated in the future \(2099-01-01T00:00:05\.000000\+00:00; the clock says /,
    );
  });

  it('a bad file that cannot be moved into rejected/ (a plain file named rejected) does not block the valid ones', async () => {
    const s = setup();
    writeFileSync(join(s.modeDir, 'rejected'), 'not a folder\n');
    s.put('2025-06-21T10:01:05.000000+00:00.json', '{"torn":');
    s.put('2025-06-21T10:02:05.000000+00:00.json', reading('2025-06-21T10:02:05.000000+00:00'));
    expect(await s.read('2025-06-21T10:03:05Z')).toMatchObject({ code: 0, stderr: '' });
    expect(await s.stored('2025-06-21T10:00:00Z')).toEqual(['time#02', 'time#03']);
    expect(readdirSync(s.modeDir).filter((f) => f.endsWith('.json'))).toEqual([
      '2025-06-21T10:01:05.000000+00:00.json',
    ]);
    const left = logLines(s.logDir).find((l) => l.msg.includes('left in place'));
    expect(left?.msg).toBe(
      'rejected buffered file: unreadable JSON: not valid JSON (left in place: cannot move it to rejected/)',
    );
  });
});

const holdLock = (path: string): Promise<ChildProcess> => holders.hold(path);

/** A heartbeat / ntfy peer on 127.0.0.1 that answers OK and notes each path. */
async function pingServer(): Promise<{ pings: string[]; port: number; server: Server }> {
  const pings: string[] = [];
  const server = createHttpServer((req, res) => {
    pings.push(String(req.url));
    req.resume();
    req.on('end', () => res.end('OK'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { pings, port: (server.address() as AddressInfo).port, server };
}

describe('a flush lock held by a live process', () => {
  it('held past twice the flush budget it is taken over, whatever the pid says', async () => {
    const s = setup();
    const lock = join(s.modeDir, '.flush.lock');
    await holdLock(lock);
    const old = new Date(Date.now() - 61_000);
    utimesSync(lock, old, old);
    expect(await s.read('2025-06-21T11:00:05Z')).toMatchObject({ code: 0, stderr: '' });
    expect(await s.stored('2025-06-21T11:00:00Z')).toEqual(['time#00']);
    expect(logLines(s.logDir).some((l) => l.msg === 'took over the flush lock of a dead run')).toBe(true);
  });

  it('held for minutes and not taken over: a warning and a failed heartbeat, not silence', async () => {
    const s = setup();
    const lock = join(s.modeDir, '.flush.lock');
    await holdLock(lock);
    const { pings, port, server } = await pingServer();
    // Four minutes old, and a take-over that cannot complete (another run's fresh take-over guard).
    const old = new Date(Date.now() - 4 * 60_000);
    utimesSync(lock, old, old);
    writeFileSync(`${lock}.takeover`, '1\n');
    // Dated ahead, so it stays fresh however long the run takes to start.
    const ahead = new Date(Date.now() + 60_000);
    utimesSync(`${lock}.takeover`, ahead, ahead);
    const run = await s.read('2025-06-21T12:00:05Z', ['--heartbeat-url', `http://127.0.0.1:${port}/hc/x`]);
    server.close();
    expect(run.code).toBe(0);
    expect(pings).toEqual(['/hc/x/fail']);
    const warning = logLines(s.logDir).find((l) => l.level === 40 && l.msg.startsWith('the flush lock has been held'));
    expect(warning).toBeDefined();
  });

  it('a FIFO in place of the flush lock or of the notification state blocks nothing; the heartbeat fails', async () => {
    const s = setup();
    execFileSync('mkfifo', [join(s.modeDir, '.flush.lock')]);
    mkdirSync(join(s.modeDir, 'notify'), { recursive: true });
    execFileSync('mkfifo', [join(s.modeDir, 'notify', `state-${SERIES.device}-pin${SERIES.pin}.json`)]);
    const { pings, port, server } = await pingServer();
    const run = await s.read('2025-06-21T13:00:05Z', [
      ...['--heartbeat-url', `http://127.0.0.1:${port}/hc/x`, '--ntfy-url', `http://127.0.0.1:${port}/topic`],
    ]);
    server.close();
    expect(run.code).toBe(0);
    expect(pings.filter((p) => p.startsWith('/hc/'))).toEqual(['/hc/x/fail']);
    const warning = logLines(s.logDir).find((l) => l.msg.startsWith('cannot take the flush lock'));
    expect(warning?.msg).toContain('is not a lock file: not a regular file (a FIFO)');
  });
});
