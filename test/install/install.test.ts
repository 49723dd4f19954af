/** blackout-install as a user runs it, writing into a temp install root; and the committed examples. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionKeysBetween } from '../../src/domain/keys.js';
import { cronFile, EXAMPLE_SETTINGS, exampleFiles, plannedFiles } from '../../src/install/templates.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, runEntrypoint, tempDir } from '../support/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function temp(): string {
  const t = tempDir('blackout-install-');
  cleanups.push(t.cleanup);
  return t.dir;
}

/** The documented example values as command-line arguments. */
const EXAMPLE_ARGS = [
  'alex_rpi',
  '4',
  'prod',
  '--user',
  'pi',
  '--node',
  '/usr/bin/node',
  '--project',
  '/home/pi/dev/blackout',
];

const listTree = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];

describe('committed examples', () => {
  it('cron_example/cron.d and cron_example/systemd are exactly what the generator writes', () => {
    for (const file of exampleFiles()) {
      expect(readFileSync(join(ROOT, 'cron_example', file.path), 'utf8'), file.path).toBe(file.content);
    }
    expect(readdirSync(join(ROOT, 'cron_example', 'systemd')).sort()).toEqual([
      'blackout-aggregate.service',
      'blackout-aggregate.timer',
      'blackout-read-pin.service',
      'blackout-read-pin.timer',
    ]);
  });
});

