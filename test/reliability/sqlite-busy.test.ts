/**
 * SQLite held by another connection past the busy timeout (SQLITE_BUSY, "database is locked"):
 * read-pin keeps the reading buffered, warns and exits 0; aggregate warns and exits 0 with the
 * minutes still pending; once the other connection lets go, the next runs catch up.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionKey } from '../../src/domain/keys.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { logLines, runDist } from './support.js';

const tmp = tempDir('blackout-busy-');
afterAll(() => tmp.cleanup());

function setup(name: string) {
  const dir = join(tmp.dir, name);
  const db = join(dir, 'store.sqlite');
  const sensor = join(dir, 'sensor');
  mkdirSync(dir, { recursive: true });
  const common = [
    SERIES.device,
    String(SERIES.pin),
    'busy',
    '--db',
    db,
    '--buffer-dir',
    join(dir, 'buffer'),
    '--log-dir',
    join(dir, 'logs'),
  ];
  return {
    db,
    read: (at: string, value: 0 | 1) => {
      writeFileSync(sensor, `${value}\n`);
      return runDist('read-pin', [...common, '--sensor', `file:${sensor}`, '--at', at]);
    },
    aggregate: () => runDist('aggregate', common),
    buffered: () => readdirSync(join(dir, 'buffer', 'busy')).filter((f) => f.endsWith('.json')),
    warnings: () => logLines(join(dir, 'logs')).filter((l) => l.level === 40),
  };
}

const HOLDERS: [string, (db: Database.Database) => void][] = [
  ['a write transaction (BEGIN IMMEDIATE)', (db) => db.exec('BEGIN IMMEDIATE')],
  [
    'a connection in exclusive locking mode (the database stays locked)',
    (db) => {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec("BEGIN IMMEDIATE; UPDATE minutes SET ts = ts WHERE pk = ''; COMMIT");
    },
  ],
];

describe.each(HOLDERS)('SQLite locked by %s', (name, hold) => {
  it('read-pin buffers, warns and exits 0; aggregate warns and exits 0; both catch up afterwards', async () => {
    const s = setup(name.replace(/\W+/g, '-'));
    expect(await s.read('2025-06-21T10:00:02Z', 1)).toMatchObject({ code: 0, stderr: '' });
    const other = new Database(s.db);
    hold(other);
    try {
      const run = await s.read('2025-06-21T10:01:02Z', 0);
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(s.buffered()).toEqual(['2025-06-21T10:01:02.000000+00:00.json']);
      const warning = s.warnings().find((l) => l.msg.startsWith('store unreachable'));
      expect(warning).toMatchObject({ transient: true, err: { code: expect.stringMatching(/^SQLITE_BUSY/) } });
      const aggregate = await s.aggregate();
      expect(aggregate).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(s.warnings().some((l) => l.msg.startsWith('store unreachable; aggregation left for the next run'))).toBe(
        true,
      );
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
    expect(await s.read('2025-06-21T10:02:02Z', 1)).toMatchObject({ code: 0, stderr: '' });
    expect(s.buffered()).toEqual([]);
    expect(await s.aggregate()).toMatchObject({ code: 0, stderr: '' });
    const store = new SqliteStore({ file: s.db });
    try {
      const pk = partitionKey('minutes', SERIES, new Date('2025-06-21T10:00:00Z'));
      const minutes = (await store.readPartitions('minutes', [pk])).get(pk) ?? [];
      expect(minutes.map((m) => m.reading)).toEqual([1, 0, 1]);
      const hourPk = partitionKey('hours', SERIES, new Date('2025-06-21T10:00:00Z'));
      const hours = (await store.readPartitions('hours', [hourPk])).get(hourPk) ?? [];
      expect(hours.map((h) => [h.on, h.off, h.count])).toEqual([[2, 1, 3]]);
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
