/**
 * Store reachable and tables right. SQLite: the database (or the folder it will be created in) is
 * writable, and its tables match what the SQLite store creates. DynamoDB: see dynamodb-checks.ts.
 * Nothing is created or written here.
 */
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { type StoreConfig, sqliteFile } from '../stores/open-store.js';
import { SqliteStore } from '../stores/sqlite/sqlite-store.js';
import { type CheckResult, fail, ok } from './check.js';

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

export function checkSqliteWritable(file: string): CheckResult {
  const user = userInfo().username;
  const dir = dirname(file);
  if (!existsSync(file)) {
    const parent = nearestExisting(dir);
    if (!statSync(parent).isDirectory()) {
      return fail('store', `cannot create ${file}: ${parent} is a file, not a folder`, 'choose another --db path');
    }
    if (writable(parent)) return ok('store', `SQLite ${file} will be created at the first reading`);
    return fail(
      'store',
      `cannot create ${file}: ${parent} is not writable by ${user}`,
      `sudo chown -R ${user} ${parent}`,
    );
  }
  // WAL mode writes -wal and -shm files next to the database: the folder must be writable too.
  if (!writable(file) || !writable(dir)) {
    return fail('store', `SQLite ${file} or its folder is not writable by ${user}`, `sudo chown -R ${user} ${dir}`);
  }
  const size = statSync(file).size;
  return ok('store', `SQLite ${file} writable (${(size / 1024 / 1024).toFixed(1)} MB)`);
}

type SchemaRow = { type: string; name: string; sql: string | null };

function schemaOf(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[], SchemaRow>("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
      .all();
    return new Map(rows.map((r) => [`${r.type} ${r.name}`, (r.sql ?? '').replace(/\s+/g, ' ').trim()]));
  } finally {
    db.close();
  }
}

/** The schema the SQLite store creates, taken from a throwaway database it sets up. */
function expectedSqliteSchema(): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'blackout-doctor-'));
  try {
    const file = join(dir, 'reference.sqlite');
    new SqliteStore({ file }).close();
    return schemaOf(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function checkSqliteTables(file: string): CheckResult {
  if (!existsSync(file)) {
    return fail('tables', `no database yet at ${file}`, 'run blackout-read-pin once (it creates the tables)');
  }
  let actual: Map<string, string>;
  try {
    actual = schemaOf(file);
  } catch (error) {
    return fail(
      'tables',
      `cannot open ${file}: ${(error as Error).message}`,
      'restore the file from a backup or move it away',
    );
  }
  const problems: string[] = [];
  for (const [name, sql] of expectedSqliteSchema()) {
    const found = actual.get(name);
    if (found === undefined) problems.push(`${name} missing`);
    else if (found !== sql) problems.push(`${name} differs`);
  }
  if (problems.length > 0) {
    return fail(
      'tables',
      `${file}: ${problems.join(', ')}`,
      'run blackout-read-pin once (it creates missing tables); move a foreign database away',
    );
  }
  return ok('tables', `${file}: minutes, hours, days with their status indexes`);
}

export async function checkStoreReachable(config: StoreConfig): Promise<CheckResult> {
  if (config.store === 'sqlite') return checkSqliteWritable(sqliteFile(config));
  const { checkDynamoReachable } = await import('./dynamodb-checks.js');
  return checkDynamoReachable(config);
}

export async function checkTables(config: StoreConfig): Promise<CheckResult> {
  if (config.store === 'sqlite') return checkSqliteTables(sqliteFile(config));
  const { checkDynamoTables } = await import('./dynamodb-checks.js');
  return checkDynamoTables(config);
}
