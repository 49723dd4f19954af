/**
 * Logging: pino JSON lines into one file per UTC day (`logs/YYYY-MM-DD_log.txt`, the Python version's naming),
 * written synchronously so a short cron run never loses its last lines. Nothing reaches the terminal
 * when all is well (cron mails any output); errors also go to stderr as one plain line, and
 * `--verbose` mirrors everything to stderr in readable form.
 */
import { constants, fchmodSync, mkdirSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import { DAY_MS, utcDate } from '../domain/time.js';
import { messageOf } from './errors.js';
import { redactFields, SECRET_KEYS, secretRedactor } from './redact.js';

export type { Logger } from 'pino';

export interface LogOptions {
  logDir: string;
  /** Name of the job, stored in every line (`read-pin`, `aggregate`, …). */
  name: string;
  verbose?: boolean;
  /** Daily files older than this many days are deleted. */
  keepDays?: number;
  now?: Date;
  /** Configured secret values, removed from every line (shaped credentials always are). */
  secrets?: readonly string[];
}

const LOG_FILE_RE = /^(\d{4}-\d{2}-\d{2})_log\.txt$/;
const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

function readableLine(chunk: string): string {
  try {
    const entry = JSON.parse(chunk) as Record<string, unknown>;
    const { level, time, msg, name: _name, pid: _pid, hostname: _host, ...rest } = entry;
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    const stamp = typeof time === 'number' ? new Date(time).toISOString() : '';
    return `${stamp} ${LEVEL_NAMES[Number(level)] ?? level} ${msg ?? ''}${extra}\n`;
  } catch {
    return chunk;
  }
}

/** A stream that turns pino lines into readable text on stderr. */
function readableStderr(): DestinationStream {
  return { write: (chunk: string) => void process.stderr.write(readableLine(chunk)) };
}

/** Errors only, as one plain line each, so cron mails a short useful message. */
function errorLineStderr(job: string): DestinationStream {
  return {
    write: (chunk: string) => {
      try {
        const entry = JSON.parse(chunk) as { msg?: string; err?: { message?: string } };
        const detail = entry.err?.message && !entry.msg?.includes(entry.err.message) ? `: ${entry.err.message}` : '';
        process.stderr.write(`${job}: ${entry.msg ?? 'error'}${detail}\n`);
      } catch {
        process.stderr.write(chunk);
      }
    },
  };
}

export function logFileFor(logDir: string, date: Date): string {
  return join(logDir, `${utcDate(date)}_log.txt`);
}

/** Deletes daily log files older than `keepDays`. Never throws: logging must not fail a reading. */
export function pruneLogs(logDir: string, keepDays: number, now: Date): string[] {
  const removed: string[] = [];
  const oldestKept = utcDate(new Date(now.getTime() - (keepDays - 1) * DAY_MS));
  try {
    for (const file of readdirSync(logDir)) {
      const day = LOG_FILE_RE.exec(file)?.[1];
      if (day && day < oldestKept) {
        unlinkSync(join(logDir, file));
        removed.push(file);
      }
    }
  } catch {
    // A missing or unreadable log folder is reported by the file destination itself.
  }
  return removed;
}

/**
 * The daily log file, written synchronously (a short cron run never loses its last lines) and
 * readable by its owner only (lines may name peers and folders). A failed write — a full disk —
 * is dropped with one stderr line per run: logging never fails a job.
 */
function logFileStream(name: string, file: string): DestinationStream {
  // Never through a planted link; a file left 0644 by an earlier version becomes its owner's only.
  let fd: number | undefined = openSync(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o600,
  );
  fchmodSync(fd, 0o600);
  return {
    write(line: string) {
      if (fd === undefined) return;
      try {
        writeSync(fd, line);
      } catch (error) {
        fd = undefined;
        process.stderr.write(`${name}: log lines dropped, cannot write ${file}: ${messageOf(error)}\n`);
      }
    },
  };
}

export function createLogger(options: LogOptions): Logger {
  const now = options.now ?? new Date();
  const streams: StreamEntry[] = [];
  try {
    mkdirSync(options.logDir, { recursive: true, mode: 0o700 });
    streams.push({ level: 'debug', stream: logFileStream(options.name, logFileFor(options.logDir, now)) });
    pruneLogs(options.logDir, options.keepDays ?? 30, now);
  } catch (error) {
    // No log file (read-only or full disk) must not stop the reading; say so once on stderr.
    process.stderr.write(`${options.name}: cannot write logs in ${options.logDir}: ${messageOf(error)}\n`);
  }
  streams.push(
    options.verbose
      ? { level: 'debug', stream: readableStderr() }
      : { level: 'error', stream: errorLineStderr(options.name) },
  );
  const redact = secretRedactor(options.secrets ?? []);
  return pino(
    {
      name: options.name,
      level: 'debug',
      base: { pid: process.pid },
      redact: { paths: SECRET_KEYS, censor: '***' },
      formatters: { log: (fields) => redactFields(fields, redact) as Record<string, unknown> },
      hooks: {
        // Free-text messages can carry secrets too (webhook and heartbeat links).
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.multistream(streams),
  );
}

/** A logger that writes nowhere, for library use and tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
