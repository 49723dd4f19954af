/**
 * What `blackout-import` reads: a CSV file of `ts,reading` lines, a file of JSON lines as the buffer
 * writes them, or a folder of buffer files. Each line (or file) becomes a reading checked by the
 * buffer's own rules (`checkBufferedRecord`; a CSV line is built for the command's series, so only
 * `futureReason` is left) or a problem naming where it is; the input is read as a
 * stream, so a file of any length takes the memory of one line at a time.
 */
import { createReadStream, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Series } from '../domain/keys.js';
import { type MinuteRecord, minuteRecord } from '../domain/records.js';
import { parseTimestamp } from '../domain/time.js';
import { checkBufferedRecord, futureReason, MAX_BUFFER_FILE_BYTES } from '../utils/buffer.js';
import { listDir, readRegularFile, unreadableReason } from '../utils/files.js';

export type ImportFormat = 'csv' | 'json-lines' | 'buffer-folder';

export const FORMAT_NAMES: Record<ImportFormat, string> = {
  csv: 'CSV',
  'json-lines': 'JSON lines',
  'buffer-folder': 'buffer folder',
};

/** One line of a file, or one file of a folder: a reading, or why it is none. */
export type InputItem = { where: string } & ({ record: MinuteRecord } | { problem: string });

/** The input cannot be read at all (missing, not a file, unknown format): nothing is imported. */
export class ImportInputError extends Error {
  override name = 'ImportInputError';
}

/** Longer than any reading's line: not one, and not kept in memory. */
export const MAX_LINE_BYTES = MAX_BUFFER_FILE_BYTES;

const CSV_EXAMPLE = '2025-06-21T19:00:00+03:00,1';
const HEADER_RE = /^\s*"?[A-Za-z_][\w ]*"?\s*,\s*"?[A-Za-z_][\w ]*"?\s*$/;
const LOCAL_TIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** A value from the input, quoted and cut short for a message. */
const quoted = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
const unquoted = (field: string): string => field.trim().replace(/^"(.*)"$/, '$1');

export interface ImportSource {
  path: string;
  /** Known at once for a folder; for a file, from its first line (`undefined` until read). */
  format(): ImportFormat | undefined;
  /** The items in input order. Throws ImportInputError for an unknown format (before any item). */
  items(): AsyncIterable<InputItem>;
}

/**
 * Opens the input at `path` for `series`; `now` is the clock readings are checked against. Throws
 * ImportInputError when there is nothing to read (missing, a device or socket).
 */
export function openImportSource(path: string, series: Series, now: Date): ImportSource {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportInputError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'error')}`,
    );
  }
  if (stat.isDirectory()) {
    return { path, format: () => 'buffer-folder', items: () => folderItems(path, series, now) };
  }
  if (!stat.isFile() && !stat.isFIFO()) throw new ImportInputError(`cannot read ${path}: not a file or a folder`);
  let format: ImportFormat | undefined;
  return {
    path,
    format: () => format,
    items: () =>
      fileItems(path, series, now, (found) => {
        format = found;
      }),
  };
}

/** The buffer's files, oldest first; subfolders (`rejected/`) and temp files are not readings. */
async function* folderItems(dir: string, series: Series, now: Date): AsyncGenerator<InputItem> {
  let names: string[];
  try {
    names = listDir(dir);
  } catch (error) {
    throw new ImportInputError(`cannot read the folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, name);
    const content = readRegularFile(path, MAX_BUFFER_FILE_BYTES);
    if (!content.ok) {
      // A subfolder named *.json is no reading either, but say so.
      yield { where: name, problem: content.reason };
      continue;
    }
    yield { where: name, ...jsonItem(content.text, series, now) };
  }
}

function jsonItem(text: string, series: Series, now: Date): { record: MinuteRecord } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problem: `unreadable JSON: ${unreadableReason(error)}` };
  }
  const checked = checkBufferedRecord(raw, series, now);
  return checked.ok ? { record: checked.value } : { problem: checked.reason };
}

