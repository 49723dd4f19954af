import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { minuteRecord } from '../../src/domain/records.js';
import { openStore, type StoreConfig } from '../../src/stores/open-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { isRoot, mountTmpfs } from '../reliability/support.js';
import { ROOT, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { defineStoreContract } from './store-contract.js';

const tmp = tempDir();
let n = 0;
const unmounts: (() => void)[] = [];
afterAll(() => {
  for (const unmount of unmounts.splice(0).reverse()) unmount();
  tmp.cleanup();
});

/** A file in a folder of its own, so a footprint sees every file anyone puts beside it. */
const freshFile = (): string => join(tmp.dir, `store-${n++}`, 'prod.sqlite');
const sqlite = (file: string): StoreConfig => ({ store: 'sqlite', mode: 'prod', db: file });
const fileOf = (config: StoreConfig): string => config.db ?? '';

/**
 * The folder's files with size, mtime and content hash. The -shm file only by name: it is SQLite's
 * shared-memory index, which every connection (readers too) maps and updates by design.
 */
function footprint(file: string) {
  const dir = dirname(file);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const path = join(dir, name);
      if (name.endsWith('-shm')) return { name };
      const { size, mtimeMs } = statSync(path);
      return { name, size, mtimeMs, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
    });
}

defineStoreContract('sqlite', {
  freshConfig: () => sqlite(freshFile()),
  unreachableConfig: () => {
    const blocker = join(tmp.dir, `blocker-${n++}`);
    writeFileSync(blocker, 'a file where the folder should be');
    return sqlite(join(blocker, 'prod.sqlite'));
  },
  breakSchema: async (config) => {
    // A hand-made change with another tool, which closes the file in rollback-journal mode.
    const db = new Database(fileOf(config));
    db.exec('DROP TABLE hours');
    db.pragma('journal_mode = DELETE');
    db.close();
    return 'table hours missing';
  },
  footprint: async (config) => footprint(fileOf(config)),
});

/** The schema as the store created it before versions were recorded (version 0), in WAL mode as it was. */
const SCHEMA_BEFORE_VERSIONS = `
CREATE TABLE IF NOT EXISTS minutes (
  pk TEXT NOT NULL, sk TEXT NOT NULL, pk_status TEXT NOT NULL, ts TEXT NOT NULL,
  reading INTEGER NOT NULL CHECK (reading IN (0, 1)),
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS minutes_status ON minutes (pk_status, ts);
CREATE TABLE IF NOT EXISTS hours (
  pk TEXT NOT NULL, sk TEXT NOT NULL, pk_status TEXT NOT NULL, ts TEXT NOT NULL,
  "on" INTEGER NOT NULL, "off" INTEGER NOT NULL, unknown INTEGER NOT NULL,
  expected INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS hours_status ON hours (pk_status, ts);
CREATE TABLE IF NOT EXISTS days (
  pk TEXT NOT NULL, sk TEXT NOT NULL, pk_status TEXT NOT NULL, ts TEXT NOT NULL,
  "on" INTEGER NOT NULL, "off" INTEGER NOT NULL, unknown INTEGER NOT NULL,
  expected INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS days_status ON days (pk_status, ts);
`;

const minute = minuteRecord(SERIES, '2025-06-21T19:00:03.241969+00:00', 1);

/** A version-0 file with one minute, closed as the store closed it then (WAL mode, -wal and -shm removed). */
function versionZeroFile(file: string, journalMode: 'WAL' | 'DELETE'): void {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma(`journal_mode = ${journalMode}`);
  db.exec(SCHEMA_BEFORE_VERSIONS);
  db.prepare('INSERT INTO minutes (pk, sk, pk_status, ts, reading) VALUES (?, ?, ?, ?, ?)').run(
    minute.pk,
    minute.sk,
    minute.pk_status,
    minute.ts,
    minute.reading,
  );
  db.close();
}

/** `PRAGMA user_version` straight from the header (bytes 60-63), without opening the file with SQLite. */
const userVersion = (file: string): number => readFileSync(file).readUInt32BE(60);

/**
 * The main file's bytes as an in-memory database, so the file under test is never opened. Marked as
 * a rollback-journal file (header bytes 18 and 19): an in-memory database cannot be in WAL mode.
 */
function inMemoryCopy(file: string): Database.Database {
  const bytes = readFileSync(file);
  bytes[18] = 1;
  bytes[19] = 1;
  return new Database(bytes, { readonly: true });
}

/** sqlite_master as SQLite keeps it. */
function schemaText(file: string): unknown[] {
  const db = inMemoryCopy(file);
  try {
    return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all();
  } finally {
    db.close();
  }
}

