import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentOwner, type LockOwner, ownerAlive, tryLock } from '../../src/utils/lock.js';
import { tempDir } from '../support/cli.js';
import { bundleModule } from '../support/module-build.js';

const lockBuild = tempDir('blackout-lock-module-');
const LOCK_MODULE = bundleModule('src/utils/lock.ts', lockBuild.dir);
afterAll(() => lockBuild.cleanup());

let dir: string;
let cleanup: () => void;
const children: ChildProcess[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir('blackout-lock-'));
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  cleanup();
});

/** A child process that tries the lock, prints the outcome, then holds it until killed. */
function lockingChild(path: string, startSignal?: string): { child: ChildProcess; outcome: Promise<string> } {
  const script = `
    import { existsSync } from 'node:fs';
    const { tryLock } = await import(${JSON.stringify(LOCK_MODULE)});
    const start = ${JSON.stringify(startSignal ?? '')};
    while (start && !existsSync(start)) await new Promise((r) => setTimeout(r, 2));
    const attempt = tryLock(${JSON.stringify(path)});
    process.stdout.write(attempt.acquired ? 'acquired\\n' : 'busy\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const outcome = new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', () => resolve(out.trim() || 'exited'));
  });
  return { child, outcome };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on('exit', () => resolve());
  });
}

function writeOwner(path: string, owner: Partial<LockOwner>): void {
  writeFileSync(path, `${JSON.stringify({ ...currentOwner(), ...owner })}\n`);
}

describe('per-mode lock file', () => {
  it('is exclusive while held and free again after release', () => {
    const path = join(dir, '.flush.lock');
    const first = tryLock(path);
    expect(first.acquired).toBe(true);
    const second = tryLock(path);
    expect(second.acquired).toBe(false);
    if (!second.acquired) expect(second.holder).toMatchObject({ pid: process.pid });
    if (first.acquired) first.lock.release();
    expect(existsSync(path)).toBe(false);
    const third = tryLock(path);
    expect(third.acquired).toBe(true);
    if (third.acquired) third.lock.release();
  });

  it('a holder that refreshes its lock is not taken for stuck; one that stopped is', () => {
    const path = join(dir, '.flush.lock');
    const first = tryLock(path);
    expect(first.acquired).toBe(true);
    if (!first.acquired) return;
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(path, longAgo, longAgo);
    expect(first.lock.refresh()).toBe(true);
    expect(tryLock(path, { maxHoldMs: 60_000 }).acquired).toBe(false);
    utimesSync(path, longAgo, longAgo);
    const second = tryLock(path, { maxHoldMs: 60_000 });
    expect(second.acquired).toBe(true);
    // Taken over: the old holder's refresh neither touches nor claims the new holder's lock.
    expect(first.lock.refresh()).toBe(false);
    first.lock.release();
    expect(existsSync(path)).toBe(true);
    if (second.acquired) second.lock.release();
  });

  it('is refused to a second process while a live process holds it', async () => {
    const path = join(dir, '.flush.lock');
    const holder = lockingChild(path);
    expect(await holder.outcome).toBe('acquired');
    const attempt = tryLock(path);
    expect(attempt.acquired).toBe(false);
    if (!attempt.acquired) expect(attempt.holder).toMatchObject({ pid: holder.child.pid });
  });

  it('is taken over from a holder killed with SIGKILL (the lock file stays behind)', async () => {
    const path = join(dir, '.flush.lock');
    const holder = lockingChild(path);
    expect(await holder.outcome).toBe('acquired');
    holder.child.kill('SIGKILL');
    await exited(holder.child);
    expect(existsSync(path)).toBe(true);
    const attempt = tryLock(path);
    expect(attempt.acquired).toBe(true);
    if (attempt.acquired) {
      expect(attempt.lock.tookOverFrom).toMatchObject({ pid: holder.child.pid });
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
      attempt.lock.release();
    }
  });

  it('treats a reused pid (same pid, other start time) as a dead holder', () => {
    const path = join(dir, '.flush.lock');
    const me = currentOwner();
    expect(me.start).toBeTypeOf('number');
    writeOwner(path, { start: (me.start ?? 0) + 12345 });
    expect(ownerAlive(JSON.parse(readFileSync(path, 'utf8')) as LockOwner)).toBe(false);
    const attempt = tryLock(path);
    expect(attempt.acquired).toBe(true);
    if (attempt.acquired) attempt.lock.release();
  });

  it('treats a lock from before a reboot (other boot id) as stale', () => {
    const path = join(dir, '.flush.lock');
    writeOwner(path, { boot: '00000000-0000-0000-0000-000000000000' });
    const attempt = tryLock(path);
    expect(attempt.acquired).toBe(true);
    if (attempt.acquired) attempt.lock.release();
  });

  it('respects an empty lock file while it may still be being written, takes it over once old', () => {
    const path = join(dir, '.flush.lock');
    writeFileSync(path, '');
    expect(tryLock(path)).toEqual({ acquired: false, holder: 'unreadable', heldForMs: expect.any(Number) });
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(path, minuteAgo, minuteAgo);
    const attempt = tryLock(path);
    expect(attempt.acquired).toBe(true);
    if (attempt.acquired) {
      expect(attempt.lock.tookOverFrom).toBe('unreadable');
      attempt.lock.release();
    }
  });

  it('trusts a lock of another host only for a while', () => {
    const recent: LockOwner = { pid: 1, host: `${hostname()}-other`, since: new Date().toISOString() };
    const old: LockOwner = { ...recent, since: new Date(Date.now() - 3_600_000).toISOString() };
    expect(ownerAlive(recent)).toBe(true);
    expect(ownerAlive(old)).toBe(false);
  });

  it('gives a stale lock to exactly one of many processes racing for it', async () => {
    for (let round = 0; round < 4; round++) {
      const path = join(dir, `.race-${round}.lock`);
      const go = join(dir, `go-${round}`);
      // A dead holder: a pid that no longer exists.
      const dead = lockingChild(join(dir, `.dead-${round}.lock`));
      await dead.outcome;
      dead.child.kill('SIGKILL');
      await exited(dead.child);
      writeOwner(path, { pid: dead.child.pid ?? 0 });
      const racers = Array.from({ length: 6 }, () => lockingChild(path, go));
      // Let every racer start and wait on the signal file, then release them together.
      await new Promise((r) => setTimeout(r, 1500));
      writeFileSync(go, '');
      const outcomes = await Promise.all(racers.map((r) => r.outcome));
      expect(outcomes.filter((o) => o === 'acquired')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'busy')).toHaveLength(5);
      for (const r of racers) r.child.kill('SIGKILL');
      await Promise.all(racers.map((r) => exited(r.child)));
    }
  });
});