/** One `ts,reading` line, held to the same rules as a buffered file. */
function csvItem(line: string, series: Series, now: Date): { record: MinuteRecord } | { problem: string } {
  const fields = line.split(',');
  if (fields.length !== 2) {
    return {
      problem: `not ts,reading (${fields.length} ${fields.length === 1 ? 'field' : 'fields'}; e.g. ${CSV_EXAMPLE})`,
    };
  }
  const ts = unquoted(fields[0] ?? '');
  const reading = unquoted(fields[1] ?? '');
  if (!parseTimestamp(ts)) {
    const why = LOCAL_TIME_RE.test(ts) ? 'has no UTC offset' : 'is not an ISO time';
    return { problem: `ts ${quoted(ts)} ${why} (e.g. ${CSV_EXAMPLE})` };
  }
  if (reading !== '0' && reading !== '1') return { problem: `reading must be 0 or 1, got ${quoted(reading)}` };
  // Built from the command's series (already checked), so only the clock is left to check.
  const record = minuteRecord(series, ts, reading === '1' ? 1 : 0);
  const future = futureReason(record, now);
  return future ? { problem: future } : { record };
}

/** The format of a file, from its first line that is not blank. */
function sniff(line: string, path: string): ImportFormat {
  if (line.startsWith('{')) return 'json-lines';
  if (line.includes(',')) return 'csv';
  throw new ImportInputError(
    `${path}: unknown format: not CSV (ts,reading lines, e.g. ${CSV_EXAMPLE}) nor JSON lines of buffered readings`,
  );
}

async function* fileItems(
  path: string,
  series: Series,
  now: Date,
  found: (format: ImportFormat) => void,
): AsyncGenerator<InputItem> {
  let format: ImportFormat | undefined;
  for await (const { number, text, tooLong } of lines(path)) {
    const where = `line ${number}`;
    const line = (number === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (tooLong) {
      if (!format)
        throw new ImportInputError(`${path}: unknown format: ${where} is longer than ${MAX_LINE_BYTES} bytes`);
      yield { where, problem: `longer than ${MAX_LINE_BYTES} bytes` };
      continue;
    }
    if (line === '') continue;
    if (!format) {
      format = sniff(line, path);
      found(format);
      // A header, as spreadsheets write one, only as the first line.
      if (format === 'csv' && HEADER_RE.test(line)) continue;
    }
    yield { where, ...(format === 'csv' ? csvItem(line, series, now) : jsonItem(line, series, now)) };
  }
}

interface Line {
  number: number;
  text: string;
  /** Longer than MAX_LINE_BYTES: `text` is empty, the rest of the line was skipped unread. */
  tooLong: boolean;
}

/** The file's lines (`\n` or `\r\n`), numbered from 1, never holding more than one line in memory. */
async function* lines(path: string): AsyncGenerator<Line> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  let number = 1;
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        if (skipping) yield { number, text: '', tooLong: true };
        else {
          parts.push(chunk.subarray(start, nl));
          size += nl - start;
          if (size > MAX_LINE_BYTES) yield { number, text: '', tooLong: true };
          else yield { number, text: Buffer.concat(parts).toString('utf8'), tooLong: false };
        }
        number++;
        parts = [];
        size = 0;
        skipping = false;
        start = nl + 1;
      }
      if (!skipping && start < chunk.length) {
        parts.push(chunk.subarray(start));
        size += chunk.length - start;
        if (size > MAX_LINE_BYTES) {
          skipping = true;
          parts = [];
        }
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportInputError(`cannot read ${path}: ${code === 'EACCES' ? 'permission denied' : (code ?? 'error')}`);
  } finally {
    stream.destroy();
  }
  if (skipping) yield { number, text: '', tooLong: true };
  else if (size > 0) yield { number, text: Buffer.concat(parts).toString('utf8'), tooLong: false };
}
