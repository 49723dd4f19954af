/**
 * The one way every command runs: parse the command line, resolve the configuration (usage errors
 * first, before anything is written), run the job, and turn the outcome into an exit code — 0 done,
 * 1 a runtime failure (one line, logged once through pino's `err` serializer), 2 a usage error (one
 * line). What the job opened is closed, and the process exits only after stdout/stderr have drained.
 */
import { userInfo } from 'node:os';
import { type Command, CommanderError, type OptionValues } from '@commander-js/extra-typings';
import { explainStoreError } from '../stores/store-errors.js';
import { messageOf } from '../utils/errors.js';
import { createLogger, type Logger } from '../utils/log.js';
import { type Redactor, redactText, secretRedactor } from '../utils/redact.js';
import { UsageError } from './errors.js';
import { SECRET_FLAGS } from './options.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface LogSettings {
  logDir: string;
  logKeepDays: number;
  verbose: boolean;
}

interface Closeable {
  close(): Promise<void> | void;
}

/** What a job gets besides its command: its logger, a place to hand what must be closed, the clock. */
export interface Job {
  readonly name: string;
  /** The run's logger (created on first call; the configured secrets are redacted from every line). */
  logger(settings: LogSettings): Logger;
  /** Closes `resource` when the job ends, however it ends. */
  closeLater<T extends Closeable>(resource: T): T;
  readonly now: Date;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim() || 'failed';

// Commander's own wording of a value its parser refused; rewritten as `invalid <name> "<value>": <reason>`.
const REFUSED_OPTION = /^error: option '(?<flags>[^']+)' argument '(?<value>[\s\S]*)' is invalid\. (?<reason>[\s\S]*)$/;
const REFUSED_ENV =
  /^error: option '(?<flags>[^']+)' value '(?<value>[\s\S]*)' from env '(?<env>[^']+)' is invalid\. (?<reason>[\s\S]*)$/;
const REFUSED_ARGUMENT =
  /^error: command-argument value '(?<value>[\s\S]*)' is invalid for argument '(?<argument>[^']+)'\. (?<reason>[\s\S]*)$/;

/** One line for a commander error: a refused value names the flag, variable or argument it came from. */
export function commanderErrorLine(name: string, text: string, command: Command<unknown[], OptionValues>): string {
  const refused = (REFUSED_OPTION.exec(text) ?? REFUSED_ENV.exec(text) ?? REFUSED_ARGUMENT.exec(text))?.groups;
  if (refused) {
    const option = refused.flags ? command.options.find((o) => o.flags === refused.flags) : undefined;
    const source = refused.env ?? refused.argument ?? option?.long ?? refused.flags ?? '';
    const secret = option?.long !== undefined && SECRET_FLAGS.has(option.long);
    // Credentials inside a value (`http://user:pass@host/?token=…`) are never echoed either.
    const value = secret ? '' : ` ${JSON.stringify(redactText(refused.value ?? ''))}`;
    return `${name}: invalid ${source}${value}: ${oneLine(refused.reason ?? '')}\n`;
  }
  // Commander adds "(Did you mean …?)" on a second line: one line per error.
  return text.startsWith('error: ') ? `${name}: ${oneLine(text.slice(7))}\n` : text;
}

/** The values of the secret options the command was given: redacted from every log line. */
export function configuredSecrets(command: Command<unknown[], OptionValues>): string[] {
  const values = command.opts() as Record<string, unknown>;
  return command.options
    .filter((o) => o.long !== undefined && SECRET_FLAGS.has(o.long))
    .map((o) => values[o.attributeName()])
    .filter((v): v is string => typeof v === 'string');
}

/**
 * Parses `argv` with `command` and runs `job`. The job throws UsageError for a mistake in what was
 * typed (exit 2), returns an exit code, or throws anything else (exit 1).
 */
export async function runJob<A extends unknown[], O extends OptionValues>(
  command: Command<A, O>,
  job: (command: Command<A, O>, context: Job) => Promise<number>,
  argv: readonly string[] = process.argv,
): Promise<never> {
  // `blackout-read-pin` in --help (the bin's name); `read-pin:` before each message line.
  const name = command.name().replace(/^blackout-/, '');
  // A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(EXIT_OK);
  });
  const asAny = command as unknown as Command<unknown[], OptionValues>;
  command
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(commanderErrorLine(name, text, asAny)) })
    .showHelpAfterError(false)
    .allowExcessArguments(false);

  let log: Logger | undefined;
  const toClose: Closeable[] = [];
  const context: Job = {
    name,
    now: new Date(),
    logger(settings) {
      log ??= createLogger({ name, ...settings, keepDays: settings.logKeepDays, secrets: configuredSecrets(asAny) });
      return log;
    },
    closeLater(resource) {
      toClose.push(resource);
      return resource;
    },
  };

  let code: number;
  try {
    let parsed = false;
    command.action(() => {
      parsed = true;
    });
    await command.parseAsync(argv as string[]);
    code = parsed ? await job(command, context) : EXIT_OK;
  } catch (error) {
    code = exitCodeOf(error, name, log, secretRedactor(configuredSecrets(asAny)));
  }
  for (const resource of toClose.reverse()) {
    try {
      await resource.close();
    } catch {
      // Closing after the job's own outcome is decided: nothing more to say.
    }
  }
  // Exit explicitly (no lingering sockets in a cron run), but only once a pipe has taken all output:
  // process.exit would cut anything still queued (e.g. a report over 64 KiB).
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))));
  process.exit(code);
}

function exitCodeOf(error: unknown, name: string, log: Logger | undefined, redact: Redactor): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof UsageError) {
    process.stderr.write(`${name}: ${redact(oneLine(error.message))}\n`);
    return EXIT_USAGE;
  }
  const message = oneLine(explainStoreError(error, userInfo().username) ?? messageOf(error));
  try {
    if (!log) throw new Error('no logger');
    // The logger's stderr stream prints errors as the one line `<name>: <message>`.
    const err = error instanceof Error ? Object.assign(error, { message }) : new Error(message);
    log.error({ err }, message);
  } catch {
    // No logger yet, or its file cannot be written (a full disk): the line still reaches stderr.
    process.stderr.write(`${name}: ${redact(message)}\n`);
  }
  return EXIT_FAILURE;
}
