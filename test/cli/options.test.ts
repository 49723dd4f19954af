/**
 * The option table as a whole: every command's --help, and a bad value of every option — from the
 * command line and from its environment variable — refused with one line that names the flag or
 * the variable (and never echoes a secret). In-process: the definitions are what the entrypoints run.
 */
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { afterEach, describe, expect, it } from 'vitest';
import {
  aggregateCommand,
  copyCommand,
  devicesCommand,
  doctorCommand,
  importCommand,
  installCommand,
  notifyTestCommand,
  quickstartCommand,
  readPinCommand,
  reportCommand,
} from '../../src/cli/commands.js';
import { jobArguments } from '../../src/cli/job-args.js';
import { SECRET_FLAGS } from '../../src/cli/options.js';
import { commanderErrorLine } from '../../src/cli/run-job.js';
import { runEntrypoint } from '../support/cli.js';
import { AWS_TEST_ENV } from '../support/dynalite.js';

type AnyCommand = Command<unknown[], OptionValues>;
const COMMANDS: Record<string, () => AnyCommand> = {
  'read-pin': readPinCommand as unknown as () => AnyCommand,
  aggregate: aggregateCommand as unknown as () => AnyCommand,
  copy: copyCommand as unknown as () => AnyCommand,
  report: reportCommand as unknown as () => AnyCommand,
  devices: devicesCommand as unknown as () => AnyCommand,
  'notify-test': notifyTestCommand as unknown as () => AnyCommand,
  doctor: doctorCommand as unknown as () => AnyCommand,
  install: installCommand as unknown as () => AnyCommand,
  import: importCommand as unknown as () => AnyCommand,
  quickstart: quickstartCommand as unknown as () => AnyCommand,
};

/** Values no parser of the table accepts all of; each option refuses at least one. */
const BAD_VALUES = ['', 'not a valid value', '-1', '0', 'http://host/has space'];

/** Parses `argv` with a fresh definition; returns the one error line, or undefined when it parsed. */
async function parseError(name: string, argv: string[]): Promise<string | undefined> {
  const command = COMMANDS[name]?.() as AnyCommand;
  let line: string | undefined;
  command
    .exitOverride()
    .configureOutput({ outputError: (text) => (line = commanderErrorLine(name, text, command)), writeOut: () => {} })
    .action(() => {});
  try {
    await command.parseAsync(argv, { from: 'user' });
  } catch {
    // exitOverride: the line was captured above.
  }
  return line;
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
});

describe('the option table', () => {
  for (const [name, define] of Object.entries(COMMANDS)) {
    it(`${name}: a bad value of each option is one line naming the flag, then the variable`, async () => {
      const validated = define().options.filter((o) => o.parseArg !== undefined);
      expect(validated.length).toBeGreaterThan(5);
      for (const option of validated) {
        const long = option.long as string;
        const secret = SECRET_FLAGS.has(long);
        let refused: string | undefined;
        for (const value of BAD_VALUES) {
          const line = await parseError(name, [`${long}=${value}`]);
          if (line === undefined || line.includes('required option')) continue;
          refused = value;
          expect(line, long).toMatch(
            new RegExp(
              `^${name}: invalid ${long}${secret ? ':' : ` ${JSON.stringify(JSON.stringify(value)).slice(1, -1)}:`} .+\\n$`,
            ),
          );
          if (secret) expect(line).not.toContain(value || '""');
          break;
        }
        expect(refused, `${name} ${long} refuses one of the bad values`).toBeDefined();
        if (option.envVar && refused !== undefined) {
          process.env[option.envVar] = refused;
          const line = await parseError(name, []);
          delete process.env[option.envVar];
          expect(line, option.envVar).toMatch(new RegExp(`^${name}: invalid ${option.envVar}[ :]`));
        }
      }
    });
  }

  it('positional arguments are named as such', async () => {
    expect(await parseError('read-pin', ['a#b'])).toBe(
      'read-pin: invalid device "a#b": use 1-64 of A-Z a-z 0-9 _ . - (not starting with -)\n',
    );
    expect(await parseError('aggregate', ['pi', '60'])).toBe('aggregate: invalid pin "60": a BCM GPIO number 0-53\n');
  });

  it('an unknown option is one line', async () => {
    expect(await parseError('report', ['--formt', 'json'])).toMatch(
      /^report: unknown option '--formt' \(Did you mean --format\?\)\n$/,
    );
  });

  it('job arguments written by install parse back to the same values with the job definition', async () => {
    const values = { store: 'dynamodb', region: 'eu-central-1', logKeepDays: 90, sensor: 'gpiod', activeLow: true };
    const argv = jobArguments('read-pin', values);
    expect(argv).toEqual([
      '--store',
      'dynamodb',
      '--region',
      'eu-central-1',
      '--log-keep-days',
      '90',
      '--sensor',
      'gpiod',
      '--active-low',
    ]);
    const command = readPinCommand()
      .exitOverride()
      .action(() => {});
    await command.parseAsync(argv, { from: 'user' });
    expect(command.opts()).toMatchObject(values);
    // aggregate takes no sensor options, so none are written into its line.
    expect(jobArguments('aggregate', values)).toEqual([
      '--store',
      'dynamodb',
      '--region',
      'eu-central-1',
      '--log-keep-days',
      '90',
    ]);
  });
});

describe('--help of every command', () => {
  for (const name of Object.keys(COMMANDS)) {
    it(`${name} --help: exit 0, the usage and every option`, async () => {
      const run = await runEntrypoint(name, ['--help']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(new RegExp(`^Usage: blackout-${name} \\[options\\]`));
      for (const option of COMMANDS[name]?.().options ?? []) expect(run.stdout).toContain(option.flags);
    });
  }
});

describe('credentials in a refused value', () => {
  it('are not echoed', async () => {
    const line = await parseError('read-pin', ['--endpoint', 'http://user:pa55@host:8000/ x?token=t0k']);
    expect(line).toMatch(/^read-pin: invalid --endpoint "http:\/\/\*\*\*@host:8000\/ x\?token=\*\*\*": /);
    const install = await runEntrypoint('install', ['--endpoint', 'http://user:pa55@host/%20?token=t0k', '--dry-run']);
    expect(install.code).toBe(2);
    expect(install.stderr).not.toMatch(/pa55|t0k/);
  });

  it('are not printed by the doctor', async () => {
    const doctor = await runEntrypoint(
      'doctor',
      [
        ...['--store', 'dynamodb', '--region', 'eu-central-1', '--endpoint', 'http://user:pa55@127.0.0.1:9/?token=t0k'],
        ...['--sensor', 'simulate', '--system-root', '/nonexistent', '--json'],
      ],
      { env: AWS_TEST_ENV },
    );
    expect(doctor.stdout).toContain('127.0.0.1:9');
    expect(doctor.stdout + doctor.stderr).not.toMatch(/pa55|t0k/);
  });
});