describe('blackout-install', () => {
  it('cron: writes /etc/cron.d/blackout-monitor equal to the committed example', async () => {
    const root = temp();
    const result = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(root, 'etc/cron.d/blackout-monitor')}`);
    expect(readFileSync(join(root, 'etc/cron.d/blackout-monitor'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'cron_example/cron.d/blackout-monitor'), 'utf8'),
    );
    // cron skips cron.d files that are group- or world-writable.
    expect(statSync(join(root, 'etc/cron.d/blackout-monitor')).mode & 0o777).toBe(0o644);
  });

  it('systemd: writes four units equal to the committed examples, timers persistent, logging to the journal', async () => {
    const root = temp();
    const result = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--scheduler', 'systemd']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'sudo systemctl daemon-reload && sudo systemctl enable --now blackout-read-pin.timer',
    );
    const dir = join(root, 'etc/systemd/system');
    for (const name of readdirSync(join(ROOT, 'cron_example/systemd'))) {
      expect(readFileSync(join(dir, name), 'utf8'), name).toBe(
        readFileSync(join(ROOT, 'cron_example/systemd', name), 'utf8'),
      );
    }
    expect(readFileSync(join(dir, 'blackout-read-pin.timer'), 'utf8')).toContain('Persistent=true');
    expect(readFileSync(join(dir, 'blackout-aggregate.timer'), 'utf8')).toContain('OnCalendar=*-*-* *:05:00');
    expect(readFileSync(join(dir, 'blackout-read-pin.service'), 'utf8')).toContain('StandardError=journal');
  });

  it('--dry-run prints the files and writes nothing', async () => {
    const root = temp();
    const result = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--dry-run',
      '--scheduler',
      'systemd',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`--- ${join(root, 'etc/systemd/system/blackout-read-pin.timer')} (would write)`);
    expect(result.stdout).toContain('ExecStart=/usr/bin/node /home/pi/dev/blackout/dist/read-pin.js alex_rpi 4 prod');
    expect(listTree(root)).toEqual([]);
  });

  it('refuses to replace a different file without --force (writing nothing), replaces it with --force', async () => {
    const root = temp();
    const target = join(root, 'etc/cron.d/blackout-monitor');
    mkdirSync(join(root, 'etc/cron.d'), { recursive: true });
    writeFileSync(target, '* * * * * pi my own job\n');
    const refused = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^install: refusing to replace .*blackout-monitor: it differs .*--force replaces it\)\n$/,
    );
    expect(readFileSync(target, 'utf8')).toBe('* * * * * pi my own job\n');

    const dry = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--dry-run']);
    expect(dry.stdout).toContain('(would REFUSE to replace (differs; --force))');

    const forced = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(cronFile(EXAMPLE_SETTINGS));
  });

  it('an identical existing file is left alone', async () => {
    const root = temp();
    await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root]);
    const again = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`unchanged ${join(root, 'etc/cron.d/blackout-monitor')}`);
  });

  it('store, region, sensor and folders become environment lines', async () => {
    const root = temp();
    const result = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--store',
      'dynamodb',
      '--region',
      'eu-central-1',
      '--sensor',
      'gpiod',
      '--active-low',
      '--log-dir',
      '/var/log/blackout',
    ]);
    expect(result.code).toBe(0);
    const text = readFileSync(join(root, 'etc/cron.d/blackout-monitor'), 'utf8');
    for (const line of [
      'BLACKOUT_STORE=dynamodb',
      'AWS_REGION=eu-central-1',
      'BLACKOUT_SENSOR=gpiod',
      'BLACKOUT_ACTIVE_LOW=1',
      'BLACKOUT_LOG_DIR=/var/log/blackout',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
  });

  it.each([
    [['--user', 'Bad User'], 'install: invalid --user "Bad User"'],
    [['--scheduler', 'anacron'], 'install: invalid --scheduler "anacron": one of cron, systemd'],
    [['--project', '/home/pi/my blackout'], 'install: invalid --project "/home/pi/my blackout"'],
    [['--node', '/opt/node%20/bin/node'], 'install: invalid --node "/opt/node%20/bin/node"'],
  ])('usage error %j: exit 2, one line, nothing written', async (extra, message) => {
    const root = temp();
    const result = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, ...extra]);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(listTree(root)).toEqual([]);
  });
});

describe('the generated cron line runs', () => {
  it('each job line, run by sh with the file environment as cron would, records a reading and aggregates', async () => {
    const dir = temp();
    const settings = {
      ...EXAMPLE_SETTINGS,
      mode: 'cronrun',
      node: process.execPath,
      projectDir: ROOT,
      env: {
        BLACKOUT_STORE: 'sqlite',
        BLACKOUT_SENSOR: 'simulate',
        BLACKOUT_DB: join(dir, 'db.sqlite'),
        BLACKOUT_BUFFER_DIR: join(dir, 'buffer'),
        BLACKOUT_LOG_DIR: join(dir, 'logs'),
      },
    };
    const [file] = plannedFiles('cron', settings);
    const lines = (file?.content ?? '').split('\n');
    const env: Record<string, string> = {};
    for (const line of lines.filter((l) => /^[A-Z_]+=/.test(l))) {
      const [key = '', ...value] = line.split('=');
      env[key] = value.join('=');
    }
    const jobs = lines.filter((l) => /^[0-9*]/.test(l)).map((l) => l.split(/\s+/));
    expect(jobs.map((fields) => fields.slice(0, 6).join(' '))).toEqual(['* * * * * pi', '5 * * * * pi']);
    for (const fields of jobs) {
      // cron runs the command (after the user field) with /bin/sh and only the file's variables.
      execFileSync('/bin/sh', ['-c', fields.slice(6).join(' ')], { env, cwd: '/', stdio: 'pipe' });
    }
    const store = new SqliteStore({ file: join(dir, 'db.sqlite') });
    const series = { device: 'alex_rpi', pin: 4 };
    const days = partitionKeysBetween(
      'hours',
      series,
      new Date(Date.now() - 86_400_000),
      new Date(Date.now() + 86_400_000),
    );
    const hours = [...(await store.readPartitions('hours', days)).values()].flat();
    const pendingMinutes = await store.pendingPartitions('minutes', series);
    await store.close();
    expect(hours.map((h) => h.count)).toEqual([1]);
    expect(pendingMinutes).toEqual([]);
  });
});
