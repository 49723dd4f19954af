/** blackout-install as a user runs it, writing into a temp install root; and the committed examples. */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionKeysBetween } from '../../src/domain/keys.js';
import {
  cronFile,
  ENV_FILE,
  EXAMPLE_SETTINGS,
  exampleFiles,
  type JobSettings,
  plannedFiles,
} from '../../src/install/templates.js';
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

/** uid of `pi` in the fake system: not the uid running the tests. */
const PI_UID = 4242;

/** A temp install root holding what the example values name: user pi, /usr/bin/node, the built project. */
function targetSystem(): string {
  const root = temp();
  const file = (path: string, content: string, mode = 0o644): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    chmodSync(join(root, path), mode);
  };
  file('etc/passwd', `root:x:0:0:root:/root:/bin/bash\npi:x:${PI_UID}:${PI_UID}::/home/pi:/bin/bash\n`);
  file('etc/group', `root:x:0:\ngpio:x:997:pi\npi:x:${PI_UID}:\n`);
  file('usr/bin/node', '#!/bin/sh\n', 0o755);
  file('home/pi/dev/blackout/dist/read-pin.js', '');
  return root;
}

/** The job files under an install root (the fake system's own files are not counted). */
const jobFiles = (root: string): string[] =>
  ['etc/cron.d', 'etc/systemd/system'].flatMap((dir) =>
    existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => `${dir}/${name}`) : [],
  );

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
    const root = targetSystem();
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
    const root = targetSystem();
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
    const root = targetSystem();
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
    expect(result.stdout).toContain(
      `ExecStart=/usr/bin/node /home/pi/dev/blackout/dist/read-pin.js --settings-file ${ENV_FILE} --store sqlite -- alex_rpi 4 prod`,
    );
    expect(jobFiles(root)).toEqual([]);
  });

  it('refuses to replace a different file without --force (writing nothing), replaces it with --force', async () => {
    const root = targetSystem();
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
    const root = targetSystem();
    await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root]);
    const again = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`unchanged ${join(root, 'etc/cron.d/blackout-monitor')}`);
  });

  it('store, region, sensor, folders and --log-keep-days become options of the jobs and of the doctor hint', async () => {
    const root = targetSystem();
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
      '--buffer-dir',
      '/var/lib/blackout/buffer',
      '--log-dir',
      '/var/log/blackout',
      '--log-keep-days',
      '90',
      // install's own: never written into a job (a job is silent).
      '--verbose',
    ]);
    expect(result.code).toBe(0);
    const text = readFileSync(join(root, 'etc/cron.d/blackout-monitor'), 'utf8');
    expect(text).not.toContain('--verbose');
    const common = `--settings-file ${ENV_FILE} --store dynamodb --region eu-central-1 --buffer-dir /var/lib/blackout/buffer --log-dir /var/log/blackout --log-keep-days 90`;
    const series = '-- alex_rpi 4 prod';
    expect(text).toContain(
      `pi /usr/bin/node /home/pi/dev/blackout/dist/read-pin.js ${common} --sensor gpiod --active-low ${series}\n`,
    );
    expect(text).toContain(`pi /usr/bin/node /home/pi/dev/blackout/dist/aggregate.js ${common} ${series}\n`);
    const doctor = `/usr/bin/node /home/pi/dev/blackout/dist/doctor.js ${common} --sensor gpiod --active-low ${series}`;
    expect(text).toContain(`# Check the set-up with: ${doctor}\n`);
    expect(result.stdout).toContain(`blackout-doctor ${common} --sensor gpiod --active-low ${series}  (or: ${doctor})`);
    expect(text).toContain('logs are in /var/log/blackout/.');
    expect(text).not.toMatch(/^BLACKOUT_/m);
  });

  it('--log-keep-days is written only when given; --db and a relative file: sensor become absolute', async () => {
    const root = targetSystem();
    const plain = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--dry-run']);
    expect(plain.stdout).not.toContain('--log-keep-days');
    const fromEnv = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--dry-run', '--db', 'x.sqlite'], {
      env: { BLACKOUT_LOG_KEEP_DAYS: '7', BLACKOUT_SENSOR: 'file:power.txt' },
      cwd: root,
    });
    expect(fromEnv.stdout).toContain(
      `read-pin.js --settings-file ${ENV_FILE} --store sqlite --db ${join(root, 'x.sqlite')} --log-keep-days 7 --sensor file:${join(root, 'power.txt')} -- alex_rpi 4 prod\n`,
    );
  });

  it('writes the output options into the read-pin job and refuses their secrets (the job files are world-readable)', async () => {
    const root = targetSystem();
    const written = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--dry-run',
      '--prometheus-file',
      '/var/lib/prometheus/node-exporter/blackout.prom',
      '--mqtt-url',
      'mqtt://homeassistant.local:1883',
    ]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(
      /read-pin\.js .*--mqtt-url mqtt:\/\/homeassistant\.local:1883 .*--prometheus-file \/var\/lib\/prometheus\/node-exporter\/blackout\.prom -- alex_rpi 4 prod\n/,
    );
    const key = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--dry-run',
      '--svitlobot-key',
      'k3y-s3cret',
    ]);
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/--svitlobot-key is a secret .*BLACKOUT_SVITLOBOT_KEY/);
    expect(key.stderr + key.stdout).not.toContain('k3y-s3cret');
    const password = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--dry-run',
      '--mqtt-url',
      'mqtt://ha:pa55word@homeassistant.local:1883',
    ]);
    expect(password.code).toBe(2);
    expect(password.stderr + password.stdout).not.toContain('pa55word');
    // From the environment (the settings file), a secret stays there: the jobs read it themselves.
    const fromEnv = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--dry-run'], {
      env: { BLACKOUT_SVITLOBOT_KEY: 'k3y-s3cret' },
    });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).not.toContain('k3y-s3cret');
  });

  it('writes the schedule options into the aggregate job, and --notify-unplanned with them into read-pin', async () => {
    const root = targetSystem();
    const schedule = [
      '--schedule',
      'https://example.org/kyiv/groups.json',
      '--schedule-group',
      '2.1',
      '--schedule-cache',
      '/var/lib/blackout/schedule',
    ];
    const written = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--dry-run',
      ...schedule,
      '--notify-unplanned',
    ]);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    const jobLine = (script: string): string =>
      written.stdout.split('\n').find((l) => l.includes(`/dist/${script}.js `)) ?? '';
    const options =
      '--schedule https://example.org/kyiv/groups.json --schedule-group 2.1 --schedule-cache /var/lib/blackout/schedule';
    expect(jobLine('aggregate')).toContain(`${options} `);
    expect(jobLine('aggregate')).not.toContain('--notify-unplanned');
    expect(jobLine('read-pin')).toContain(`${options} --notify-unplanned `);
    expect(jobLine('read-pin')).toMatch(/ -- alex_rpi 4 prod$/);

    // Without --notify-unplanned the minute job is left alone; a relative file becomes absolute.
    const file = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--dry-run',
      '--schedule',
      'plans/group-2.1.ics',
    ]);
    expect(file.code).toBe(0);
    const lines = file.stdout.split('\n');
    expect(lines.find((l) => l.includes('/dist/aggregate.js '))).toContain(`--schedule ${ROOT}/plans/group-2.1.ics `);
    expect(lines.find((l) => l.includes('/dist/read-pin.js '))).not.toContain('--schedule');
  });

  it('refuses schedule values a job line cannot carry, and --notify-unplanned without --schedule, in one line', async () => {
    const root = targetSystem();
    const install = (args: string[]) =>
      runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--dry-run', ...args]);
    const alone = await install(['--notify-unplanned']);
    expect([alone.code, alone.stderr]).toEqual([
      2,
      'install: --notify-unplanned needs --schedule (or BLACKOUT_SCHEDULE)\n',
    ]);
    const token = await install(['--schedule', 'https://example.org/plan.json?token=s3cret']);
    expect(token.code).toBe(2);
    expect(token.stderr.split('\n')).toHaveLength(2);
    expect(token.stderr).toContain('invalid --schedule');
    const group = await install(['--schedule', 'https://example.org/plan.json', '--schedule-group', 'group 2']);
    expect([group.code, group.stderr]).toEqual([
      2,
      'install: invalid --schedule-group "group 2": in the jobs, A-Z a-z 0-9 . _ - without blanks\n',
    ]);
  });

  it('systemd units read the settings file (a missing one is fine) and carry the options in ExecStart', async () => {
    const root = targetSystem();
    const result = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--scheduler',
      'systemd',
      '--db',
      '/var/lib/blackout/prod.sqlite',
    ]);
    expect(result.code).toBe(0);
    for (const unit of ['blackout-read-pin', 'blackout-aggregate']) {
      const text = readFileSync(join(root, `etc/systemd/system/${unit}.service`), 'utf8');
      // The job reads the settings file itself (literally), as under cron: no EnvironmentFile=.
      expect(text).not.toContain('EnvironmentFile=');
      expect(text).toContain(
        `\nExecStart=/usr/bin/node /home/pi/dev/blackout/dist/${unit.slice(9)}.js --settings-file ${ENV_FILE} --store sqlite --db /var/lib/blackout/prod.sqlite -- alex_rpi 4 prod\n`,
      );
      expect(text).not.toMatch(/^Environment=BLACKOUT_/m);
    }
  });

  it.each([
    [['--user', 'Bad User'], 'install: invalid --user "Bad User"'],
    [['--user', 'bob'], 'install: invalid --user "bob": no such user in '],
    [['--scheduler', 'anacron'], 'install: invalid --scheduler "anacron": one of cron, systemd'],
    [['--project', '/home/pi/my blackout'], 'install: invalid --project "/home/pi/my blackout"'],
    [['--project', '/home/pi/elsewhere'], 'install: invalid --project "/home/pi/elsewhere": no such folder'],
    [['--project', '/home/pi'], 'install: invalid --project "/home/pi": no dist/read-pin.js in it'],
    [['--node', '/opt/node%20/bin/node'], 'install: invalid --node "/opt/node%20/bin/node"'],
    [['--node', 'bin/node'], 'install: invalid --node "bin/node": an absolute path'],
    [['--node', '/usr/local/bin/node'], 'install: invalid --node "/usr/local/bin/node": no such file'],
    [['--node', '/usr/bin'], 'install: invalid --node "/usr/bin": not a file'],
    [['--node', '/etc/passwd'], 'install: invalid --node "/etc/passwd": not executable'],
    [['--endpoint', 'http://localhost:8000/%20'], 'install: invalid --endpoint "http://localhost:8000/%20"'],
  ])('usage error %j: exit 2, one line, nothing written', async (extra, message) => {
    const root = targetSystem();
    for (const dryRun of [[], ['--dry-run']]) {
      const result = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, ...extra, ...dryRun]);
      expect(result.code).toBe(2);
      expect(result.stderr.startsWith(message), result.stderr).toBe(true);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(jobFiles(root)).toEqual([]);
    }
  });

  it('on the real system (--root /) the user is looked up too', async () => {
    const args = ['alex_rpi', '4', 'prod', '--root', '/', '--dry-run', '--node', process.execPath, '--project', ROOT];
    const missing = await runEntrypoint('install', [...args, '--user', 'no_such_user_x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('install: invalid --user "no_such_user_x": no such user\n');
    const present = await runEntrypoint('install', [...args, '--user', 'root']);
    expect(present.code).toBe(0);
  });

  it('cron.d while the systemd units exist, and the other way round: one warning line, still written', async () => {
    const root = targetSystem();
    const systemd = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--scheduler', 'systemd']);
    expect(systemd).toMatchObject({ code: 0, stderr: '' });
    const cron = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root]);
    expect(cron.code).toBe(0);
    expect(cron.stdout).toContain(`wrote ${join(root, 'etc/cron.d/blackout-monitor')}`);
    expect(cron.stderr.split('\n')).toHaveLength(2);
    expect(cron.stderr).toMatch(
      /^install: warning: .*blackout-read-pin\.timer.* also schedule the jobs: both would run \(two readings per minute\); remove the other: sudo systemctl disable --now blackout-read-pin\.timer blackout-aggregate\.timer && sudo rm /,
    );
    const again = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--scheduler', 'systemd']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(
      `install: warning: ${join(root, 'etc/cron.d/blackout-monitor')} also schedules the jobs: both would run (two readings per minute); remove the other: sudo rm ${join(root, 'etc/cron.d/blackout-monitor')}\n`,
    );
    // The Python version's run-parts layout counts too.
    const pythonLayout = targetSystem();
    mkdirSync(join(pythonLayout, 'etc/cron.minutes.pi'), { recursive: true });
    writeFileSync(join(pythonLayout, 'etc/cron.minutes.pi/blackout-monitor'), '#!/bin/sh\n');
    const withPythonLayout = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', pythonLayout, '--dry-run']);
    expect(withPythonLayout.code).toBe(0);
    expect(withPythonLayout.stderr).toContain(
      `${join(pythonLayout, 'etc/cron.minutes.pi/blackout-monitor')} also schedules the jobs`,
    );
  });

  it('a settings file the job user cannot read is warned about, under both schedulers (the jobs read it as that user)', async () => {
    const root = targetSystem();
    const settingsFile = join(root, ENV_FILE);
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, 'BLACKOUT_NTFY_URL=https://ntfy.sh/x\n');
    chmodSync(settingsFile, 0o600); // owned by the test runner, not by pi
    const warning = `install: warning: ${settingsFile} is not readable by pi: the jobs would run without its settings (notifications, AWS); sudo chown pi ${settingsFile} && sudo chmod 600 ${settingsFile}\n`;
    for (const scheduler of ['cron', 'systemd']) {
      const run = await runEntrypoint('install', [
        ...EXAMPLE_ARGS,
        '--root',
        root,
        '--dry-run',
        '--scheduler',
        scheduler,
      ]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(warning);
    }
    chmodSync(settingsFile, 0o644);
    expect((await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--dry-run'])).stderr).toBe('');
  });
});

