/** read-pin with the GPIO drivers, as cron runs it: a fresh process on fake tools and a temp sysfs tree. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { GPIOD_ERRORS, GPIODETECT, SYSFS_LAYOUTS, writeFakeGpiod, writeSysfs } from './fake-gpio.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup() {
  const t = tempDir('blackout-readpin-gpio-');
  cleanups.push(t.cleanup);
  const sysfs = join(t.dir, 'sys');
  writeSysfs(sysfs, SYSFS_LAYOUTS['Pi 5, kernel 6.6']?.chips ?? [], false);
  const args = ['pi5', '4', 'test', '--buffer-dir', join(t.dir, 'buffer'), '--log-dir', join(t.dir, 'logs')];
  return { dir: t.dir, sysfs, args: [...args, '--db', join(t.dir, 'test.sqlite')] };
}

describe('read-pin --sensor gpio on a machine without sysfs GPIO', () => {
  it('reads through gpioget v2 (env BLACKOUT_GPIOGET / BLACKOUT_SYSFS_ROOT), silently, and stores the reading', async () => {
    const { dir, sysfs, args } = setup();
    const fake = writeFakeGpiod(join(dir, 'bin'), { version: 2, detect: GPIODETECT.pi5New, value: 1 });
    const result = await runEntrypoint('read-pin', args, {
      env: { BLACKOUT_GPIOGET: fake.gpioget, BLACKOUT_SYSFS_ROOT: sysfs },
    });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(join(dir, 'buffer', 'test'))).toEqual([]);
    const store = new SqliteStore({ file: join(dir, 'test.sqlite') });
    const pending = await store.pendingPartitions('minutes', { device: 'pi5', pin: 4 });
    const stored = [...(await store.readPartitions('minutes', pending)).values()].flat();
    await store.close();
    expect(stored.map((r) => r.reading)).toEqual([1]);
  });

  it.each([1, 2] as const)(
    'libgpiod v%i with --active-low: gpioget asked for a pull-up; an open contact (1) is stored as OFF',
    async (version) => {
      const { dir, sysfs, args } = setup();
      const fake = writeFakeGpiod(join(dir, 'bin'), { version, detect: GPIODETECT.pi5New, value: 1 });
      const result = await runEntrypoint('read-pin', [...args, '--active-low'], {
        env: { BLACKOUT_GPIOGET: fake.gpioget, BLACKOUT_SYSFS_ROOT: sysfs },
      });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(readFileSync(fake.argsLog, 'utf8').trim()).toBe(
        version === 1 ? '--bias=pull-up gpiochip0 4' : '-c gpiochip0 -b pull-up --numeric 4',
      );
      const store = new SqliteStore({ file: join(dir, 'test.sqlite') });
      const pending = await store.pendingPartitions('minutes', { device: 'pi5', pin: 4 });
      const stored = [...(await store.readPartitions('minutes', pending)).values()].flat();
      await store.close();
      expect(stored.map((r) => r.reading)).toEqual([0]);
    },
  );

  it('a busy pin: exit 1, one line on stderr, no stack, nothing buffered', async () => {
    const { dir, sysfs, args } = setup();
    const fake = writeFakeGpiod(join(dir, 'bin'), {
      version: 1,
      detect: GPIODETECT.pi5Old,
      value: 1,
      failWith: GPIOD_ERRORS.busy[1],
    });
    const result = await runEntrypoint('read-pin', [
      ...args,
      '--sensor',
      'gpiod',
      '--gpioget',
      fake.gpioget,
      '--sysfs-root',
      sysfs,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'read-pin: GPIO 4 (gpiochip4 line 4) is busy: another program or driver holds it (see gpioinfo gpiochip4)\n',
    );
  });

  it('an unknown --sensor is a usage error (exit 2)', async () => {
    const { args } = setup();
    const result = await runEntrypoint('read-pin', [...args, '--sensor', 'wiringpi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('read-pin: invalid --sensor "wiringpi": gpio, onoff, gpiod, simulate or file:PATH\n');
  });
});
