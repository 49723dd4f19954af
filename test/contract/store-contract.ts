/**
 * The one Store contract, run against every adapter: each behaviour here must hold for SQLite and
 * DynamoDB alike.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemKey, partitionKey, type Series, statusKey } from '../../src/domain/keys.js';
import { type AggregateRecord, type MinuteRecord, minuteRecord } from '../../src/domain/records.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { copyRange } from '../../src/pipeline/copy.js';
import { type OpenStoreOptions, openStore, type StoreConfig } from '../../src/stores/open-store.js';
import { ReadOnlyStoreError, type Store } from '../../src/stores/store.js';
import { isTransientStoreError } from '../../src/stores/store-errors.js';
import { silentLogger } from '../../src/utils/log.js';
import { generateMinutes, SERIES } from '../support/data.js';

export interface StoreHarness {
  /** Where a new store lives: a file or a mode nothing was ever stored in. */
  freshConfig(): StoreConfig;
  /** A store that cannot be reached: a path through a file, a port nobody listens on. */
  unreachableConfig(): StoreConfig;
  /** Damages the tables a writer made at `config`, as a hand or another tool might; returns what the check must name. */
  breakSchema(config: StoreConfig): Promise<string>;
  /** Everything a reader must leave as it found it at `config`: files and their bytes, or the tables. */
  footprint(config: StoreConfig): Promise<unknown>;
}

const DAY1 = new Date('2025-06-21T00:00:00Z');

/** The 18:00 UTC hour item of 2025-06-21, pending, with three ON minutes. */
function hourItem(): AggregateRecord {
  return {
    ...itemKey('hours', SERIES, new Date('2025-06-21T18:00:00Z')),
    pk_status: statusKey(SERIES, 'new'),
    ts: '2025-06-21T19:05:04.419859+00:00',
    on: 3,
    off: 0,
    unknown: 57,
    expected: 60,
    count: 3,
  };
}
const log = silentLogger();

