/**
 * The SQLite schema and its versions. `PRAGMA user_version` records the last migration applied; a
 * writer applies the missing ones in one transaction when it opens the file. Version 0 is a file made
 * before versions were recorded (or a fresh one): its tables are exactly those of migration 1.
 */
import Database from 'better-sqlite3';

interface Migration {
  version: number;
  /** What it changes, for readers of this list. */
  what: string;
  sql: string;
}

/** hours and days share one shape: minute counts per bucket. */
const aggregateTableDdl = (table: 'hours' | 'days'): string => `
CREATE TABLE IF NOT EXISTS ${table} (
  pk TEXT NOT NULL, sk TEXT NOT NULL, pk_status TEXT NOT NULL, ts TEXT NOT NULL,
  "on" INTEGER NOT NULL, "off" INTEGER NOT NULL, unknown INTEGER NOT NULL,
  expected INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${table}_status ON ${table} (pk_status, ts);`;

/** In order; never edit one that has shipped, add the next. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'tables minutes, hours, days and their status indexes',
    // IF NOT EXISTS: a version-0 file already holds these tables and keeps them untouched.
    sql: `
CREATE TABLE IF NOT EXISTS minutes (
  pk TEXT NOT NULL, sk TEXT NOT NULL, pk_status TEXT NOT NULL, ts TEXT NOT NULL,
  reading INTEGER NOT NULL CHECK (reading IN (0, 1)),
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS minutes_status ON minutes (pk_status, ts);
${aggregateTableDdl('hours')}
${aggregateTableDdl('days')}
`,
  },
  {
    version: 2,
    what: "hours.by_minute: the hour's minutes in order, so a report need not read them (NULL in older rows)",
    sql: 'ALTER TABLE hours ADD COLUMN by_minute TEXT;',
  },
];

/** The version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((latest, m) => Math.max(latest, m.version), 0);

/** A file written by a newer version of this program: its layout may have changed in ways this one cannot know. */
export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';
  constructor(file: string, found: number) {
    super(
      `${file} has schema version ${found}, newer than this blackout-monitor knows (${SCHEMA_VERSION}): update blackout-monitor before using it`,
    );
  }
}

export const schemaVersion = (db: Database.Database): number => Number(db.pragma('user_version', { simple: true }));

/** Throws NewerSchemaError when the file's version is above SCHEMA_VERSION; returns the version. */
export function knownVersion(db: Database.Database, file: string): number {
  const version = schemaVersion(db);
  if (version > SCHEMA_VERSION) throw new NewerSchemaError(file, version);
  return version;
}

/** Brings the file to SCHEMA_VERSION: the missing migrations and the new version in one transaction. */
export function migrate(db: Database.Database, file: string): void {
  // The every-minute path: one read of the header, no transaction.
  if (knownVersion(db, file) === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Again under the write lock: another writer may have migrated (or a newer one written) meanwhile.
    const from = knownVersion(db, file);
    for (const migration of MIGRATIONS) if (migration.version > from) db.exec(migration.sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

type SchemaRow = { type: string; name: string; sql: string | null };

/** `table minutes` → its CREATE statement with whitespace folded, for every table and index. */
export function schemaOf(db: Database.Database): Map<string, string> {
  const rows = db
    .prepare<[], SchemaRow>("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    .all();
  return new Map(rows.map((r) => [`${r.type} ${r.name}`, (r.sql ?? '').replace(/\s+/g, ' ').trim()]));
}

const expected = new Map<number, Map<string, string>>();

/**
 * The schema the migrations up to `version` produce, built once in memory. Version 0's tables are
 * migration 1's.
 */
function expectedSchema(version: number): Map<string, string> {
  const known = expected.get(version);
  if (known) return known;
  const db = new Database(':memory:');
  try {
    for (const migration of MIGRATIONS) if (migration.version <= Math.max(1, version)) db.exec(migration.sql);
    const schema = schemaOf(db);
    expected.set(version, schema);
    return schema;
  } finally {
    db.close();
  }
}

/**
 * What differs from the schema of the file's version (a reader sees files no writer has migrated
 * yet): `table hours missing`, `table minutes differs`, …
 */
export function schemaProblems(db: Database.Database): string[] {
  const actual = schemaOf(db);
  const problems: string[] = [];
  for (const [name, sql] of expectedSchema(schemaVersion(db))) {
    const found = actual.get(name);
    if (found === undefined) problems.push(`${name} missing`);
    else if (found !== sql) problems.push(`${name} differs`);
  }
  return problems;
}

export const hasTable = (db: Database.Database, table: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
