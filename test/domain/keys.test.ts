import { describe, expect, it } from 'vitest';
import {
  itemKey,
  itemStartMs,
  parseItemKey,
  parsePartitionKey,
  partitionKey,
  partitionKeysBetween,
  rollupKey,
  seriesPrefix,
  statusKey,
  statusOf,
  withStatus,
} from '../../src/domain/keys.js';

const alex = { device: 'alex_rpi', pin: 4 };

describe("key formats (the Python version's README examples)", () => {
  it('builds minutes, hours and days keys', () => {
    const at = new Date('2025-06-21T19:00:03.241Z');
    expect(itemKey('minutes', alex, at)).toEqual({ pk: 'device#alex_rpi#sensor#4#date#2025-06-21-19', sk: 'time#00' });
    expect(itemKey('hours', alex, new Date('2025-06-25T00:59:59Z'))).toEqual({
      pk: 'device#alex_rpi#sensor#4#date#2025-06-25',
      sk: 'time#00',
    });
    expect(itemKey('days', { device: 'temp', pin: 4 }, new Date('2025-06-08T17:54:21Z'))).toEqual({
      pk: 'device#temp#sensor#4#date#2025-06',
      sk: 'time#08',
    });
    expect(statusKey(alex, 'done')).toBe('device#alex_rpi#sensor#4#status#done');
    expect(seriesPrefix({ device: 'x', pin: 17 })).toBe('device#x#sensor#17');
  });

  it('uses UTC buckets at hour, day, month and year boundaries', () => {
    expect(itemKey('minutes', alex, new Date('2025-12-31T23:59:59.999Z'))).toEqual({
      pk: 'device#alex_rpi#sensor#4#date#2025-12-31-23',
      sk: 'time#59',
    });
    expect(itemKey('minutes', alex, new Date('2026-01-01T00:00:00Z')).pk).toBe(
      'device#alex_rpi#sensor#4#date#2026-01-01-00',
    );
    // 00:30 in Kyiv (UTC+2 in winter) is still the previous UTC day.
    expect(itemKey('hours', alex, new Date('2026-01-01T00:30:00+02:00'))).toEqual({
      pk: 'device#alex_rpi#sensor#4#date#2025-12-31',
      sk: 'time#22',
    });
    expect(itemKey('days', alex, new Date('2025-12-31T12:00:00Z'))).toEqual({
      pk: 'device#alex_rpi#sensor#4#date#2025-12',
      sk: 'time#31',
    });
  });

  it('handles the leap day', () => {
    const leap = new Date('2024-02-29T12:34:56Z');
    expect(itemKey('days', alex, leap)).toEqual({ pk: 'device#alex_rpi#sensor#4#date#2024-02', sk: 'time#29' });
    expect(parseItemKey('days', { pk: 'device#alex_rpi#sensor#4#date#2024-02', sk: 'time#29' })?.start).toEqual(
      new Date('2024-02-29T00:00:00Z'),
    );
    expect(parseItemKey('days', { pk: 'device#alex_rpi#sensor#4#date#2025-02', sk: 'time#29' })).toBeUndefined();
    expect(
      partitionKeysBetween('hours', alex, new Date('2024-02-28T00:00:00Z'), new Date('2024-03-01T00:00:00Z')),
    ).toEqual(['device#alex_rpi#sensor#4#date#2024-02-28', 'device#alex_rpi#sensor#4#date#2024-02-29']);
  });

  it('parses keys back and rejects malformed ones', () => {
    expect(parseItemKey('minutes', { pk: 'device#alex_rpi#sensor#4#date#2025-06-21-19', sk: 'time#07' })).toEqual({
      series: alex,
      start: new Date('2025-06-21T19:07:00Z'),
    });
    expect(parsePartitionKey('hours', 'device#a.b-c#sensor#53#date#2025-06-21')).toEqual({
      series: { device: 'a.b-c', pin: 53 },
      start: new Date('2025-06-21T00:00:00Z'),
    });
    for (const [table, pk, sk] of [
      ['minutes', 'device#alex_rpi#sensor#4#date#2025-06-21-24', 'time#00'],
      ['minutes', 'device#alex_rpi#sensor#4#date#2025-06-21-19', 'time#60'],
      ['minutes', 'device#alex_rpi#sensor#4#date#2025-06-21', 'time#00'],
      ['hours', 'device#alex_rpi#sensor#4#date#2025-06-31', 'time#00'],
      ['hours', 'device#alex_rpi#sensor#4#date#2025-06-21', 'time#24'],
      ['days', 'device#alex_rpi#sensor#4#date#2025-13', 'time#01'],
      ['days', 'device#alex_rpi#sensor#4#date#2025-06', 'time#00'],
      ['days', 'device#alex_rpi#sensor#x#date#2025-06', 'time#01'],
      ['minutes', 'device#alex#rpi#sensor#4#date#2025-06-21-19', 'time#00'],
    ] as const) {
      expect(parseItemKey(table, { pk, sk }), `${table} ${pk} ${sk}`).toBeUndefined();
      expect(itemStartMs(table, { pk, sk }), `${table} ${pk} ${sk}`).toBeUndefined();
    }
    // Valid keys of every table across month ends and a leap day: the same instant both ways.
    for (let t = Date.UTC(2024, 1, 27); t < Date.UTC(2024, 2, 2); t += 7 * 60_000) {
      for (const table of ['minutes', 'hours', 'days'] as const) {
        const key = itemKey(table, alex, new Date(t));
        expect(itemStartMs(table, key), `${table} ${key.pk} ${key.sk}`).toBe(parseItemKey(table, key)?.start.getTime());
      }
    }
    expect(itemStartMs('minutes', { pk: 'device#alex_rpi#sensor#4#date#2025-06-21-19', sk: 'time#07' })).toBe(
      Date.parse('2025-06-21T19:07:00Z'),
    );
    expect(itemStartMs('days', { pk: 'device#alex_rpi#sensor#4#date#2024-02', sk: 'time#29' })).toBe(
      Date.parse('2024-02-29T00:00:00Z'),
    );
  });

  it('derives the roll-up item of a partition', () => {
    expect(rollupKey('minutes', 'device#alex_rpi#sensor#4#date#2025-06-21-19')).toEqual({
      pk: 'device#alex_rpi#sensor#4#date#2025-06-21',
      sk: 'time#19',
    });
    expect(rollupKey('hours', 'device#alex_rpi#sensor#4#date#2025-06-03')).toEqual({
      pk: 'device#alex_rpi#sensor#4#date#2025-06',
      sk: 'time#03',
    });
  });

  it('flips status without re-deriving the series', () => {
    expect(withStatus('device#alex_rpi#sensor#4#status#new', 'done')).toBe('device#alex_rpi#sensor#4#status#done');
    expect(statusOf('device#alex_rpi#sensor#4#status#done')).toBe('done');
    expect(statusOf('garbage')).toBeUndefined();
  });

  it('lists partitions overlapping a range across a month and a year', () => {
    expect(
      partitionKeysBetween('days', alex, new Date('2025-11-15T00:00:00Z'), new Date('2026-02-01T00:00:00Z')),
    ).toEqual([
      'device#alex_rpi#sensor#4#date#2025-11',
      'device#alex_rpi#sensor#4#date#2025-12',
      'device#alex_rpi#sensor#4#date#2026-01',
    ]);
    expect(
      partitionKeysBetween('minutes', alex, new Date('2025-06-21T22:30:00Z'), new Date('2025-06-22T00:00:01Z')),
    ).toEqual([
      'device#alex_rpi#sensor#4#date#2025-06-21-22',
      'device#alex_rpi#sensor#4#date#2025-06-21-23',
      'device#alex_rpi#sensor#4#date#2025-06-22-00',
    ]);
    expect(partitionKey('minutes', alex, new Date('2025-06-21T22:30:00Z'))).toBe(
      'device#alex_rpi#sensor#4#date#2025-06-21-22',
    );
  });
});