export function defineStoreContract(name: string, harness: StoreHarness): void {
  /** A store on fresh, empty tables. */
  const open = (options?: OpenStoreOptions) => openStore(harness.freshConfig(), options);

  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Copies 2025-06-10 (UTC) from the store under test to `target`. */
    const copyJune10 = (target: Store) =>
      copyRange(
        store,
        target,
        SERIES,
        { from: new Date('2025-06-10T00:00:00Z'), to: new Date('2025-06-11T00:00:00Z') },
        log,
      );

    it('starts empty, and reading a missing table finds nothing', async () => {
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
      expect(await store.readMinutesBetween(SERIES, 'done', DAY1, new Date('2025-07-21T00:00:00Z'))).toEqual([]);
      const pk = partitionKey('minutes', SERIES, DAY1);
      expect(await store.readPartitions('minutes', [pk])).toEqual(new Map([[pk, []]]));
    });

    it('puts a minute and reads it back field for field', async () => {
      const record = minuteRecord(SERIES, '2025-06-21T19:00:03.241969+00:00', 1);
      const put = await store.putMinutes([record]);
      expect(put.stored).toEqual([record]);
      const read = await store.readPartitions('minutes', [record.pk]);
      expect(read.get(record.pk)).toEqual([
        {
          pk: 'device#alex_rpi#sensor#4#date#2025-06-21-19',
          sk: 'time#00',
          pk_status: 'device#alex_rpi#sensor#4#status#new',
          ts: '2025-06-21T19:00:03.241969+00:00',
          reading: 1,
        },
      ]);
    });

    it('is idempotent and never overwrites a minute holding another reading', async () => {
      const first = minuteRecord(SERIES, '2025-06-21T19:05:03.000001+00:00', 1);
      const again = { ...first };
      const clash = minuteRecord(SERIES, '2025-06-21T19:05:41.500000+00:00', 0);
      await store.putMinutes([first]);
      const single = await store.putMinutes([again]);
      expect(single).toEqual({ stored: [], duplicates: [again], conflicts: [] });
      const singleClash = await store.putMinutes([clash]);
      expect(singleClash.conflicts).toEqual([{ incoming: clash, existing: first }]);
      // The batched path behaves the same.
      const other = minuteRecord(SERIES, '2025-06-21T19:06:03.000000+00:00', 0);
      const batch = await store.putMinutes([again, clash, other]);
      expect(batch.stored).toEqual([other]);
      expect(batch.duplicates).toEqual([again]);
      expect(batch.conflicts).toEqual([{ incoming: clash, existing: first }]);
      const stored = (await store.readPartitions('minutes', [first.pk])).get(first.pk);
      expect(stored?.map((r) => [r.sk, r.ts, r.reading])).toEqual([
        ['time#05', first.ts, 1],
        ['time#06', other.ts, 0],
      ]);
    });

    it('a minute the Python version stored without microseconds is the same reading as its buffered file', async () => {
      // Python's isoformat leaves out a zero fraction: `…:03+00:00` in the table, `…:03.000000+00:00` here.
      const canonical = minuteRecord(SERIES, '2025-06-21T10:00:03+00:00', 1);
      expect(canonical.ts).toBe('2025-06-21T10:00:03.000000+00:00');
      const pythonItem = { ...canonical, ts: '2025-06-21T10:00:03+00:00' };
      await store.putMinutes([pythonItem]);
      expect(await store.putMinutes([canonical])).toEqual({ stored: [], duplicates: [canonical], conflicts: [] });
      const other = minuteRecord(SERIES, '2025-06-21T10:01:03.000000+00:00', 1);
      const batch = await store.putMinutes([canonical, other]);
      expect(batch).toEqual({ stored: [other], duplicates: [canonical], conflicts: [] });
    });

    it('handles two readings for one minute inside one call', async () => {
      const a = minuteRecord(SERIES, '2025-06-21T10:00:01.000000+00:00', 1);
      const b = minuteRecord(SERIES, '2025-06-21T10:00:59.000000+00:00', 0);
      const c = minuteRecord(SERIES, '2025-06-21T10:01:01.000000+00:00', 1);
      const put = await store.putMinutes([a, b, c]);
      expect(put.stored.map((r) => r.ts)).toEqual([a.ts, c.ts]);
      expect(put.conflicts).toEqual([{ incoming: b, existing: a }]);
    });

    it('stores a day-long backlog in one call', async () => {
      const day = generateMinutes(SERIES, DAY1, 1440, (i) => (i % 7 === 0 ? 0 : 1));
      const put = await store.putMinutes(day);
      expect(put.stored).toHaveLength(1440);
      const pending = await store.pendingPartitions('minutes', SERIES);
      expect(pending).toHaveLength(24);
      const read = await store.readPartitions('minutes', pending);
      expect([...read.values()].flat()).toHaveLength(1440);
      const again = await store.putMinutes(day);
      expect(again.duplicates).toHaveLength(1440);
    });

    it('lists pending partitions per series and status, sorted', async () => {
      const other: Series = { device: 'other', pin: 17 };
      await store.putMinutes([
        minuteRecord(SERIES, '2025-06-21T19:00:03.000000+00:00', 1),
        minuteRecord(SERIES, '2025-06-21T18:30:03.000000+00:00', 1),
        minuteRecord(SERIES, '2025-06-21T18:31:03.000000+00:00', 0),
        minuteRecord(other, '2025-06-21T18:31:03.000000+00:00', 0),
      ]);
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([
        'device#alex_rpi#sensor#4#date#2025-06-21-18',
        'device#alex_rpi#sensor#4#date#2025-06-21-19',
      ]);
      expect(await store.pendingPartitions('minutes', other)).toEqual(['device#other#sensor#17#date#2025-06-21-18']);
    });

    it('marks items done only as read, and writes aggregates', async () => {
      const records = generateMinutes(SERIES, new Date('2025-06-21T18:00:00Z'), 3, () => 1);
      await store.putMinutes(records);
      await store.markDone('minutes', records);
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
      const read = await store.readPartitions('minutes', [records[0]?.pk ?? '']);
      expect(read.get(records[0]?.pk ?? '')?.every((r) => r.pk_status === statusKey(SERIES, 'done'))).toBe(true);

      const hour = hourItem();
      await store.putAggregates('hours', [hour]);
      await store.putAggregates('hours', [{ ...hour, on: 2, off: 1 }]);
      expect((await store.readPartitions('hours', [hour.pk])).get(hour.pk)).toEqual([{ ...hour, on: 2, off: 1 }]);
      expect(await store.pendingPartitions('hours', SERIES)).toEqual([hour.pk]);
      // An hour's minutes spelled out (by_minute) are kept through a rewrite and through markDone.
      const spelled = { ...hour, on: 2, off: 1, by_minute: `110${'-'.repeat(57)}` };
      await store.putAggregates('hours', [spelled]);
      await store.markDone('hours', [spelled]);
      expect((await store.readPartitions('hours', [hour.pk])).get(hour.pk)).toEqual([
        { ...spelled, pk_status: statusKey(SERIES, 'done') },
      ]);
    });

    it('marks an aggregate done only while it is as read: one rewritten since stays pending', async () => {
      const hour = hourItem();
      await store.putAggregates('hours', [hour]);
      const [read] = (await store.readPartitions('hours', [hour.pk])).get(hour.pk) ?? [];
      // Rewritten (copy, another machine) between the read and the mark.
      const newer = { ...hour, ts: '2025-06-21T20:05:01.000000+00:00', on: 60, unknown: 0, count: 60 };
      await store.putAggregates('hours', [newer]);
      await store.markDone('hours', read ? [read] : []);
      expect((await store.readPartitions('hours', [hour.pk])).get(hour.pk)).toEqual([newer]);
      expect(await store.pendingPartitions('hours', SERIES)).toEqual([hour.pk]);
      // As read now: marked.
      await store.markDone('hours', [newer]);
      expect(await store.pendingPartitions('hours', SERIES)).toEqual([]);
    });

    it('in one call, a reading already stored decides before the first of the batch takes the minute', async () => {
      const stored = minuteRecord(SERIES, '2025-06-21T10:00:40.000000+00:00', 0);
      await store.putMinutes([stored]);
      const jumped = minuteRecord(SERIES, '2025-06-21T10:00:05.000000+00:00', 1);
      const put = await store.putMinutes([jumped, { ...stored }]);
      expect(put).toEqual({ stored: [], duplicates: [stored], conflicts: [{ incoming: jumped, existing: stored }] });
    });

    describe('replaceMinutes', () => {
      it('stores free minutes, leaves the same reading alone and overwrites another, returning what it held', async () => {
        const kept = minuteRecord(SERIES, '2025-06-21T10:00:03.000000+00:00', 1);
        const old = minuteRecord(SERIES, '2025-06-21T10:01:03.000000+00:00', 1);
        await store.putMinutes([kept, old]);
        // The Python version's stamp of the same instant is the same reading.
        const same = { ...kept, ts: '2025-06-21T10:00:03+00:00' };
        const flipped = minuteRecord(SERIES, '2025-06-21T10:01:00.000000+00:00', 0);
        const free = minuteRecord(SERIES, '2025-06-21T10:02:03.000000+00:00', 0);
        const result = await store.replaceMinutes([same, flipped, free]);
        expect(result).toEqual({
          stored: [free],
          duplicates: [same],
          replaced: [{ incoming: flipped, existing: old }],
        });
        const stored = (await store.readPartitions('minutes', [kept.pk])).get(kept.pk);
        expect(stored?.map((r) => [r.sk, r.ts, r.reading])).toEqual([
          ['time#00', kept.ts, 1],
          ['time#01', flipped.ts, 0],
          ['time#02', free.ts, 0],
        ]);
        // Again: nothing left to replace.
        expect(await store.replaceMinutes([flipped])).toEqual({ stored: [], duplicates: [flipped], replaced: [] });
      });

      it('a replaced minute is pending again, whatever the record said: the next aggregate recomputes its hour and day', async () => {
        const hour = generateMinutes(SERIES, new Date('2025-06-21T10:00:00Z'), 60, () => 1);
        await store.putMinutes(hour);
        await aggregate(store, SERIES, log);
        expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
        const [first] = hour;
        // Same stamp, other reading: only the reading tells it apart.
        const off = { ...(first as MinuteRecord), reading: 0 as const, pk_status: statusKey(SERIES, 'done') };
        const result = await store.replaceMinutes([off]);
        expect(result.replaced).toEqual([
          { incoming: off, existing: { ...first, pk_status: statusKey(SERIES, 'done') } },
        ]);
        expect(await store.pendingPartitions('minutes', SERIES)).toEqual([off.pk]);
        expect(await aggregate(store, SERIES, log)).toEqual({ hours: 1, days: 1, minutesConsumed: 1 });
        const dayPk = partitionKey('hours', SERIES, DAY1);
        expect((await store.readPartitions('hours', [dayPk])).get(dayPk)).toEqual([
          expect.objectContaining({ sk: 'time#10', on: 59, off: 1, unknown: 0, count: 60 }),
        ]);
        const month = partitionKey('days', SERIES, DAY1);
        expect((await store.readPartitions('days', [month])).get(month)).toEqual([
          expect.objectContaining({ sk: 'time#21', on: 59, off: 1, unknown: 1380 }),
        ]);
        expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
      });

      it('refuses two records for one minute, writing nothing', async () => {
        const a = minuteRecord(SERIES, '2025-06-21T10:00:01.000000+00:00', 1);
        const b = minuteRecord(SERIES, '2025-06-21T10:00:59.000000+00:00', 0);
        const c = minuteRecord(SERIES, '2025-06-21T10:01:01.000000+00:00', 1);
        await expect(store.replaceMinutes([c, a, b])).rejects.toThrow(/two records for the minute/);
        expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
        expect(await store.replaceMinutes([])).toEqual({ stored: [], duplicates: [], replaced: [] });
      });
    });

    it('copies only the items of the range: the target keeps its own hours and days outside it', async () => {
      const target = await open();
      try {
        const inRange = generateMinutes(SERIES, new Date('2025-06-10T00:00:00Z'), 10, () => 1);
        const outside = generateMinutes(SERIES, new Date('2025-06-20T00:00:00Z'), 10, () => 1);
        await store.putMinutes([...inRange, ...outside]);
        await aggregate(store, SERIES, log);
        await target.putMinutes(generateMinutes(SERIES, new Date('2025-06-20T00:00:00Z'), 60, () => 0));
        await aggregate(target, SERIES, log);
        const summary = await copyJune10(target);
        expect(summary).toEqual({
          minutes: { stored: 10, duplicates: 0, conflicts: 0 },
          hours: 1,
          days: 1,
          recomputedHours: 0,
        });
        const month = partitionKey('days', SERIES, new Date('2025-06-01T00:00:00Z'));
        const days = (await target.readPartitions('days', [month])).get(month) ?? [];
        expect(days.map((d) => [d.sk, d.on, d.off])).toEqual([
          ['time#10', 10, 0],
          ['time#20', 0, 60],
        ]);
        const hourPk = partitionKey('hours', SERIES, new Date('2025-06-20T00:00:00Z'));
        expect((await target.readPartitions('hours', [hourPk])).get(hourPk)?.map((h) => [h.on, h.off])).toEqual([
          [0, 60],
        ]);
      } finally {
        await target.close();
      }
    });

    it('copy recomputes from the target readings the hours and days where the target kept its own minute', async () => {
      const target = await open();
      try {
        const hourStart = new Date('2025-06-10T09:00:00Z');
        await store.putMinutes(generateMinutes(SERIES, hourStart, 60, () => 0));
        await aggregate(store, SERIES, log);
        const theirs = minuteRecord(SERIES, '2025-06-10T09:00:30.000000+00:00', 1);
        await target.putMinutes([theirs]);
        const summary = await copyJune10(target);
        expect(summary).toMatchObject({ minutes: { stored: 59, conflicts: 1 }, hours: 0, days: 0, recomputedHours: 1 });
        const hourPk = partitionKey('hours', SERIES, hourStart);
        expect((await target.readPartitions('hours', [hourPk])).get(hourPk)).toEqual([
          expect.objectContaining({ sk: 'time#09', on: 1, off: 59, unknown: 0 }),
        ]);
        const month = partitionKey('days', SERIES, hourStart);
        expect((await target.readPartitions('days', [month])).get(month)).toEqual([
          expect.objectContaining({ sk: 'time#10', on: 1, off: 59 }),
        ]);
      } finally {
        await target.close();
      }
    });

    it('aggregation skips a pending partition whose key is malformed and rolls up the rest', async () => {
      const good = generateMinutes(SERIES, new Date('2025-06-21T08:00:00Z'), 60, () => 1);
      await store.putMinutes([
        ...good,
        {
          pk: 'device#alex_rpi#sensor#4#date#2025-06-21-7',
          sk: 'time#00',
          pk_status: statusKey(SERIES, 'new'),
          ts: '2025-06-21T07:00:03.000000+00:00',
          reading: 1,
        },
      ]);
      expect(await aggregate(store, SERIES, log)).toEqual({ hours: 1, days: 1, minutesConsumed: 60 });
    });

    describe('aggregation through the contract', () => {
      // Day 1: on except 10:00-12:29 (150 min off); minute 5 of every hour missing.
      // Day 2: first 12 hours only, all on except 02:00-02:59.
      function twoDays(): MinuteRecord[] {
        const day1 = generateMinutes(SERIES, DAY1, 1440, (i) => {
          if (i % 60 === 5) return null;
          return i >= 600 && i < 750 ? 0 : 1;
        });
        const day2 = generateMinutes(SERIES, new Date('2025-06-22T00:00:00Z'), 720, (i) =>
          i >= 120 && i < 180 ? 0 : 1,
        );
        return [...day1, ...day2];
      }

      it('rolls two generated days into exact hours and days', async () => {
        await store.putMinutes(twoDays());
        const summary = await aggregate(store, SERIES, log);
        expect(summary).toEqual({ hours: 36, days: 2, minutesConsumed: 1416 + 720 });
        const hours = (await store.readPartitions('hours', [partitionKey('hours', SERIES, DAY1)]))
          .values()
          .next().value;
        expect(hours).toHaveLength(24);
        const h10 = hours?.find((h) => h.sk === 'time#10');
        expect(h10).toMatchObject({ on: 0, off: 59, unknown: 1, expected: 60, count: 59 });
        const h12 = hours?.find((h) => h.sk === 'time#12');
        expect(h12).toMatchObject({ on: 30, off: 29, unknown: 1, count: 59 });
        // Its minutes in order: what a report draws a mixed hour from without reading them.
        const minutesOf12 =
          (
            await store.readPartitions('minutes', [
              partitionKey('minutes', SERIES, new Date(DAY1.getTime() + 12 * 3_600_000)),
            ])
          )
            .values()
            .next().value ?? [];
        const spelled = Array.from({ length: 60 }, (_, m) => {
          const found = minutesOf12.find((r) => r.sk === `time#${String(m).padStart(2, '0')}`);
          return found ? String(found.reading) : '-';
        }).join('');
        expect(h12?.by_minute).toBe(spelled);
        expect(hours?.every((h) => h.by_minute?.length === 60)).toBe(true);
        const month = partitionKey('days', SERIES, DAY1);
        const days = (await store.readPartitions('days', [month])).get(month);
        expect(days?.some((d) => 'by_minute' in d)).toBe(false);
        expect(
          days?.map(({ sk, on, off, unknown, expected, count }) => ({ sk, on, off, unknown, expected, count })),
        ).toEqual([
          { sk: 'time#21', on: 1416 - 147, off: 147, unknown: 24, expected: 1440, count: 1416 },
          { sk: 'time#22', on: 660, off: 60, unknown: 720, expected: 1440, count: 720 },
        ]);
        expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
        expect(await store.pendingPartitions('hours', SERIES)).toEqual([]);
        // Nothing pending: a second run does nothing.
        expect(await aggregate(store, SERIES, log)).toEqual({ hours: 0, days: 0, minutesConsumed: 0 });
      });

      it('re-aggregates the hour and day of a late reading', async () => {
        await store.putMinutes(twoDays());
        await aggregate(store, SERIES, log);
        // The missing minute 10:05 of day 1 arrives late (buffer flushed after the outage).
        await store.putMinutes([minuteRecord(SERIES, '2025-06-21T10:05:02.000000+00:00', 0)]);
        expect(await aggregate(store, SERIES, log)).toEqual({ hours: 1, days: 1, minutesConsumed: 1 });
        const dayPk = partitionKey('hours', SERIES, DAY1);
        const h10 = (await store.readPartitions('hours', [dayPk])).get(dayPk)?.find((h) => h.sk === 'time#10');
        expect(h10).toMatchObject({ on: 0, off: 60, unknown: 0, count: 60 });
        const month = partitionKey('days', SERIES, DAY1);
        const d21 = (await store.readPartitions('days', [month])).get(month)?.find((d) => d.sk === 'time#21');
        expect(d21).toMatchObject({ on: 1269, off: 148, unknown: 23, count: 1417 });
      });

      it('a run that dies before marking its minutes done is repeated by the next run, leaving no day stale', async () => {
        await store.putMinutes(twoDays());
        // The process dies at the last step: days and hours are written, the minutes are still pending.
        const dying = new Proxy(store, {
          get(target, prop, receiver) {
            if (prop !== 'markDone') return Reflect.get(target, prop, receiver);
            return async (table: string, records: readonly MinuteRecord[]) => {
              if (table === 'minutes') throw new Error('killed');
              return target.markDone(table as 'minutes', records);
            };
          },
        });
        await expect(aggregate(dying, SERIES, log)).rejects.toThrow('killed');
        // A late reading for day 1 lands before the next run.
        await store.putMinutes([minuteRecord(SERIES, '2025-06-21T10:05:02.000000+00:00', 0)]);
        expect(await aggregate(store, SERIES, log)).toMatchObject({ hours: 36, days: 2 });
        const month = partitionKey('days', SERIES, DAY1);
        const d21 = (await store.readPartitions('days', [month])).get(month)?.find((d) => d.sk === 'time#21');
        expect(d21).toMatchObject({ on: 1269, off: 148, unknown: 23, count: 1417 });
        expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
        expect(await store.pendingPartitions('hours', SERIES)).toEqual([]);
      });

      it('reads the minutes of a status between two instants from the status index, in ts order', async () => {
        // Day 1 (done) and the first 12 hours of day 2 (pending); a third day of the Python version's
        // stamps without a fraction, done; another series alongside, which is never returned.
        await store.putMinutes(twoDays());
        await aggregate(store, SERIES, log);
        const python = [0, 1, 2].map((m) => minuteRecord(SERIES, `2025-06-24T05:0${m}:00+00:00`, 1));
        const unrounded = python.map((r) => ({ ...r, ts: r.ts.replace('.000000', '') }));
        await store.putMinutes(unrounded);
        await store.markDone('minutes', unrounded);
        const other = { device: 'other_rpi', pin: 4 };
        await store.putMinutes(generateMinutes(other, DAY1, 120, () => 1));
        await store.markDone(
          'minutes',
          generateMinutes(other, DAY1, 120, () => 1),
        );
        await store.putMinutes([minuteRecord(SERIES, '2025-06-22T13:00:07.000000+00:00', 0)]);

        const all = await store.readMinutesBetween(SERIES, 'done', DAY1, new Date('2025-06-25T00:00:00Z'));
        expect(all).toHaveLength(1416 + 720 + 3);
        expect(all.map((r) => r.ts)).toEqual([...all.map((r) => r.ts)].sort());
        expect(all.every((r) => r.pk_status === statusKey(SERIES, 'done'))).toBe(true);
        expect(all.slice(-3).map((r) => r.sk)).toEqual(['time#00', 'time#01', 'time#02']);
        // From and to are whole minutes: from included, to not.
        const cut = await store.readMinutesBetween(
          SERIES,
          'done',
          new Date('2025-06-21T10:03:00Z'),
          new Date('2025-06-21T10:07:00Z'),
        );
        expect(cut.map((r) => [r.sk, r.reading])).toEqual([
          ['time#03', 0],
          ['time#04', 0],
          ['time#06', 0],
        ]);
        const pending = await store.readMinutesBetween(SERIES, 'new', DAY1, new Date('2025-06-25T00:00:00Z'));
        expect(pending).toEqual([minuteRecord(SERIES, '2025-06-22T13:00:07.000000+00:00', 0)]);
        expect(
          await store.readMinutesBetween(
            SERIES,
            'done',
            new Date('2025-06-23T00:00:00Z'),
            new Date('2025-06-24T00:00:00Z'),
          ),
        ).toEqual([]);
      });

      it('backfills a range regardless of status', async () => {
        const records = twoDays();
        await store.putMinutes(records);
        await store.markDone('minutes', records);
        expect(await aggregate(store, SERIES, log)).toEqual({ hours: 0, days: 0, minutesConsumed: 0 });
        const summary = await aggregate(store, SERIES, log, {
          range: { from: new Date('2025-06-22T00:00:00Z'), to: new Date('2025-06-23T00:00:00Z') },
        });
        expect(summary).toEqual({ hours: 12, days: 1, minutesConsumed: 0 });
        const month = partitionKey('days', SERIES, DAY1);
        expect((await store.readPartitions('days', [month])).get(month)).toHaveLength(1);
      });
    });
  });

  describe(`Store contract: ${name}: check, readers, cancelling`, () => {
    const minute = minuteRecord(SERIES, '2025-06-21T19:00:03.241969+00:00', 1);
    const stored = async (config: StoreConfig): Promise<void> => {
      const writer = await openStore(config);
      await writer.putMinutes([minute]);
      await aggregate(writer, SERIES, log);
      await writer.close();
    };
    const withStore = async <R>(config: StoreConfig, options: OpenStoreOptions, use: (s: Store) => Promise<R>) => {
      const opened = await openStore(config, options);
      try {
        return await use(opened);
      } finally {
        await opened.close();
      }
    };

    it('a healthy store passes its check, for a writer and a reader alike', async () => {
      const config = harness.freshConfig();
      await stored(config);
      for (const access of ['write', 'read'] as const) {
        const check = await withStore(config, { access }, (s) => s.check());
        expect(check.reachable).toMatchObject({ status: 'ok' });
        expect(check.schema).toMatchObject({ status: 'ok', message: expect.stringMatching(/minutes/) });
        expect(check.schema?.fix).toBeUndefined();
      }
    });

    it('where nothing was stored yet: reachable, tables missing, and the fix says the first run creates them', async () => {
      const check = await withStore(harness.freshConfig(), { access: 'read' }, (s) => s.check());
      expect(check.reachable.status).toBe('ok');
      expect(check.schema).toMatchObject({ status: 'fail', fix: expect.stringContaining('blackout-read-pin') });
    });

    it('tables changed by hand fail the check, naming what differs, with the fix', async () => {
      const config = harness.freshConfig();
      await stored(config);
      const differs = await harness.breakSchema(config);
      const check = await withStore(config, { access: 'read' }, (s) => s.check());
      expect(check.reachable.status).toBe('ok');
      expect(check.schema).toMatchObject({
        status: 'fail',
        message: expect.stringContaining(differs),
        fix: expect.stringMatching(/\S/),
      });
    });

    it('an unreachable store fails reachable, with the fix, and leaves the schema unchecked', async () => {
      const check = await withStore(harness.unreachableConfig(), { access: 'read' }, (s) => s.check());
      expect(check.reachable).toMatchObject({ status: 'fail', fix: expect.stringMatching(/\S/) });
      expect(check.schema).toBeUndefined();
    });

    it('a reader where nothing was stored reads nothing, refuses writes and creates nothing', async () => {
      const config = harness.freshConfig();
      const before = await harness.footprint(config);
      await withStore(config, { access: 'read' }, async (reader) => {
        expect(reader.access).toBe('read');
        expect(await reader.pendingPartitions('minutes', SERIES)).toEqual([]);
        expect(await reader.readPartitions('hours', ['x'])).toEqual(new Map([['x', []]]));
        await expect(reader.putMinutes([minute])).rejects.toBeInstanceOf(ReadOnlyStoreError);
        await expect(reader.replaceMinutes([minute])).rejects.toBeInstanceOf(ReadOnlyStoreError);
        await expect(reader.putAggregates('hours', [])).rejects.toBeInstanceOf(ReadOnlyStoreError);
        await expect(reader.markDone('minutes', [])).rejects.toBeInstanceOf(ReadOnlyStoreError);
        await reader.check();
      });
      expect(await harness.footprint(config)).toEqual(before);
    });

    it('a reader on a stored history reads it, refuses writes and leaves everything as it found it', async () => {
      const config = harness.freshConfig();
      await stored(config);
      const before = await harness.footprint(config);
      await withStore(config, { access: 'read' }, async (reader) => {
        expect((await reader.readPartitions('minutes', [minute.pk])).get(minute.pk)).toEqual([
          { ...minute, pk_status: statusKey(SERIES, 'done') },
        ]);
        const hourPk = partitionKey('hours', SERIES, new Date('2025-06-21T00:00:00Z'));
        expect((await reader.readPartitions('hours', [hourPk])).get(hourPk)).toHaveLength(1);
        await expect(reader.putMinutes([minute])).rejects.toThrow(/open for reading/);
        expect((await reader.check()).schema?.status).toBe('ok');
      });
      expect(await harness.footprint(config)).toEqual(before);
    });

    it("an aborted signal, the store's or the call's, stops every call with a transient error", async () => {
      const controller = new AbortController();
      const cancelled = await open({ signal: controller.signal });
      try {
        await cancelled.putMinutes([minute]);
        controller.abort();
        const failure = await cancelled.readPartitions('minutes', [minute.pk]).catch((error: unknown) => error);
        expect(isTransientStoreError(failure)).toBe(true);
        await expect(cancelled.putMinutes([minute])).rejects.toMatchObject({ name: 'AbortError' });
      } finally {
        await cancelled.close();
      }
      const plain = await open();
      try {
        const signal = AbortSignal.abort();
        await expect(plain.pendingPartitions('minutes', SERIES, { signal })).rejects.toMatchObject({
          name: 'AbortError',
        });
        await expect(plain.putMinutes([minute], { signal })).rejects.toMatchObject({ name: 'AbortError' });
        await expect(plain.replaceMinutes([minute], { signal })).rejects.toMatchObject({ name: 'AbortError' });
        // The store itself is unharmed: the next call without that signal works.
        expect((await plain.putMinutes([minute])).stored).toEqual([minute]);
      } finally {
        await plain.close();
      }
    });
  });

  describe(`Store contract: ${name}: the series it holds`, () => {
    const garage: Series = { device: 'garage', pin: 4 };
    const seventeen: Series = { device: 'alex_rpi', pin: 17 };
    const summary = (series: Series, first: string, last: string, readings: number) => ({
      device: series.device,
      pin: series.pin,
      firstReading: first,
      lastReading: last,
      readings,
    });
    /** 2025-06-21 08:00-09:59 UTC for SERIES (minute 08:05 missing), 3 minutes for the others. */
    const history = (): MinuteRecord[] => [
      ...generateMinutes(SERIES, new Date('2025-06-21T08:00:00Z'), 120, (i) => (i === 5 ? null : i < 30 ? 0 : 1)),
      ...generateMinutes(seventeen, new Date('2025-06-30T23:59:00Z'), 3, () => 1),
      ...generateMinutes(garage, new Date('2025-05-01T00:00:00Z'), 3, () => 0),
    ];
    const expected = () => [
      summary(SERIES, '2025-06-21T08:00:03.241969+00:00', '2025-06-21T09:59:03.241969+00:00', 119),
      // Across a month end: two days partitions.
      summary(seventeen, '2025-06-30T23:59:03.241969+00:00', '2025-07-01T00:01:03.241969+00:00', 3),
      summary(garage, '2025-05-01T00:00:03.241969+00:00', '2025-05-01T00:02:03.241969+00:00', 3),
    ];
    const sorted = <T extends Series>(list: T[]) =>
      [...list].sort((a, b) => a.device.localeCompare(b.device) || a.pin - b.pin);

    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('an empty store, and a reader where nothing was stored, hold none (the reader creating nothing)', async () => {
      expect(await store.listSeries()).toEqual([]);
      expect(await store.listSeries({ series: SERIES })).toEqual([]);
      expect(await store.hasReadings(SERIES)).toBe(false);
      const config = harness.freshConfig();
      const before = await harness.footprint(config);
      const reader = await openStore(config, { access: 'read' });
      try {
        expect(await reader.listSeries()).toEqual([]);
        expect(await reader.listSeries({ series: SERIES })).toEqual([]);
        expect(await reader.hasReadings(SERIES)).toBe(false);
      } finally {
        await reader.close();
      }
      expect(await harness.footprint(config)).toEqual(before);
    });

    it('lists every series with first and last reading and the count, sorted by device then pin, before and after aggregation', async () => {
      await store.putMinutes(history());
      expect(await store.listSeries()).toEqual(sorted(expected()));
      for (const series of [SERIES, seventeen, garage]) await aggregate(store, series, log);
      expect(await store.listSeries()).toEqual(sorted(expected()));
      // Nothing pending, nothing changed: a second aggregation leaves the numbers as they are.
      await aggregate(store, SERIES, log);
      expect(await store.listSeries()).toEqual(sorted(expected()));
    });

    it('counts a late reading, and an earlier one, of aggregated hours once each, pending or rolled up', async () => {
      await store.putMinutes(history());
      await aggregate(store, SERIES, log);
      await store.putMinutes([
        minuteRecord(SERIES, '2025-06-21T08:05:01.000000+00:00', 1),
        minuteRecord(SERIES, '2025-06-20T23:00:00+00:00', 1),
      ]);
      const late = summary(SERIES, '2025-06-20T23:00:00.000000+00:00', '2025-06-21T09:59:03.241969+00:00', 121);
      expect(await store.listSeries({ series: SERIES })).toEqual([late]);
      await aggregate(store, SERIES, log);
      expect(await store.listSeries({ series: SERIES })).toEqual([late]);
      // A backfill recomputes what it covers; the count stays the number of readings.
      await aggregate(store, SERIES, log, {
        range: { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z') },
      });
      expect(await store.listSeries({ series: SERIES })).toEqual([late]);
    });

    it('looks one series up by name: its summary alone, or none for a series it never saw', async () => {
      await store.putMinutes(history());
      expect(await store.listSeries({ series: seventeen })).toEqual([expected()[1]]);
      expect(await store.listSeries({ series: { device: 'alexrpi', pin: 4 } })).toEqual([]);
      expect(await store.listSeries({ series: { device: 'alex_rpi', pin: 1 } })).toEqual([]);
      expect(await store.listSeries({ series: { device: 'alex', pin: 4 } })).toEqual([]);
      // hasReadings says what the lookup by name finds.
      expect(await store.hasReadings(seventeen)).toBe(true);
      for (const other of [
        { device: 'alexrpi', pin: 4 },
        { device: 'alex_rpi', pin: 1 },
        { device: 'alex', pin: 4 },
      ]) {
        expect(await store.hasReadings(other)).toBe(false);
      }
    });

    it('a reader lists what the writer stored, changing nothing', async () => {
      const config = harness.freshConfig();
      const writer = await openStore(config);
      try {
        await writer.putMinutes(history());
        await aggregate(writer, garage, log);
      } finally {
        await writer.close();
      }
      const before = await harness.footprint(config);
      const reader = await openStore(config, { access: 'read' });
      try {
        expect(await reader.listSeries()).toEqual(sorted(expected()));
      } finally {
        await reader.close();
      }
      expect(await harness.footprint(config)).toEqual(before);
    });

    it('a copy holds the copied series with the same summary', async () => {
      await store.putMinutes(history());
      await aggregate(store, SERIES, log);
      const target = await open();
      try {
        const june21 = { from: new Date('2025-06-21T00:00:00Z'), to: new Date('2025-06-22T00:00:00Z') };
        await copyRange(store, target, SERIES, june21, log);
        expect(await target.listSeries()).toEqual([expected()[0]]);
      } finally {
        await target.close();
      }
    });
  });
}
