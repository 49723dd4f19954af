/**
 * Options shared by every entrypoint: the series (device, pin), the mode, the store and the
 * folders. Precedence: named option or positional argument > BLACKOUT_* environment > default.
 * Everything is validated before anything is written, so bad input leaves no trace.
 */
import { type Command, CommanderError, Option } from 'commander';
import type { Series } from '../domain/keys.js';
import { parseDevice, parseFlag, parseMode, parsePin, parsePositiveInt, UsageError } from '../domain/validate.js';
import type { StoreConfig } from '../stores/open-store.js';
import { STORE_KINDS, type StoreKind } from '../stores/store.js';
import { createLogger, type Logger } from '../utils/log.js';
import { defaultBufferDir, defaultLogDir } from '../utils/paths.js';

export const DEFAULT_DEVICE = 'temp';
export const DEFAULT_PIN = 4;
export const DEFAULT_MODE = 'dev';

export interface CommonConfig extends StoreConfig {
  series: Series;
  bufferDir: string;
  logDir: string;
  logKeepDays: number;
  verbose: boolean;
}

export interface CommonOptionValues {
  device?: string;
  pin?: string;
  mode?: string;
  store: string;
  db?: string;
  endpoint?: string;
  region?: string;
  bufferDir?: string;
  logDir?: string;
  logKeepDays: string;
  verbose?: boolean;
}

/** Adds `[device] [pin] [mode]` and the shared named options with their environment variables. */
export function addCommonOptions(command: Command): Command {
  return command
    .argument('[device]', `device alias (default "${DEFAULT_DEVICE}")`)
    .argument('[pin]', `GPIO pin, BCM numbering (default ${DEFAULT_PIN})`)
    .argument('[mode]', `mode: dev, prod, … - names the tables, buffer folder and database (default "${DEFAULT_MODE}")`)
    .addOption(new Option('--device <alias>', 'device alias, [A-Za-z0-9_.-]{1,64}').env('BLACKOUT_DEVICE'))
    .addOption(new Option('--pin <bcm>', 'GPIO pin, BCM numbering 0-53').env('BLACKOUT_PIN'))
    .addOption(new Option('--mode <mode>', 'mode, [a-z0-9_-]{1,32}').env('BLACKOUT_MODE'))
    .addOption(new Option('--store <kind>', 'sqlite or dynamodb').env('BLACKOUT_STORE').default('sqlite'))
    .addOption(new Option('--db <file>', 'SQLite database file (default data/<mode>.sqlite)').env('BLACKOUT_DB'))
    .addOption(
      new Option('--endpoint <url>', 'DynamoDB endpoint (default: AWS_ENDPOINT_URL_DYNAMODB or AWS)').env(
        'BLACKOUT_DYNAMODB_ENDPOINT',
      ),
    )
    .addOption(
      new Option('--region <region>', 'AWS region (default: AWS_REGION or ~/.aws/config)').env('BLACKOUT_REGION'),
    )
    .addOption(
      new Option('--buffer-dir <dir>', "buffer folder (default: the project's buffer/)").env('BLACKOUT_BUFFER_DIR'),
    )
    .addOption(new Option('--log-dir <dir>', "log folder (default: the project's logs/)").env('BLACKOUT_LOG_DIR'))
    .addOption(
      new Option('--log-keep-days <n>', 'delete daily log files older than this')
        .env('BLACKOUT_LOG_KEEP_DAYS')
        .default('30'),
    )
    .addOption(new Option('--verbose', 'mirror the log to the terminal in readable form').env('BLACKOUT_VERBOSE'));
}

function sourceName(command: Command, option: string, flag: string, env: string): string {
  return command.getOptionValueSource(option) === 'env' ? env : flag;
}

/** One of positional / named: both given and different is a usage error. */
function pick(
  command: Command,
  positional: string | undefined,
  option: keyof CommonOptionValues,
  flag: string,
  env: string,
): { value: string; source: string } | undefined {
  const named = command.getOptionValue(option) as string | undefined;
  const fromCli = command.getOptionValueSource(option) === 'cli';
  if (positional !== undefined && fromCli && named !== positional) {
    throw new UsageError(
      `${flag.slice(2)} given twice: ${JSON.stringify(positional)} and ${flag} ${JSON.stringify(named)}`,
    );
  }
  if (positional !== undefined && !fromCli) return { value: positional, source: flag.slice(2) };
  if (named !== undefined) return { value: named, source: sourceName(command, option, flag, env) };
  return undefined;
}