const readBack = async (file: string) => {
  const reader = await openStore(sqlite(file), { access: 'read' });
  try {
    return (await reader.readPartitions('minutes', [minute.pk])).get(minute.pk);
  } finally {
    await reader.close();
  }
};

describe('SQLite schema versions', () => {
  it('a fresh file is created at schema version 2', async () => {
    const file = freshFile();
    await new SqliteStore({ file }).close();
    expect(userVersion(file)).toBe(2);
  });

  it('a version-0 file is brought to version 2 by a writer: its tables, indexes and rows kept, hours gains by_minute', async () => {
    for (const mode of ['WAL', 'DELETE'] as const) {
      const file = freshFile();
      versionZeroFile(file, mode);
      const before = schemaText(file);
      expect(userVersion(file)).toBe(0);
      const writer = new SqliteStore({ file });
      expect((await writer.check()).schema?.message).toMatch(/: minutes, hours, days with their status indexes$/);
      await writer.close();
      expect(userVersion(file)).toBe(2);
      const hoursTable = (rows: unknown[]) => rows.find((r) => (r as { name: string }).name === 'hours');
      const after = schemaText(file);
      expect(after.filter((r) => r !== hoursTable(after))).toEqual(before.filter((r) => r !== hoursTable(before)));
      expect((hoursTable(after) as { sql: string }).sql).toBe(
        (hoursTable(before) as { sql: string }).sql.replace(
          'count INTEGER NOT NULL,',
          'count INTEGER NOT NULL, by_minute TEXT,',
        ),
      );
      expect(await readBack(file)).toEqual([minute]);
    }
  });

  it("a version-1 file's hours are read without by_minute; a writer adds the column and old rows stay without", async () => {
    const file = freshFile();
    versionZeroFile(file, 'DELETE');
    const hour = {
      pk: 'device#alex_rpi#sensor#4#date#2025-06-21',
      sk: 'time#19',
      pk_status: 'device#alex_rpi#sensor#4#status#done',
      ts: '2025-06-21T20:05:00.000000+00:00',
      on: 1,
      off: 0,
      unknown: 59,
      expected: 60,
      count: 1,
    };
    const raw = new Database(file);
    raw
      .prepare(
        'INSERT INTO hours (pk, sk, pk_status, ts, "on", "off", unknown, expected, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(...Object.values(hour));
    raw.pragma('user_version = 1');
    raw.close();
    const hoursOf = async (store: SqliteStore) => (await store.readPartitions('hours', [hour.pk])).get(hour.pk);
    const reader = new SqliteStore({ file, access: 'read' });
    expect(await hoursOf(reader)).toEqual([hour]);
    await reader.close();
    expect(userVersion(file)).toBe(1);
    const writer = new SqliteStore({ file });
    expect(await hoursOf(writer)).toEqual([hour]);
    const spelled = { ...hour, sk: 'time#20', by_minute: `1${'-'.repeat(59)}` };
    await writer.putAggregates('hours', [spelled]);
    expect(await hoursOf(writer)).toEqual([hour, spelled]);
    await writer.close();
    expect(userVersion(file)).toBe(2);
  });

  it('a reader leaves a version-0 file at version 0, and its check says the next write migrates it', async () => {
    const file = freshFile();
    versionZeroFile(file, 'DELETE');
    const reader = new SqliteStore({ file, access: 'read' });
    expect((await reader.check()).schema).toMatchObject({
      status: 'ok',
      message: `${file}: minutes, hours, days with their status indexes (schema version 0: the next write makes it 2)`,
    });
    expect((await reader.readPartitions('minutes', [minute.pk])).get(minute.pk)).toEqual([minute]);
    await reader.close();
    expect(userVersion(file)).toBe(0);
  });

  it('a version-0 file lists its series to a reader straight from the minutes table, nothing to fill or migrate', async () => {
    const file = freshFile();
    versionZeroFile(file, 'DELETE');
    const before = footprint(file);
    const reader = new SqliteStore({ file, access: 'read' });
    expect(await reader.listSeries()).toEqual([
      { device: 'alex_rpi', pin: 4, firstReading: minute.ts, lastReading: minute.ts, readings: 1 },
    ]);
    await reader.close();
    expect(footprint(file)).toEqual(before);
    expect(userVersion(file)).toBe(0);
  });

  it('steps over keys another tool wrote when it looks for the series', async () => {
    const file = freshFile();
    versionZeroFile(file, 'DELETE');
    const db = new Database(file);
    const insert = db.prepare('INSERT INTO minutes (pk, sk, pk_status, ts, reading) VALUES (?, ?, ?, ?, ?)');
    for (const pk of ['device#alex_rpi#sensor#04#date#2025-06-21-19', 'aaa', 'device#zz#sensor#x', 'zzz']) {
      insert.run(pk, 'time#00', 'x', minute.ts, 1);
    }
    db.close();
    const reader = new SqliteStore({ file, access: 'read' });
    expect((await reader.listSeries()).map((s) => [s.device, s.pin, s.readings])).toEqual([['alex_rpi', 4, 1]]);
    await reader.close();
  });

  it('a file of a newer version is refused by writers and readers, in one line naming the file and both versions', async () => {
    const file = freshFile();
    versionZeroFile(file, 'DELETE');
    const raw = new Database(file);
    raw.pragma('user_version = 7');
    raw.close();
    const before = footprint(file);
    const message = `${file} has schema version 7, newer than this blackout-monitor knows (2): update blackout-monitor before using it`;
    expect(() => new SqliteStore({ file })).toThrow(message);
    const reader = new SqliteStore({ file, access: 'read' });
    await expect(reader.readPartitions('minutes', [minute.pk])).rejects.toThrow(message);
    expect((await reader.check()).schema).toMatchObject({
      status: 'fail',
      message,
      fix: expect.stringMatching(/update/),
    });
    await reader.close();
    expect(message).not.toContain('\n');
    expect(footprint(file)).toEqual(before);
  });
});

describe('SQLite read-only opening', () => {
  it('a writer closes leaving -wal (emptied into the database) and -shm, so a reader never has to create them', async () => {
    const file = freshFile();
    const writer = new SqliteStore({ file });
    await writer.putMinutes([minute]);
    await writer.close();
    expect(readdirSync(dirname(file)).sort()).toEqual(['prod.sqlite', 'prod.sqlite-shm', 'prod.sqlite-wal']);
    expect(statSync(`${file}-wal`).size).toBe(0);
    // The main file alone holds every row: a copy of it without the others has them all.
    const copy = inMemoryCopy(file);
    expect(copy.prepare('SELECT count(*) AS n FROM minutes').get()).toEqual({ n: 1 });
    copy.close();
  });

  it('a WAL-mode file without its -wal and -shm (an older version, a copy) is read in a writable folder, its bytes unchanged', async () => {
    const file = freshFile();
    versionZeroFile(file, 'WAL');
    const bytes = readFileSync(file);
    const reader = new SqliteStore({ file, access: 'read' });
    expect((await reader.readPartitions('minutes', [minute.pk])).get(minute.pk)).toEqual([minute]);
    await reader.close();
    // SQLite added the two files beside it; the database itself is as it was.
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it.skipIf(!isRoot())('works in a read-only folder (a read-only mount: not even root can write there)', async () => {
    const dir = join(tmp.dir, `ro-mount-${n++}`);
    const unmount = mountTmpfs(dir, 4096);
    if (!unmount) return;
    unmounts.push(unmount);
    const file = join(dir, 'prod.sqlite');
    const writer = new SqliteStore({ file });
    await writer.putMinutes([minute]);
    await writer.close();
    const before = footprint(file);
    spawnSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
    expect(() => writeFileSync(join(dir, 'probe'), '')).toThrow(/EROFS/);
    expect(await readBack(file)).toEqual([minute]);
    const reader = new SqliteStore({ file, access: 'read' });
    const check = await reader.check();
    await reader.close();
    expect(check.reachable).toMatchObject({ status: 'fail', message: expect.stringContaining('not writable') });
    expect(footprint(file)).toEqual(before);
  });

  const NOBODY = 65534;
  const builtStore = join(ROOT, 'dist', 'stores', 'open-store.js');
  it.skipIf(!isRoot() || !existsSync(builtStore))(
    'works as another user in a folder and on files that user cannot write (uid 65534, the built code)',
    async () => {
      const dir = join(tmp.dir, `ro-folder-${n++}`);
      const file = join(dir, 'prod.sqlite');
      const writer = new SqliteStore({ file });
      await writer.putMinutes([minute]);
      await writer.close();
      chmodSync(tmp.dir, 0o755);
      chmodSync(dir, 0o555);
      const before = footprint(file);
      const script = `
        import { openStore } from ${JSON.stringify(builtStore)};
        const store = await openStore({ store: 'sqlite', mode: 'prod', db: ${JSON.stringify(file)} }, { access: 'read' });
        const minutes = await store.readPartitions('minutes', [${JSON.stringify(minute.pk)}]);
        await store.close();
        process.stdout.write(JSON.stringify([...minutes.values()].flat()));`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        uid: NOBODY,
        gid: NOBODY,
        encoding: 'utf8',
        cwd: '/',
      });
      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout)).toEqual([minute]);
      expect(footprint(file)).toEqual(before);
    },
  );
});
