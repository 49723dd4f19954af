/** The import job on a real SQLite store: formats, batches through putMinutes, --replace, locks. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { partitionKey, statusKey } from '../../src/domain/keys.js';
import { minuteRecord } from '../../src/domain/records.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { type ImportInput, ImportStopped, importReadings, renderImportSummary } from '../../src/pipeline/import.js';
import { ImportInputError, MAX_LINE_BYTES, openImportSource } from '../../src/pipeline/import-input.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../../src/stores/store.js';
import { FileBuffer } from '../../src/utils/buffer.js';
import { tryLock } from '../../src/utils/lock.js';
import { silentLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';

const NOW = new Date('2025-06-22T00:00:00Z');
const log = silentLogger();

let dir: string;
let cleanup: () => void;
let db: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('blackout-import-'));
  db = join(dir, 'db.sqlite');
});
afterEach(() => cleanup());

const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const buffer = () => new FileBuffer(join(dir, 'buffer'), 'prod');

/** Runs an import of `path` into the test database; `stores` collects every store the job opened. */
function run(path: string, options: Partial<ImportInput> = {}, stores: Store[] = []) {
  return importReadings({
    source: openImportSource(path, SERIES, NOW),
    series: SERIES,
    buffer: buffer(),
    openStore: async () => {
      const store = new SqliteStore({ file: db });
      stores.push(store);
      return store;
    },
    log,
    ...options,
  });
}

async function minutesOf(hour: string) {
  const store = new SqliteStore({ file: db });
  try {
    const pk = partitionKey('minutes', SERIES, new Date(hour));
    return (await store.readPartitions('minutes', [pk])).get(pk)?.map((r) => [r.sk, r.ts, r.reading, r.pk_status]);
  } finally {
    await store.close();
  }
}

const NEW = statusKey(SERIES, 'new');
const DONE = statusKey(SERIES, 'done');

