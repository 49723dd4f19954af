/**
 * WAL files and read-only opening. A WAL-mode database can be opened read-only without writing next
 * to it only while its `-wal` and `-shm` files exist: otherwise SQLite creates them (owned by the
 * reader, in a folder it may not be allowed to write: it then fails with SQLITE_READONLY_DIRECTORY).
 * SQLite's way out, the `immutable` URI parameter, is not reachable through better-sqlite3 (built
 * with SQLITE_USE_URI=0), and it would also ignore a live WAL. So writers leave both files in place
 * when they close, as SQLITE_FCNTL_PERSIST_WAL does (which better-sqlite3 does not expose either),
 * and readers refuse a WAL-mode file that lacks them instead of creating them.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';

const WAL_FILES = ['-wal', '-shm'] as const;
const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Bytes 18 and 19 of the database header are 2 in WAL mode (1 with a rollback journal). */
function inWalMode(file: string): boolean {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, header.length, 0) < header.length) return false;
  } finally {
    closeSync(fd);
  }
  return header.subarray(0, HEADER.length).equals(HEADER) && (header[18] === 2 || header[19] === 2);
}

/** The WAL files a read-only open of `file` would have to create (none for a rollback-journal file). */
export function missingWalFiles(file: string): string[] {
  if (!inWalMode(file)) return [];
  return WAL_FILES.map((suffix) => `${file}${suffix}`).filter((path) => !existsSync(path));
}

/** A reader finding a WAL-mode file without its -wal/-shm: opening it would create them. */
export class WalFilesMissingError extends Error {
  override name = 'WalFilesMissingError';
  constructor(file: string, missing: readonly string[]) {
    super(
      `cannot open ${file} read-only: it is in WAL mode and ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing (reading would create them)`,
    );
  }
}

/**
 * Closes a writer's connection and leaves `-wal` and `-shm` for readers. SQLite deletes them when
 * the last connection closes after a full checkpoint; a read-only connection never does. So: empty
 * the WAL into the database (the main file is then complete on its own, and the next process does
 * not replay old frames), open a read-only connection that takes the shared lock, close the writer
 * (not the last one: nothing deleted), then the read-only one.
 */
export function closeWriterKeepingWal(db: Database.Database, file: string): void {
  try {
    // Not waiting for readers or another writer: whoever still uses the WAL leaves it to the next writer.
    db.pragma('busy_timeout = 0');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // Busy: the frames stay in the WAL, which is kept all the same.
  }
  let keeper: Database.Database | undefined;
  try {
    keeper = new Database(file, { readonly: true, fileMustExist: true, timeout: 1000 });
    keeper.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
  } catch {
    // Without the keeper SQLite removes the files; the next writer puts them back.
    keeper?.close();
    keeper = undefined;
  }
  db.close();
  keeper?.close();
}
