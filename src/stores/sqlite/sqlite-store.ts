/**
 * SQLite adapter: one database file per mode, tables `minutes`, `hours`, `days` with the Python version's
 * columns. WAL and a busy timeout let read-pin, aggregate and a report share the file at the same
 * minute; every write is one transaction. A writer creates the file and migrates it (schema.ts); a
 * reader opens it read-only and never writes it or anything next to it (wal.ts).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Series, Status, Table } from '../../domain/keys.js';
import { seriesKeyRange, seriesOfKey, statusKey, withStatus } from '../../domain/keys.js';
import type { AggregateRecord, AggregateTable, MinuteRecord, RecordOf } from '../../domain/records.js';
import { sameReading } from '../../domain/records.js';
import { canonicalTimestamp } from '../../domain/time.js';
import { messageOf } from '../../utils/errors.js';
import {
  assertOnePerMinute,
  bySeries,
  callSignal,
  chunk,
  type ListSeriesOptions,
  minutesWithin,
  type PutMinutesResult,
  ReadOnlyStoreError,
  type ReplaceMinutesResult,
  type SeriesSummary,
  type Store,
  type StoreAccess,
  type StoreCallOptions,
  type StoreCheck,
  type StoreFinding,
  tsBounds,
} from '../store.js';
import {
  hasTable,
  knownVersion,
  migrate,
  NewerSchemaError,
  SCHEMA_VERSION,
  schemaProblems,
  schemaVersion,
} from './schema.js';
import { closeWriterKeepingWal, missingWalFiles, WalFilesMissingError } from './wal.js';

const AGGREGATE_COLUMNS = `pk, sk, pk_status, ts, "on", "off", unknown, expected, count`;
const MINUTE_COLUMNS = 'pk, sk, pk_status, ts, reading';
/** Since schema version 2; a reader of an older file (not migrated: readers never write) goes without. */
const BY_MINUTE_SINCE = 2;
const hasByMinute = (table: Table, db: Database.Database): boolean =>
  table === 'hours' && schemaVersion(db) >= BY_MINUTE_SINCE;
const columnsOf = (table: Table, db: Database.Database): string =>
  table === 'minutes' ? MINUTE_COLUMNS : hasByMinute(table, db) ? `${AGGREGATE_COLUMNS}, by_minute` : AGGREGATE_COLUMNS;
// SQLite's default limit on bound parameters is 32766; stay far below.
const IN_CHUNK = 500;

export interface SqliteStoreOptions {
  file: string;
  /** Default `write`: creates the file and brings its schema to the current version. */
  access?: StoreAccess;
  busyTimeoutMs?: number;
  /**
   * Aborting it makes every later call reject. Calls are synchronous (better-sqlite3): one already
   * running finishes; the busy timeout bounds how long it can wait for another connection.
   */
  signal?: AbortSignal;
}

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

function nearestExisting(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Can the jobs write the file, or create it? WAL mode also needs the folder (for -wal and -shm). */
function writability(file: string): StoreFinding {
  const user = userInfo().username;
  const dir = dirname(file);
  if (!existsSync(file)) {
    const parent = nearestExisting(dir);
    if (!statSync(parent).isDirectory()) {
      return {
        status: 'fail',
        message: `cannot create ${file}: ${parent} is a file, not a folder`,
        fix: 'choose another --db path',
      };
    }
    if (writable(parent)) return { status: 'ok', message: `SQLite ${file} will be created at the first reading` };
    return {
      status: 'fail',
      message: `cannot create ${file}: ${parent} is not writable by ${user}`,
      fix: `sudo chown -R ${user} ${parent}`,
    };
  }
  if (!writable(file) || !writable(dir)) {
    return {
      status: 'fail',
      message: `SQLite ${file} or its folder is not writable by ${user}`,
      fix: `sudo chown -R ${user} ${dir}`,
    };
  }
  const size = statSync(file).size;
  return { status: 'ok', message: `SQLite ${file} writable (${(size / 1024 / 1024).toFixed(1)} MB)` };
}

function openWriter(file: string, timeout: number): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout });
  try {
    knownVersion(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw namingTheFile(error, file);
  }
}