describe('blackout-import formats', () => {
  it('CSV: a header, offsets, CRLF and a BOM; bad lines are rejected by number and the rest stored', async () => {
    const path = file(
      'readings.csv',
      [
        '\uFEFFts,reading',
        '2025-06-21T22:00:05+03:00,1',
        '',
        '2025-06-21T19:01:05Z, 0 ',
        '"2025-06-21T19:02:05.5Z","1"',
        '2025-06-21T19:03:05Z,2',
        '2025-06-21 19:04:05,1',
        '2025-06-21T19:05:05Z,1,extra',
        'yesterday,1',
        '2025-06-22T00:05:00Z,1',
        '2025-06-21T19:06:05Z,0',
      ].join('\r\n'),
    );
    const summary = await run(path);
    expect(summary).toMatchObject({ format: 'csv', read: 9, readings: 4, stored: 4, rejected: 5, conflicts: 0 });
    expect(summary.notes.rejected).toEqual([
      { where: 'line 6', text: 'reading must be 0 or 1, got "2"' },
      { where: 'line 7', text: 'ts "2025-06-21 19:04:05" has no UTC offset (e.g. 2025-06-21T19:00:00+03:00,1)' },
      { where: 'line 8', text: 'not ts,reading (3 fields; e.g. 2025-06-21T19:00:00+03:00,1)' },
      { where: 'line 9', text: 'ts "yesterday" is not an ISO time (e.g. 2025-06-21T19:00:00+03:00,1)' },
      {
        where: 'line 10',
        text: 'dated in the future (2025-06-22T00:05:00.000000+00:00; the clock says 2025-06-22T00:00:00.000Z)',
      },
    ]);
    expect(await minutesOf('2025-06-21T19:00:00Z')).toEqual([
      ['time#00', '2025-06-21T19:00:05.000000+00:00', 1, NEW],
      ['time#01', '2025-06-21T19:01:05.000000+00:00', 0, NEW],
      ['time#02', '2025-06-21T19:02:05.500000+00:00', 1, NEW],
      ['time#06', '2025-06-21T19:06:05.000000+00:00', 0, NEW],
    ]);
  });

  it('JSON lines as the buffer writes them: another device and a broken line are rejected', async () => {
    const mine = minuteRecord(SERIES, '2025-06-21T19:00:03.241969+00:00', 1);
    const theirs = minuteRecord({ device: 'other', pin: 4 }, '2025-06-21T19:01:03.000000+00:00', 0);
    const path = file(
      'readings.jsonl',
      `${JSON.stringify(mine)}\n${JSON.stringify(theirs)}\n{"pk": \n${JSON.stringify({ ...mine, sk: 'time#07' })}\n`,
    );
    const summary = await run(path);
    expect(summary).toMatchObject({ format: 'json-lines', read: 4, stored: 1, rejected: 3 });
    expect(summary.notes.rejected.map((n) => n.where)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(summary.notes.rejected[0]?.text).toBe('belongs to device other pin 4, not alex_rpi pin 4');
    expect(summary.notes.rejected[1]?.text).toBe('unreadable JSON: not valid JSON');
    expect(summary.notes.rejected[2]?.text).toMatch(/does not match ts/);
  });

  it('a folder of buffer files, named by file; rejected/ and temp files are no readings; the folder is left as it was', async () => {
    const source = new FileBuffer(join(dir, 'old-sd'), 'prod');
    const records = generateMinutes(SERIES, new Date('2025-06-21T10:00:00Z'), 3, () => 0);
    for (const r of records) source.write(r);
    mkdirSync(join(source.dir, 'rejected'));
    writeFileSync(join(source.dir, 'rejected', 'x.json'), '{}');
    writeFileSync(join(source.dir, '2025-06-21T10:09:00.000000+00:00.json.123.tmp'), '{');
    writeFileSync(join(source.dir, 'broken.json'), 'nope');
    const before = readdirSync(source.dir).sort();
    const summary = await run(source.dir);
    expect(summary).toMatchObject({ format: 'buffer-folder', read: 4, stored: 3, rejected: 1 });
    expect(summary.notes.rejected).toEqual([{ where: 'broken.json', text: 'unreadable JSON: not valid JSON' }]);
    expect(readdirSync(source.dir).sort()).toEqual(before);
    expect(
      renderImportSummary(summary, { path: source.dir, location: db, series: SERIES, mode: 'prod', replace: false }),
    ).toBe(`Imported ${source.dir} (buffer folder) into ${db}, device alex_rpi pin 4 mode prod:
  4 files read: 3 stored, 0 already there, 0 conflicting, 1 rejected
Rejected:
  broken.json: unreadable JSON: not valid JSON
The next blackout-aggregate run (hourly at :05) rolls the new readings up into hours and days.
`);
  });

  it('a line longer than any reading is rejected unread; the lines after it still count', async () => {
    const path = file('long.csv', `2025-06-21T10:00:00Z,1\n${'x'.repeat(MAX_LINE_BYTES * 3)}\n2025-06-21T10:01:00Z,1`);
    const summary = await run(path);
    expect(summary).toMatchObject({ read: 3, stored: 2, rejected: 1 });
    expect(summary.notes.rejected).toEqual([{ where: 'line 2', text: `longer than ${MAX_LINE_BYTES} bytes` }]);
  });

  it('nothing readable: an ImportInputError naming the first problem, and no store opened, no lock taken', async () => {
    const cases: [string, RegExp][] = [
      [file('empty.csv', '\n\n'), /holds no readings/],
      [file('words.txt', 'hello\nworld\n'), /unknown format: not CSV/],
      [
        file('bad.csv', 'a,b,c\n2025-06-21T10:00:00Z,5\n'),
        /no line is a reading; line 1: not ts,reading.*\(and 1 more rejected\)/,
      ],
    ];
    expect(() => openImportSource(join(dir, 'nope.csv'), SERIES, NOW)).toThrow(/no such file or folder/);
    expect(() => openImportSource(join(dir, 'nope.csv'), SERIES, NOW)).toThrow(ImportInputError);
    for (const [path, message] of cases) {
      const stores: Store[] = [];
      await expect(run(path, {}, stores)).rejects.toThrow(message);
      expect(stores).toEqual([]);
    }
    expect(existsSync(db)).toBe(false);
    expect(existsSync(buffer().dir)).toBe(false);
  });
});

describe('blackout-import through the store', () => {
  it('goes to the store in batches through putMinutes, writing no buffer file', async () => {
    const lines = generateMinutes(SERIES, new Date('2025-06-20T00:00:00Z'), 2500, (i) => (i % 3 ? 1 : 0)).map(
      (r) => `${r.ts},${r.reading}`,
    );
    const path = file('big.csv', `${lines.join('\n')}\n`);
    const stores: Store[] = [];
    const spy = vi.spyOn(SqliteStore.prototype, 'putMinutes');
    const progress: number[] = [];
    try {
      const summary = await run(path, { onProgress: (s) => progress.push(s.stored) }, stores);
      expect(summary).toMatchObject({ read: 2500, stored: 2500, rejected: 0 });
      expect(spy.mock.calls.map(([records]) => records.length)).toEqual([1500, 1000]);
    } finally {
      spy.mockRestore();
    }
    expect(progress).toEqual([1500, 2500]);
    expect(stores).toHaveLength(1);
    // Only the lock files' folder: no reading went through a file.
    expect(readdirSync(buffer().dir)).toEqual([]);
    const again = await run(path);
    expect(again).toMatchObject({ stored: 0, duplicates: 2500 });
  });

  it('never overwrites: a conflicting minute keeps the stored reading and is listed with its line', async () => {
    const store = new SqliteStore({ file: db });
    await store.putMinutes([minuteRecord(SERIES, '2025-06-21T10:00:40.000000+00:00', 0)]);
    await store.close();
    const summary = await run(file('c.csv', '2025-06-21T10:00:05Z,1\n2025-06-21T10:01:05Z,1\n'));
    expect(summary).toMatchObject({ stored: 1, conflicts: 1, replaced: 0 });
    expect(summary.notes.conflicts).toEqual([
      {
        where: 'line 1',
        text: 'minute 2025-06-21T10:00Z is stored as OFF (2025-06-21T10:00:40.000000+00:00), the import has ON (2025-06-21T10:00:05.000000+00:00): kept the stored reading',
      },
    ]);
    expect((await minutesOf('2025-06-21T10:00:00Z'))?.[0]).toEqual([
      'time#00',
      '2025-06-21T10:00:40.000000+00:00',
      0,
      NEW,
    ]);
  });

  it('--replace overwrites the stored reading, logs old and new, and the next aggregate recomputes hour and day', async () => {
    const store = new SqliteStore({ file: db });
    await store.putMinutes(generateMinutes(SERIES, new Date('2025-06-21T10:00:00Z'), 60, () => 1));
    await aggregate(store, SERIES, log);
    const logger = silentLogger();
    const warn = vi.spyOn(logger, 'warn');
    const path = file(
      'fix.csv',
      // minute 10:00 and 10:01 OFF; 10:00 again, ON then OFF: the import's own first reading stays.
      '2025-06-21T10:00:00Z,0\n2025-06-21T10:01:03.241969Z,1\n2025-06-21T10:01:30Z,0\n2025-06-21T10:00:30Z,1\n2025-06-21T10:00:45Z,0\n',
    );
    const summary = await run(path, { replace: true, log: logger });
    expect(summary).toMatchObject({ read: 5, stored: 0, duplicates: 1, replaced: 1, conflicts: 3 });
    expect(summary.notes.replaced).toEqual([
      {
        where: 'line 1',
        text: 'minute 2025-06-21T10:00Z was ON (2025-06-21T10:00:03.241969+00:00), now OFF (2025-06-21T10:00:00.000000+00:00)',
      },
    ]);
    expect(summary.notes.conflicts.map((n) => n.where)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(summary.notes.conflicts[1]?.text).toBe(
      'minute 2025-06-21T10:00Z, already given by line 1 of this import, holds OFF (2025-06-21T10:00:00.000000+00:00); this has ON (2025-06-21T10:00:30.000000+00:00): kept it',
    );
    expect(warn.mock.calls).toContainEqual([
      expect.objectContaining({
        where: 'line 1',
        oldReading: 1,
        newReading: 0,
        oldTs: '2025-06-21T10:00:03.241969+00:00',
      }),
      expect.stringMatching(/^replaced a stored reading: line 1: minute 2025-06-21T10:00Z was ON/),
    ]);
    // The replaced minute is pending; its neighbours stay done.
    const minutes = await minutesOf('2025-06-21T10:00:00Z');
    expect(minutes?.slice(0, 2)).toEqual([
      ['time#00', '2025-06-21T10:00:00.000000+00:00', 0, NEW],
      ['time#01', '2025-06-21T10:01:03.241969+00:00', 1, DONE],
    ]);
    expect(await aggregate(store, SERIES, log)).toEqual({ hours: 1, days: 1, minutesConsumed: 1 });
    const dayPk = partitionKey('hours', SERIES, new Date('2025-06-21T00:00:00Z'));
    expect((await store.readPartitions('hours', [dayPk])).get(dayPk)).toEqual([
      expect.objectContaining({ sk: 'time#10', on: 59, off: 1 }),
    ]);
    await store.close();
  });

  it('takes the flush lock (and with --replace the aggregate lock), waiting for a holder, failing after the wait', async () => {
    const path = file('one.csv', '2025-06-21T10:00:00Z,1\n');
    const b = buffer();
    const flush = tryLock(b.lockPath('flush'));
    if (!flush.acquired) throw new Error('lock');
    const stores: Store[] = [];
    const refused = await run(path, { lockWaitMs: 300 }, stores).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportStopped);
    expect(String((refused as Error).message)).toMatch(
      /^stopped at line 1: another run is flushing the buffer \(pid \d+\): .*\.flush\.lock is held; try again when it is done;/,
    );
    expect(stores).toEqual([]);
    // Released while the import waits: it goes on.
    setTimeout(() => flush.lock.release(), 200);
    expect(await run(path, { lockWaitMs: 5000 })).toMatchObject({ stored: 1 });
    const agg = tryLock(b.lockPath('aggregate'));
    if (!agg.acquired) throw new Error('lock');
    await expect(run(path, { lockWaitMs: 300, replace: true })).rejects.toThrow(/an aggregate run is rolling up/);
    expect(await run(path, { lockWaitMs: 300 })).toMatchObject({ duplicates: 1 });
    agg.lock.release();
    // Both released at the end.
    expect(readdirSync(b.dir)).toEqual([]);
  });

  it('a store that fails part-way: ImportStopped with what was stored before', async () => {
    const lines = generateMinutes(SERIES, new Date('2025-06-20T00:00:00Z'), 30, () => 1).map((r) => `${r.ts},1`);
    const path = file('s.csv', lines.join('\n'));
    let calls = 0;
    const failing = await run(path, {
      batchSize: 10,
      openStore: async () => {
        const store = new SqliteStore({ file: db });
        const put = store.putMinutes.bind(store);
        store.putMinutes = async (records, options) => {
          if (++calls === 2) throw new Error('disk I/O error');
          return put(records, options);
        };
        return store;
      },
    }).catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(ImportStopped);
    expect((failing as ImportStopped).summary).toMatchObject({ read: 20, stored: 10 });
    expect((failing as Error).message).toMatch(/^stopped at line 11: disk I\/O error; what came before it is imported/);
    expect(readdirSync(buffer().dir)).toEqual([]);
  });
});
