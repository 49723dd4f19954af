/** `dist/serve.js` as a user (or systemd) runs it: the one start-up line, warnings, bad options, SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { freshMinutes } from '../report/fresh-data.js';
import { ROOT, runEntrypoint, tempDir } from '../support/cli.js';
import { fetchRaw, freePort } from './http.js';

const TOKEN = 'f00dfeedf00dfeedf00dfeed';
let temp: ReturnType<typeof tempDir>;
let db: string;

beforeAll(async () => {
  temp = tempDir('blackout-serve-cli-');
  db = join(temp.dir, 'dev.sqlite');
  const store = new SqliteStore({ file: db });
  await store.putMinutes(freshMinutes());
  await store.close();
});
afterAll(() => temp.cleanup());

/** Starts the server and resolves once it printed its first stderr line. */
function serve(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'serve.js'), ...args], {
    cwd: temp.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'Europe/Kyiv', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d;
      if (stderr.includes('dashboard: ')) resolveStart({ child, stderr: () => stderr, exited });
    });
    child.on('close', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

describe('blackout-serve', () => {
  it('prints one line with the address, answers, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const run = await serve(['alex_rpi', '4', '--db', db, '--log-dir', join(temp.dir, 'logs'), '--port', String(port)]);
    const status = await fetchRaw(port, '/api/status');
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ device: 'alex_rpi', pin: 4, tz: 'Europe/Kyiv' });
    expect(JSON.parse((await fetchRaw(port, '/config.json')).body).tz).toBe('Europe/Kyiv');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toBe(`dashboard: http://127.0.0.1:${port}/\n`);
  });

  it('on every network without a token: a warning line; with the token (from the environment) none, and the token is never printed', async () => {
    const port = await freePort();
    const open = await serve(['--db', db, '--host', '0.0.0.0', '--port', String(port)]);
    open.child.kill('SIGINT');
    expect(await open.exited).toBe(0);
    expect(open.stderr().split('\n')).toEqual([
      'serve: warning: --host 0.0.0.0 without --token: anyone who can reach this machine can read the dashboard (set BLACKOUT_DASHBOARD_TOKEN)',
      `dashboard: http://0.0.0.0:${port}/`,
      '',
    ]);

    const guarded = await serve(['--db', db, '--host', '0.0.0.0', '--port', String(port)], {
      BLACKOUT_DASHBOARD_TOKEN: TOKEN,
    });
    expect((await fetchRaw(port, '/api/devices')).status).toBe(401);
    expect((await fetchRaw(port, '/api/devices', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    guarded.child.kill('SIGTERM');
    expect(await guarded.exited).toBe(0);
    expect(guarded.stderr()).toBe(`dashboard: http://0.0.0.0:${port}/?token=…\n`);
  });

  it('starts on a store with no readings yet (saying so) and serves an empty list', async () => {
    const port = await freePort();
    const run = await serve(['--db', join(temp.dir, 'empty', 'dev.sqlite'), '--port', String(port)]);
    expect(JSON.parse((await fetchRaw(port, '/api/devices')).body).series).toEqual([]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toMatch(
      /^serve: warning: no database empty\/dev\.sqlite.*\ndashboard: http:\/\/127\.0\.0\.1:\d+\/\n$/,
    );
  });

  it.each([
    [['--port', '0'], 'serve: invalid --port "0": a whole number 1-65535'],
    [['--port', '70000'], 'serve: invalid --port "70000": a whole number 1-65535'],
    [
      ['--host', 'not a host'],
      'serve: invalid --host "not a host": an IP address such as 127.0.0.1 or 0.0.0.0, or a host name',
    ],
    [['--token', 'short'], 'serve: invalid --token: 16-256 of A-Z a-z 0-9 . _ ~ - (e.g. from: openssl rand -hex 16)'],
    [['--tz', 'Mars/Olympus'], 'serve: invalid --tz "Mars/Olympus": an IANA time zone such as Europe/Kyiv or UTC'],
  ])('%j is a usage error: one line, exit 2 (a secret is not echoed)', async (args, line) => {
    const result = await runEntrypoint('serve', ['--db', db, ...args], { cwd: temp.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${line}\n`);
  });

  it('a port already taken: one line, exit 1', async () => {
    const port = await freePort();
    const first = await serve(['--db', db, '--port', String(port), '--log-dir', join(temp.dir, 'logs')]);
    const second = await runEntrypoint('serve', [
      '--db',
      db,
      '--port',
      String(port),
      '--log-dir',
      join(temp.dir, 'logs'),
    ]);
    first.child.kill('SIGTERM');
    await first.exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `serve: cannot listen on 127.0.0.1:${port}: the port is in use (another blackout-serve?)\n`,
    );
  });
});