/** SQLite's "file is not a database" does not say which file: the message names it. */
function namingTheFile(error: unknown, file: string): unknown {
  if ((error as { code?: unknown }).code !== 'SQLITE_NOTADB') return error;
  return Object.assign(new Error(`${file} is not a SQLite database (file is not a database)`), {
    code: 'SQLITE_NOTADB',
  });
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly access: StoreAccess;
  readonly location: string;
  private readonly timeout: number;
  private readonly signal: AbortSignal | undefined;
  /** A writer's from the start; a reader's from its first call on an existing file. */
  private db: Database.Database | undefined;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.location = options.file;
    this.access = options.access ?? 'write';
    this.timeout = options.busyTimeoutMs ?? 10_000;
    this.signal = options.signal;
    if (this.access === 'write') this.db = openWriter(options.file, this.timeout);
  }

  /**
   * The connection for reads; undefined while the file does not exist (nothing stored yet). A reader
   * opens it read-only, so a report works on a read-only file or in a read-only folder.
   */
  private reader(options?: StoreCallOptions): Database.Database | undefined {
    this.assertUsable(options);
    if (this.db || !existsSync(this.location)) return this.db;
    // A WAL-mode file without its -wal/-shm (closed by another SQLite tool, copied alone, written by
    // an older version): SQLite adds them beside it where it may, and can read nothing where it may not.
    const missing = missingWalFiles(this.location);
    if (missing.length > 0 && !folderWritable(dirname(this.location))) {
      throw new WalFilesMissingError(this.location, missing);
    }
    const db = new Database(this.location, { readonly: true, fileMustExist: true, timeout: this.timeout });
    try {
      knownVersion(db, this.location);
    } catch (error) {
      db.close();
      throw namingTheFile(error, this.location);
    }
    this.db = db;
    return db;
  }

  private writer(operation: string, options?: StoreCallOptions): Database.Database {
    this.assertUsable(options);
    if (this.access !== 'write' || !this.db) throw new ReadOnlyStoreError(this.location, operation);
    return this.db;
  }

  private assertUsable(options: StoreCallOptions | undefined): void {
    if (this.closed) throw new Error(`${this.location}: the store is closed`);
    callSignal(this.signal, options)?.throwIfAborted();
  }

  /** A reader's table may be missing (a foreign or empty file): it holds nothing, as on DynamoDB. */
  private readable(table: Table, options?: StoreCallOptions): Database.Database | undefined {
    const db = this.reader(options);
    return db && (this.access === 'write' || hasTable(db, table)) ? db : undefined;
  }

  async check(): Promise<StoreCheck> {
    const reachable = writability(this.location);
    if (reachable.status === 'fail') return { reachable };
    return { reachable, schema: this.schemaFinding() };
  }

  private schemaFinding(): StoreFinding {
    const file = this.location;
    let db: Database.Database | undefined;
    try {
      db = this.reader();
    } catch (error) {
      if (error instanceof NewerSchemaError) {
        return {
          status: 'fail',
          message: error.message,
          fix: 'update blackout-monitor (git pull && npm ci), or --db another file',
        };
      }
      if (error instanceof WalFilesMissingError) {
        return { status: 'fail', message: error.message, fix: 'run blackout-read-pin once: a write puts them back' };
      }
      return {
        status: 'fail',
        message: `cannot open ${file}: ${messageOf(error)}`,
        fix: 'restore the file from a backup or move it away',
      };
    }
    if (!db) {
      return {
        status: 'fail',
        message: `no database yet at ${file}`,
        fix: 'run blackout-read-pin once (it creates the tables)',
      };
    }
    const problems = schemaProblems(db);
    if (problems.length > 0) {
      return {
        status: 'fail',
        message: `${file}: ${problems.join(', ')}`,
        fix: 'run blackout-read-pin once (it creates missing tables); move a foreign database away',
      };
    }
    const version = schemaVersion(db);
    const upgrade =
      version < SCHEMA_VERSION ? ` (schema version ${version}: the next write makes it ${SCHEMA_VERSION})` : '';
    return { status: 'ok', message: `${file}: minutes, hours, days with their status indexes${upgrade}` };
  }

  async putMinutes(records: readonly MinuteRecord[], options?: StoreCallOptions): Promise<PutMinutesResult> {
    const db = this.writer('putMinutes', options);
    const result: PutMinutesResult = { stored: [], duplicates: [], conflicts: [] };
    const select = db.prepare<[string, string], MinuteRecord>(
      `SELECT ${MINUTE_COLUMNS} FROM minutes WHERE pk = ? AND sk = ?`,
    );
    const insert = db.prepare(`INSERT INTO minutes (${MINUTE_COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
    db.transaction(() => {
      for (const record of records) {
        const existing = select.get(record.pk, record.sk);
        if (!existing) {
          insert.run(record.pk, record.sk, record.pk_status, record.ts, record.reading);
          result.stored.push(record);
        } else if (sameReading(existing, record)) {
          result.duplicates.push(record);
        } else {
          result.conflicts.push({ incoming: record, existing });
        }
      }
    }).immediate();
    return result;
  }

  async replaceMinutes(records: readonly MinuteRecord[], options?: StoreCallOptions): Promise<ReplaceMinutesResult> {
    const db = this.writer('replaceMinutes', options);
    assertOnePerMinute(records);
    const result: ReplaceMinutesResult = { stored: [], duplicates: [], replaced: [] };
    const select = db.prepare<[string, string], MinuteRecord>(
      `SELECT ${MINUTE_COLUMNS} FROM minutes WHERE pk = ? AND sk = ?`,
    );
    const insert = db.prepare(`INSERT INTO minutes (${MINUTE_COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
    const update = db.prepare('UPDATE minutes SET pk_status = ?, ts = ?, reading = ? WHERE pk = ? AND sk = ?');
    db.transaction(() => {
      for (const record of records) {
        const existing = select.get(record.pk, record.sk);
        const pending = withStatus(record.pk_status, 'new');
        if (!existing) {
          insert.run(record.pk, record.sk, pending, record.ts, record.reading);
          result.stored.push(record);
        } else if (sameReading(existing, record)) {
          result.duplicates.push(record);
        } else {
          update.run(pending, record.ts, record.reading, record.pk, record.sk);
          result.replaced.push({ incoming: record, existing });
        }
      }
    }).immediate();
    return result;
  }

  async pendingPartitions(table: Table, series: Series, options?: StoreCallOptions): Promise<string[]> {
    const db = this.readable(table, options);
    if (!db) return [];
    const rows = db
      .prepare<[string], { pk: string }>(`SELECT DISTINCT pk FROM ${table} WHERE pk_status = ? ORDER BY pk`)
      .all(statusKey(series, 'new'));
    return rows.map((r) => r.pk);
  }

  async readMinutesBetween(
    series: Series,
    status: Status,
    from: Date,
    to: Date,
    options?: StoreCallOptions,
  ): Promise<MinuteRecord[]> {
    const db = this.readable('minutes', options);
    if (!db) return [];
    const { low, high } = tsBounds(from, to);
    // The status index (pk_status, ts) answers this as one range.
    const rows = db
      .prepare<[string, string, string], MinuteRecord>(
        `SELECT ${MINUTE_COLUMNS} FROM minutes WHERE pk_status = ? AND ts >= ? AND ts < ? ORDER BY ts`,
      )
      .all(statusKey(series, status), low, high);
    return minutesWithin(rows, from, to);
  }

  async readPartitions<T extends Table>(
    table: T,
    pks: readonly string[],
    options?: StoreCallOptions,
  ): Promise<Map<string, RecordOf<T>[]>> {
    const out = new Map<string, RecordOf<T>[]>(pks.map((pk) => [pk, []]));
    const db = this.readable(table, options);
    if (!db) return out;
    for (const part of chunk(pks, IN_CHUNK)) {
      const rows = db
        .prepare<string[], RecordOf<T>>(
          `SELECT ${columnsOf(table, db)} FROM ${table} WHERE pk IN (${part.map(() => '?').join(',')}) ORDER BY pk, sk`,
        )
        .all(...part);
      for (const row of rows) {
        // NULL: an hour written before version 2, or by another tool.
        if ('by_minute' in row && row.by_minute === null) delete row.by_minute;
        out.get(row.pk)?.push(row);
      }
    }
    return out;
  }

  async putAggregates(
    table: AggregateTable,
    records: readonly AggregateRecord[],
    options?: StoreCallOptions,
  ): Promise<void> {
    const db = this.writer('putAggregates', options);
    const byMinute = hasByMinute(table, db);
    const columns = columnsOf(table, db);
    // One placeholder per column, so the two lists cannot disagree.
    const placeholders = columns
      .split(',')
      .map(() => '?')
      .join(', ');
    const upsert = db.prepare(`INSERT OR REPLACE INTO ${table} (${columns}) VALUES (${placeholders})`);
    db.transaction(() => {
      for (const r of records) {
        const values = [r.pk, r.sk, r.pk_status, r.ts, r.on, r.off, r.unknown, r.expected, r.count];
        upsert.run(byMinute ? [...values, r.by_minute ?? null] : values);
      }
    }).immediate();
  }

  async markDone<T extends Table>(
    table: T,
    records: readonly RecordOf<T>[],
    options?: StoreCallOptions,
  ): Promise<void> {
    const db = this.writer('markDone', options);
    const update = db.prepare(`UPDATE ${table} SET pk_status = ? WHERE pk = ? AND sk = ? AND ts = ?`);
    db.transaction(() => {
      for (const r of records) update.run(withStatus(r.pk_status, 'done'), r.pk, r.sk, r.ts);
    }).immediate();
  }

  /**
   * Straight from the minutes table, by its primary key: the series are found by jumping from one
   * series' key range to the next (one lookup each, never a pass over every row), then counted in their
   * range.
   */
  async listSeries(options?: ListSeriesOptions): Promise<SeriesSummary[]> {
    const db = this.readable('minutes', options);
    if (!db) return [];
    const series = options?.series ? [options.series] : distinctSeries(db);
    const count = db.prepare<[string, string], number>('SELECT count(*) FROM minutes WHERE pk >= ? AND pk < ?').pluck();
    const edge = (order: 'ASC' | 'DESC') =>
      db
        .prepare<[string, string], string>(
          `SELECT ts FROM minutes WHERE pk >= ? AND pk < ? ORDER BY pk ${order}, sk ${order} LIMIT 1`,
        )
        .pluck();
    const [first, last] = [edge('ASC'), edge('DESC')];
    const out: SeriesSummary[] = [];
    for (const s of series) {
      const { start, end } = seriesKeyRange(s);
      const readings = count.get(start, end) ?? 0;
      const firstTs = first.get(start, end);
      const lastTs = last.get(start, end);
      if (readings === 0 || firstTs === undefined || lastTs === undefined) continue;
      out.push({
        device: s.device,
        pin: s.pin,
        firstReading: canonicalTimestamp(firstTs) ?? firstTs,
        lastReading: canonicalTimestamp(lastTs) ?? lastTs,
        readings,
      });
    }
    return out.sort(bySeries);
  }

  /** One primary-key lookup: the first minute in the series' key range. */
  async hasReadings(series: Series, options?: StoreCallOptions): Promise<boolean> {
    const db = this.readable('minutes', options);
    if (!db) return false;
    const { start, end } = seriesKeyRange(series);
    return db.prepare('SELECT 1 FROM minutes WHERE pk >= ? AND pk < ? LIMIT 1').pluck().get(start, end) !== undefined;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.closed = true;
    if (!db) return;
    if (this.access === 'write') closeWriterKeepingWal(db, this.location);
    else db.close();
  }
}

function folderWritable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every series with a key in the minutes table: one primary-key lookup per series (a loose index scan). */
function distinctSeries(db: Database.Database): Series[] {
  const next = db.prepare<[string], string>('SELECT pk FROM minutes WHERE pk >= ? ORDER BY pk LIMIT 1').pluck();
  const out: Series[] = [];
  let from = '';
  for (let pk = next.get(from); pk !== undefined; pk = next.get(from)) {
    const series = seriesOfKey(pk);
    const range = series && seriesKeyRange(series);
    if (series && range && pk.startsWith(range.start)) {
      out.push(series);
      from = range.end;
    } else {
      // A key another tool wrote: stepped over, one at a time.
      from = `${pk}\u0000`;
    }
  }
  return out;
}