describe('blackout-install --dashboard', () => {
  const SYSTEMD = [...EXAMPLE_ARGS, '--scheduler', 'systemd', '--dashboard'];
  const SERVE_UNIT = 'etc/systemd/system/blackout-serve.service';

  it("systemd: adds blackout-serve.service, restarted on failure, with the jobs' user, paths and store, and the --host/--port given", async () => {
    const root = targetSystem();
    const result = await runEntrypoint('install', [...SYSTEMD, '--root', root, '--host', '0.0.0.0', '--port', '8081']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(jobFiles(root).sort()).toEqual(
      [
        'etc/systemd/system/blackout-aggregate.service',
        'etc/systemd/system/blackout-aggregate.timer',
        'etc/systemd/system/blackout-read-pin.service',
        'etc/systemd/system/blackout-read-pin.timer',
        'etc/systemd/system/blackout-serve.service',
      ].sort(),
    );
    const unit = readFileSync(join(root, SERVE_UNIT), 'utf8');
    expect(unit).toContain('\nType=simple\nUser=pi\nWorkingDirectory=/home/pi/dev/blackout\n');
    expect(unit).toContain(
      `\nExecStart=/usr/bin/node --max-semi-space-size=2 /home/pi/dev/blackout/dist/serve.js --settings-file ${ENV_FILE} --store sqlite --host 0.0.0.0 --port 8081 -- alex_rpi 4 prod\n`,
    );
    expect(unit).toContain('\nRestart=on-failure\n');
    expect(unit).toContain('\n[Install]\nWantedBy=multi-user.target\n');
    // The other units are exactly those without --dashboard.
    for (const name of readdirSync(join(ROOT, 'cron_example/systemd'))) {
      expect(readFileSync(join(root, 'etc/systemd/system', name), 'utf8'), name).toBe(
        readFileSync(join(ROOT, 'cron_example/systemd', name), 'utf8'),
      );
    }
    expect(result.stdout).toContain(
      'sudo systemctl daemon-reload && sudo systemctl enable --now blackout-read-pin.timer blackout-aggregate.timer blackout-serve.service\n',
    );
    expect(result.stdout).toContain(
      `the dashboard: http://<this Pi>:8081/ (a token for it: BLACKOUT_DASHBOARD_TOKEN=… in ${ENV_FILE},`,
    );
  });

  it('without --host/--port the unit takes the defaults (127.0.0.1:8080); --host without --dashboard is a usage error', async () => {
    const root = targetSystem();
    expect((await runEntrypoint('install', [...SYSTEMD, '--root', root])).code).toBe(0);
    expect(readFileSync(join(root, SERVE_UNIT), 'utf8')).toContain(
      `\nExecStart=/usr/bin/node --max-semi-space-size=2 /home/pi/dev/blackout/dist/serve.js --settings-file ${ENV_FILE} --store sqlite -- alex_rpi 4 prod\n`,
    );
    const stray = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', targetSystem(), '--port', '8081']);
    expect(stray).toMatchObject({ code: 2, stdout: '', stderr: 'install: --port goes with --dashboard\n' });
  });

  it('cron: a usage error saying it needs systemd, nothing written', async () => {
    const root = targetSystem();
    const result = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--dashboard']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      'install: --dashboard needs --scheduler systemd: cron starts jobs, it cannot keep a server running\n',
    );
    expect(jobFiles(root)).toEqual([]);
  });

  it('--uninstall --dashboard removes the unit too, refused while it is enabled; without --dashboard it is left', async () => {
    const root = targetSystem();
    expect((await runEntrypoint('install', [...SYSTEMD, '--root', root])).code).toBe(0);
    const wants = join(root, 'etc/systemd/system/multi-user.target.wants');
    mkdirSync(wants, { recursive: true });
    symlinkSync('/etc/systemd/system/blackout-serve.service', join(wants, 'blackout-serve.service'));
    const refused = await runEntrypoint('install', [...SYSTEMD, '--root', root, '--uninstall']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `install: refusing to uninstall: the units are enabled (${join(wants, 'blackout-serve.service')}): first sudo systemctl disable --now blackout-read-pin.timer blackout-aggregate.timer blackout-serve.service, then --uninstall again\n`,
    );
    rmSync(join(wants, 'blackout-serve.service'));
    const timersOnly = [...EXAMPLE_ARGS, '--scheduler', 'systemd', '--root', root, '--uninstall'];
    expect((await runEntrypoint('install', timersOnly)).code).toBe(0);
    expect(jobFiles(root)).toEqual([
      'etc/systemd/system/blackout-serve.service',
      'etc/systemd/system/multi-user.target.wants',
    ]);
    const removed = await runEntrypoint('install', [...SYSTEMD, '--root', root, '--uninstall']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed ${join(root, SERVE_UNIT)}\n`);
    expect(jobFiles(root)).toEqual(['etc/systemd/system/multi-user.target.wants']);
  });
});

describe('blackout-install --uninstall', () => {
  const SCHEDULERS = [
    ['cron', ['etc/cron.d/blackout-monitor']],
    [
      'systemd',
      [
        'etc/systemd/system/blackout-read-pin.service',
        'etc/systemd/system/blackout-read-pin.timer',
        'etc/systemd/system/blackout-aggregate.service',
        'etc/systemd/system/blackout-aggregate.timer',
      ],
    ],
  ] as const;

  /** Every file under the root, with its content: what must stay as it was. */
  const snapshot = (root: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const name of readdirSync(join(root, dir), { withFileTypes: true })) {
        const path = dir ? `${dir}/${name.name}` : name.name;
        if (name.isDirectory()) walk(path);
        else out[path] = readFileSync(join(root, path), 'utf8');
      }
    };
    walk('');
    return out;
  };

  const installed = async (scheduler: string, extra: string[] = []): Promise<string> => {
    const root = targetSystem();
    const result = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--scheduler',
      scheduler,
      ...extra,
    ]);
    expect(result.code).toBe(0);
    return root;
  };

  for (const [scheduler, files] of SCHEDULERS) {
    const args = (root: string, ...extra: string[]) => [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--scheduler',
      scheduler,
      '--uninstall',
      ...extra,
    ];

    it(`${scheduler}: removes exactly what install wrote; the settings file and the rest stay`, async () => {
      const root = await installed(scheduler);
      mkdirSync(join(root, 'etc/default'), { recursive: true });
      writeFileSync(join(root, ENV_FILE), 'BLACKOUT_LANG=uk\n');
      mkdirSync(join(root, 'etc/cron.d'), { recursive: true });
      writeFileSync(join(root, 'etc/cron.d/other-job'), '* * * * * root true\n');
      const before = snapshot(root);
      expect(jobFiles(root).sort()).toEqual([...files, 'etc/cron.d/other-job'].sort());
      const result = await runEntrypoint('install', args(root));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      for (const file of files) expect(result.stdout).toContain(`removed ${join(root, file)}\n`);
      expect(result.stdout).toContain(
        scheduler === 'cron' ? 'cron stops running the jobs' : 'sudo systemctl daemon-reload',
      );
      const expected = { ...before };
      for (const file of files) delete expected[file];
      expect(snapshot(root)).toEqual(expected);
      // Again: nothing left to remove.
      const again = await runEntrypoint('install', args(root));
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`absent ${join(root, files[0])} (nothing to remove)\n`);
    });

    it(`${scheduler}: a file changed since is left and named (exit 1); the unchanged ones go`, async () => {
      const root = await installed(scheduler);
      const changed = join(root, scheduler === 'cron' ? files[0] : 'etc/systemd/system/blackout-read-pin.service');
      writeFileSync(changed, readFileSync(changed, 'utf8').replace('\n', '\n# my note\n'));
      const edited = readFileSync(changed, 'utf8');
      const result = await runEntrypoint('install', args(root));
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `install: left ${changed}: line 2 differs from what install writes for these options (changed since, or installed with other options: give those); remove it by hand if it is not wanted\n`,
      );
      expect(readFileSync(changed, 'utf8')).toBe(edited);
      expect(jobFiles(root).map((f) => join(root, f))).toEqual([changed]);
    });

    it(`${scheduler}: --dry-run says what would be removed and left, and removes nothing`, async () => {
      const root = await installed(scheduler);
      writeFileSync(join(root, files[0]), 'mine\n');
      const before = snapshot(root);
      const result = await runEntrypoint('install', args(root, '--dry-run'));
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.split('\n')).toEqual([
        `would LEAVE ${join(root, files[0])}: line 1 differs from what install writes for these options (changed since, or installed with other options: give those)`,
        ...files.slice(1).map((f) => `would remove ${join(root, f)}`),
        '',
      ]);
      expect(snapshot(root)).toEqual(before);
    });
  }

  it('the same options as install: other options name other files, which are left', async () => {
    const root = await installed('cron', ['--store', 'dynamodb', '--region', 'eu-central-1']);
    const plain = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--uninstall']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^install: left .*blackout-monitor: line \d+ differs from what install writes/);
    expect(jobFiles(root)).toEqual(['etc/cron.d/blackout-monitor']);
    // The project folder is gone already: uninstall does not need it.
    rmSync(join(root, 'home/pi/dev/blackout'), { recursive: true });
    const same = await runEntrypoint('install', [
      ...EXAMPLE_ARGS,
      '--root',
      root,
      '--store',
      'dynamodb',
      '--region',
      'eu-central-1',
      '--uninstall',
    ]);
    expect(same).toMatchObject({ code: 0, stderr: '' });
    expect(jobFiles(root)).toEqual([]);
  });

  it('systemd: refused while the timers are enabled (nothing removed); the dry run says so', async () => {
    const root = await installed('systemd');
    const wants = join(root, 'etc/systemd/system/timers.target.wants');
    mkdirSync(wants, { recursive: true });
    symlinkSync('/etc/systemd/system/blackout-read-pin.timer', join(wants, 'blackout-read-pin.timer'));
    const args = [...EXAMPLE_ARGS, '--root', root, '--scheduler', 'systemd', '--uninstall'];
    const before = jobFiles(root);
    const refused = await runEntrypoint('install', args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `install: refusing to uninstall: the timers are enabled (${join(wants, 'blackout-read-pin.timer')}): first sudo systemctl disable --now blackout-read-pin.timer blackout-aggregate.timer, then --uninstall again\n`,
    );
    expect(jobFiles(root)).toEqual(before);
    const dry = await runEntrypoint('install', [...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would REFUSE: the timers are enabled');
    rmSync(join(wants, 'blackout-read-pin.timer'));
    expect((await runEntrypoint('install', args)).code).toBe(0);
    expect(jobFiles(root)).toEqual(['etc/systemd/system/timers.target.wants']);
  });

  it("nothing installed: exit 0; the other scheduler's files are pointed at; --force is a usage error", async () => {
    const root = await installed('systemd');
    const cron = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--uninstall']);
    expect(cron.code).toBe(0);
    expect(cron.stdout).toContain(`absent ${join(root, 'etc/cron.d/blackout-monitor')} (nothing to remove)\n`);
    expect(cron.stdout).toContain('written for systemd; --scheduler systemd removes it\n');
    const forced = await runEntrypoint('install', [...EXAMPLE_ARGS, '--root', root, '--uninstall', '--force']);
    expect(forced).toMatchObject({ code: 2, stdout: '' });
    expect(forced.stderr).toBe(
      'install: --force does not go with --uninstall: a file changed since install is left to you\n',
    );
    expect(jobFiles(root)).toHaveLength(4);
  });
});

describe('the generated cron line runs', () => {
  const execSh = promisify(execFile);

  /** The cron file's jobs for `settings`, run by sh as cron runs them, with ENV_FILE at `settingsFile`. */
  async function runCronJobs(settings: JobSettings, settingsFile: string): Promise<string> {
    const [file] = plannedFiles('cron', settings);
    const lines = (file?.content ?? '').split('\n');
    // cron gives the command only the file's variables (and HOME, LOGNAME, SHELL).
    const env: Record<string, string> = {};
    for (const line of lines.filter((l) => /^[A-Z_]+=/.test(l))) {
      const [key = '', ...value] = line.split('=');
      env[key] = value.join('=');
    }
    expect(Object.keys(env)).toEqual(['SHELL', 'PATH']);
    const jobs = lines.filter((l) => /^[0-9*]/.test(l)).map((l) => l.split(/\s+/));
    expect(jobs.map((fields) => fields.slice(0, 6).join(' '))).toEqual(['* * * * * pi', '5 * * * * pi']);
    let stderr = '';
    for (const fields of jobs) {
      const command = fields.slice(6).join(' ');
      expect(command).toContain(`--settings-file ${ENV_FILE} `);
      const result = await execSh('/bin/sh', ['-c', command.replaceAll(ENV_FILE, settingsFile)], { env, cwd: '/' });
      stderr += result.stderr + result.stdout;
    }
    return stderr;
  }

  /** The systemd units' ExecStart lines, run without a shell as systemd runs them, with ENV_FILE at `envFile`. */
  async function runSystemdJobs(settings: JobSettings, envFile: string): Promise<string> {
    let output = '';
    for (const unit of plannedFiles('systemd', settings).filter((f) => f.path.endsWith('.service'))) {
      const line = unit.content.split('\n').find((l) => l.startsWith('ExecStart=')) ?? '';
      const [program = '', ...args] = line.slice('ExecStart='.length).replaceAll(ENV_FILE, envFile).split(' ');
      const result = await execSh(program, args, { env: { PATH: '/usr/bin:/bin' }, cwd: '/' });
      output += result.stderr + result.stdout;
    }
    return output;
  }

  async function storedHours(db: string): Promise<{ hours: number[]; pending: string[] }> {
    const store = new SqliteStore({ file: db });
    const series = { device: 'alex_rpi', pin: 4 };
    const days = partitionKeysBetween(
      'hours',
      series,
      new Date(Date.now() - 86_400_000),
      new Date(Date.now() + 86_400_000),
    );
    const hours = [...(await store.readPartitions('hours', days)).values()].flat().map((h) => h.count);
    const pending = await store.pendingPartitions('minutes', series);
    await store.close();
    return { hours, pending };
  }

  /** A sensor file that reads ON. */
  const pinFile = (dir: string): string => {
    const file = join(dir, 'pin');
    writeFileSync(file, '1\n');
    return file;
  };

  const settingsIn = (dir: string): JobSettings => ({
    ...EXAMPLE_SETTINGS,
    mode: 'cronrun',
    node: process.execPath,
    projectDir: ROOT,
    options: {
      store: 'sqlite',
      // A file sensor holding 1, not the simulated grid: the test must not depend on the time of day.
      sensor: `file:${pinFile(dir)}`,
      db: join(dir, 'db.sqlite'),
      bufferDir: join(dir, 'buffer'),
      logDir: join(dir, 'logs'),
    },
  });

  it('without the settings file: silent, records a reading and aggregates', async () => {
    const dir = temp();
    expect(await runCronJobs(settingsIn(dir), join(dir, 'no-such-file'))).toBe('');
    expect(await storedHours(join(dir, 'db.sqlite'))).toEqual({ hours: [1], pending: [] });
  });

  for (const scheduler of ['cron', 'systemd'] as const) {
    it(`${scheduler}: the settings file reaches node as written (a heartbeat is pinged); the options of the line win over it`, async () => {
      const dir = temp();
      const pings: string[] = [];
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => {
          body += chunk;
        });
        req.on('end', () => {
          pings.push(`${req.method} ${req.url} ${body}`);
          res.end('OK');
        });
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      cleanups.push(() => server.close());
      const { port } = server.address() as AddressInfo;
      const settingsFile = join(dir, 'blackout-monitor');
      writeFileSync(
        settingsFile,
        [
          '# as in README "Notifications"',
          // Read literally: `&`, `$` and `;` would be cut, expanded or run by a shell.
          `BLACKOUT_HEARTBEAT_URL=http://127.0.0.1:${port}/ping?a=1&b=$HOME;c`,
          // Overridden by the options and arguments in the line:
          'BLACKOUT_STORE=dynamodb',
          `BLACKOUT_DB=${join(dir, 'other.sqlite')}`,
          'BLACKOUT_MODE=dev',
          'BLACKOUT_DEVICE=other',
          '',
        ].join('\n'),
      );
      const run = scheduler === 'cron' ? runCronJobs : runSystemdJobs;
      expect(await run(settingsIn(dir), settingsFile)).toBe('');
      expect(pings).toEqual(['POST /ping?a=1&b=$HOME;c reading ON']);
      expect(await storedHours(join(dir, 'db.sqlite'))).toEqual({ hours: [1], pending: [] });
      expect(existsSync(join(dir, 'other.sqlite'))).toBe(false);
    });
  }
});