export function resolveCommon(command: Command): CommonConfig {
  const [posDevice, posPin, posMode] = command.processedArgs as (string | undefined)[];
  const opts = command.opts<CommonOptionValues>();
  const device = pick(command, posDevice, 'device', '--device', 'BLACKOUT_DEVICE');
  const pin = pick(command, posPin, 'pin', '--pin', 'BLACKOUT_PIN');
  const mode = pick(command, posMode, 'mode', '--mode', 'BLACKOUT_MODE');
  const storeSource = sourceName(command, 'store', '--store', 'BLACKOUT_STORE');
  if (!(STORE_KINDS as readonly string[]).includes(opts.store)) {
    throw new UsageError(`invalid ${storeSource} ${JSON.stringify(opts.store)}: sqlite or dynamodb`);
  }
  const logKeepDays = parsePositiveInt(
    opts.logKeepDays,
    sourceName(command, 'logKeepDays', '--log-keep-days', 'BLACKOUT_LOG_KEEP_DAYS'),
    3650,
  );
  if (opts.endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(opts.endpoint)) {
    throw new UsageError(`invalid --endpoint ${JSON.stringify(opts.endpoint)}: an http:// or https:// URL`);
  }
  if (opts.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(opts.region)) {
    throw new UsageError(`invalid --region ${JSON.stringify(opts.region)}: e.g. eu-central-1`);
  }
  for (const [option, flag, env] of PATH_OPTIONS) {
    const value = opts[option];
    // An empty path would silently mean "the current folder" (or the default for --db).
    if (value !== undefined && (value === '' || hasControlCharacter(String(value)))) {
      throw new UsageError(
        `invalid ${sourceName(command, option, flag, env)} ${JSON.stringify(value)}: a non-empty path`,
      );
    }
  }
  const verbose = flagValue(command, 'verbose', 'BLACKOUT_VERBOSE');
  return {
    series: {
      device: device ? parseDevice(device.value, device.source) : DEFAULT_DEVICE,
      pin: pin ? parsePin(pin.value, pin.source) : DEFAULT_PIN,
    },
    mode: mode ? parseMode(mode.value, mode.source) : DEFAULT_MODE,
    store: opts.store as StoreKind,
    ...(opts.db ? { db: opts.db } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    bufferDir: opts.bufferDir ?? defaultBufferDir(),
    logDir: opts.logDir ?? defaultLogDir(),
    logKeepDays,
    verbose,
  };
}

const hasControlCharacter = (text: string): boolean => [...text].some((c) => c.charCodeAt(0) < 0x20);

const PATH_OPTIONS: [keyof CommonOptionValues, string, string][] = [
  ['db', '--db', 'BLACKOUT_DB'],
  ['bufferDir', '--buffer-dir', 'BLACKOUT_BUFFER_DIR'],
  ['logDir', '--log-dir', 'BLACKOUT_LOG_DIR'],
];

/**
 * A boolean flag that may come from the environment. Commander turns any value of the variable
 * into `true` (even `0`), so the value is checked here: 1/true/yes/on or 0/false/no/off.
 */
export function flagValue(command: Command, option: string, env: string): boolean {
  if (command.getOptionValueSource(option) !== 'env') return Boolean(command.getOptionValue(option));
  return parseFlag(process.env[env] ?? '', env);
}

export function loggerFor(name: string, config: CommonConfig): Logger {
  return createLogger({ name, logDir: config.logDir, verbose: config.verbose, keepDays: config.logKeepDays });
}

/** Exit codes: 0 recorded / done, 1 runtime failure, 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Parses argv with `command` and runs `action`. Usage errors print one line and exit 2 before
 * anything is written; runtime failures print one line and exit 1.
 */
export async function runCli(
  name: string,
  command: Command,
  action: (command: Command) => Promise<number>,
  argv: string[] = process.argv,
): Promise<never> {
  // A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(EXIT_OK);
  });
  command
    .name(name)
    .exitOverride()
    .configureOutput({
      // One line per error (commander adds "(Did you mean …?)" on a second line).
      writeErr: (text) =>
        process.stderr.write(
          text.startsWith('error: ')
            ? `${name}: ${text
                .slice(7)
                .trim()
                .replace(/\s*\n\s*/g, ' ')}\n`
            : text,
        ),
    })
    .showHelpAfterError(false)
    .allowExcessArguments(false);
  let code: number;
  try {
    let parsed = false;
    command.action(() => {
      parsed = true;
    });
    await command.parseAsync(argv);
    code = parsed ? await action(command) : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    } else if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      code = EXIT_USAGE;
    } else {
      process.stderr.write(`${name}: ${(error as Error).message}\n`);
      code = EXIT_FAILURE;
    }
  }
  // Exit explicitly (no lingering sockets in a cron run), but only once a pipe has taken all output:
  // process.exit would cut anything still queued (e.g. a report over 64 KiB).
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))));
  process.exit(code);
}
