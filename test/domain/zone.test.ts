/**
 * Local time does not depend on the machine's own zone: TZDate does near DST changes, which is why
 * wall-clock → instant has its own helper (src/domain/zone.ts). Durations in each style.
 */
import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/domain/format.js';
import {
  addLocalDays,
  formatClock,
  formatLocalIso,
  isAmbiguousLocalTime,
  startOfLocalDay,
  zonedInstant,
} from '../../src/domain/zone.js';

const hostZone = process.env.TZ;
afterAll(() => {
  if (hostZone === undefined) delete process.env.TZ;
  else process.env.TZ = hostZone;
});

describe.each(['UTC', 'Europe/Kyiv', 'America/New_York', 'America/Santiago', 'Pacific/Apia'])(
  'on a host in %s',
  (host) => {
    it('resolves DST gaps forward and overlaps to the earlier instant', () => {
      process.env.TZ = host;
      const at = (zone: string, year: number, month: number, day: number, hour: number, minute = 0) =>
        zonedInstant({ year, month, day, hour, minute }, zone).toISOString();
      expect(at('Europe/Kyiv', 2025, 10, 26, 3, 30)).toBe('2025-10-26T00:30:00.000Z'); // the first 03:30
      expect(at('Europe/Kyiv', 2025, 3, 30, 3, 30)).toBe('2025-03-30T01:30:00.000Z'); // 04:30, past the gap
      expect(at('Europe/London', 2015, 3, 29, 2)).toBe('2015-03-29T01:00:00.000Z'); // 02:00 exists
      expect(at('America/St_Johns', 2025, 11, 2, 1, 30)).toBe('2025-11-02T04:00:00.000Z'); // -02:30, the earlier
      expect(at('Australia/Lord_Howe', 2025, 4, 6, 1, 45)).toBe('2025-04-05T14:45:00.000Z'); // +11:00, the earlier
      expect(formatLocalIso(startOfLocalDay('2025-09-07', 'America/Santiago'), 'America/Santiago')).toBe(
        '2025-09-07T01:00:00-03:00',
      );
      expect(addLocalDays('2011-12-29', 1)).toBe('2011-12-30'); // a day Samoa skipped is still a date
      expect(isAmbiguousLocalTime(new Date('2025-10-26T01:30:00Z'), 'Europe/Kyiv')).toBe(true);
      expect(formatClock(new Date('2025-10-26T01:30:00Z'), 'Europe/Kyiv')).toBe('03:30 (+02:00)');
      expect(formatLocalIso(new Date('2025-10-26T01:00:00Z'), 'Asia/Kathmandu')).toBe('2025-10-26T06:45:00+05:45');
    });
  },
);

describe('formatLocalIso', () => {
  it("writes what date-fns' format writes, every 7 minutes and 13 seconds across DST changes and odd offsets", () => {
    process.env.TZ = 'UTC';
    const zones = [
      'UTC',
      'Europe/Kyiv',
      'America/St_Johns',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'Pacific/Apia',
      'America/Santiago',
    ];
    const starts = ['2025-03-29T00:00:00Z', '2025-10-25T00:00:00Z', '2011-12-29T00:00:00Z', '2025-04-05T00:00:00Z'];
    let compared = 0;
    for (const zone of zones) {
      for (const start of starts) {
        for (let t = Date.parse(start); t < Date.parse(start) + 3 * 86_400_000; t += 433_000) {
          expect(formatLocalIso(t, zone)).toBe(format(t, "yyyy-MM-dd'T'HH:mm':00'xxx", { in: tz(zone) }));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(15_000);
    // Local mean time (an offset with seconds) and a five-digit year take date-fns' own way.
    expect(formatLocalIso(new Date('1900-01-01T00:00:00Z'), 'Europe/Kyiv')).toBe(
      format(new Date('1900-01-01T00:00:00Z'), "yyyy-MM-dd'T'HH:mm':00'xxx", { in: tz('Europe/Kyiv') }),
    );
    expect(formatLocalIso(Date.UTC(10000, 0, 1), 'UTC')).toBe('10000-01-01T00:00:00+00:00');
  });
});

describe('formatDuration', () => {
  it('writes each style', () => {
    expect([5, 125, 1565].map((m) => formatDuration(m))).toEqual(['5 min', '2 h 05 min', '26 h 05 min']);
    expect(formatDuration(47, { atLeast: true })).toBe('≥ 47 min');
    expect(formatDuration(47, { style: 'hours' })).toBe('0 h 47 min');
    expect(formatDuration(1565, { style: 'clock' })).toBe('26:05');
    expect([45, 60, 223, 1565, 2880].map((m) => formatDuration(m, { style: 'words' }))).toEqual([
      '45 min',
      '1 h',
      '3 h 43 min',
      '1 d 2 h',
      '2 d',
    ]);
  });
});
