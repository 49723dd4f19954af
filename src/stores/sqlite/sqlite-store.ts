/**
 * SQLite adapter: one database file per mode, tables `minutes`, `hours`, `days` with the seed's
 * columns. WAL and a busy timeout let read-pin, aggregate and a report share the file at the same
 * minute; every write is one transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Series, Table } from '../../domain/keys.js';
import { statusKey, withStatus } from '../../domain/keys.js';
import type { AggregateRecord, AggregateTable, MinuteRecord, RecordOf } from '../../domain/records.js';
import { sameReading } from '../../domain/records.js';
import { chunk, type PutMinutesResult, type Store } from '../store.js';

/** hours and days share one shape: minute counts per bucket. */
const aggregateTableDdl = (table: 'hours' | 'days'): string => `
CREATE TABLE IF NOT EXISTS ${table} (
  pk TEXT NOT NULL, sk TEXT NOT NULL, pk_status TEXT NOT NULL, ts TEXT NOT NULL,
  "on" INTEGER NOT NULL, "off" INTEGER NOT NULL, unknown INTEGER NOT NULL,
  expected INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${table}_status ON ${table} (pk_status, ts);`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS minutes (
  pk TEXT NOT NULL, sk TEXT NOT NULL, pk_status TEXT NOT NULL, ts TEXT NOT NULL,
  reading INTEGER NOT NULL CHECK (reading IN (0, 1)),
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS minutes_status ON minutes (pk_status, ts);
${aggregateTableDdl('hours')}
${aggregateTableDdl('days')}
`;

const AGGREGATE_COLUMNS = `pk, sk, pk_status, ts, "on", "off", unknown, expected, count`;
const MINUTE_COLUMNS = 'pk, sk, pk_status, ts, reading';
const columnsOf = (table: Table): string => (table === 'minutes' ? MINUTE_COLUMNS : AGGREGATE_COLUMNS);
// SQLite's default limit on bound parameters is 32766; stay far below.
const IN_CHUNK = 500;

export interface SqliteStoreOptions {
  file: string;
  busyTimeoutMs?: number;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;

  constructor(options: SqliteStoreOptions) {
    this.location = options.file;
    mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  async putMinutes(records: readonly MinuteRecord[]): Promise<PutMinutesResult> {
    const result: PutMinutesResult = { stored: [], duplicates: [], conflicts: [] };
    const select = this.db.prepare<[string, string], MinuteRecord>(
      `SELECT ${MINUTE_COLUMNS} FROM minutes WHERE pk = ? AND sk = ?`,
    );
    const insert = this.db.prepare(`INSERT INTO minutes (${MINUTE_COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
    this.db
      .transaction(() => {
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
      })
      .immediate();
    return result;
  }

  async pendingPartitions(table: Table, series: Series): Promise<string[]> {
    const rows = this.db
      .prepare<[string], { pk: string }>(`SELECT DISTINCT pk FROM ${table} WHERE pk_status = ? ORDER BY pk`)
      .all(statusKey(series, 'new'));
    return rows.map((r) => r.pk);
  }

  async readPartitions<T extends Table>(table: T, pks: readonly string[]): Promise<Map<string, RecordOf<T>[]>> {
    const out = new Map<string, RecordOf<T>[]>(pks.map((pk) => [pk, []]));
    for (const part of chunk(pks, IN_CHUNK)) {
      const rows = this.db
        .prepare<string[], RecordOf<T>>(
          `SELECT ${columnsOf(table)} FROM ${table} WHERE pk IN (${part.map(() => '?').join(',')}) ORDER BY pk, sk`,
        )
        .all(...part);
      for (const row of rows) out.get(row.pk)?.push(row);
    }
    return out;
  }

  async putAggregates(table: AggregateTable, records: readonly AggregateRecord[]): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT OR REPLACE INTO ${table} (${AGGREGATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db
      .transaction(() => {
        for (const r of records) {
          upsert.run(r.pk, r.sk, r.pk_status, r.ts, r.on, r.off, r.unknown, r.expected, r.count);
        }
      })
      .immediate();
  }

  async markDone<T extends Table>(table: T, records: readonly RecordOf<T>[]): Promise<void> {
    const update = this.db.prepare(`UPDATE ${table} SET pk_status = ? WHERE pk = ? AND sk = ? AND ts = ?`);
    this.db
      .transaction(() => {
        for (const r of records) update.run(withStatus(r.pk_status, 'done'), r.pk, r.sk, r.ts);
      })
      .immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
