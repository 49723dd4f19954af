/** Period and time-zone resolution: dates are whole local days, date-times are instants, DST is exact. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { resolvePeriod } from '../../src/cli/period.js';
import { formatLocalIso, startOfLocalDay, systemTimeZone, zonedInstant } from '../../src/domain/zone.js';

const KYIV = 'Europe/Kyiv';
const NOW = new Date('2025-10-26T10:17:42Z'); // 12:17 local on the 25-hour day

const iso = (options: Parameters<typeof resolvePeriod>[0], tz = KYIV) => {
  const p = resolvePeriod(options, tz, NOW);
  return [p.kind, p.from.toISOString(), p.to.toISOString()];
};

describe('resolvePeriod', () => {
  it('takes dates as whole local days with --to included', () => {
    expect(iso({ from: '2025-10-25', to: '2025-10-27' })).toEqual([
      'range',
      '2025-10-24T21:00:00.000Z',
      '2025-10-27T22:00:00.000Z',
    ]);
    expect(iso({ day: '2025-10-26' })).toEqual(['day', '2025-10-25T21:00:00.000Z', '2025-10-26T22:00:00.000Z']);
    expect(iso({ day: '2025-03-30' })).toEqual(['day', '2025-03-29T22:00:00.000Z', '2025-03-30T21:00:00.000Z']);
    expect(iso({ month: '2025-10' })).toEqual(['month', '2025-09-30T21:00:00.000Z', '2025-10-31T22:00:00.000Z']);
    expect(iso({ month: '2024-12' }, 'UTC')).toEqual(['month', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']);
    // A period that has not begun (NOW is 26 Oct 2025) is refused, not an empty report.
    expect(() => iso({ month: '2025-12' }, 'UTC')).toThrow('the period starts in the future (2025-12-01)');
  });

  it('takes date-times as instants with --to excluded, local unless zoned', () => {
    expect(iso({ from: '2025-10-26T03:30', to: '2025-10-26T01:20:00Z' })).toEqual([
      'range',
      '2025-10-26T00:30:00.000Z', // the first 03:30 of the repeated hour
      '2025-10-26T01:20:00.000Z',
    ]);
    // 03:30 does not exist on 2025-03-30 in Kyiv (03:00 → 04:00): it is taken as 04:30.
    expect(formatLocalIso(zonedInstant({ year: 2025, month: 3, day: 30, hour: 3, minute: 30 }, KYIV), KYIV)).toBe(
      '2025-03-30T04:30:00+03:00',
    );
    expect(iso({ from: '2025-10-26T12:00:00+05:30', to: '2025-10-26T12:00:30+05:30' })).toEqual([
      'range',
      '2025-10-26T06:30:00.000Z',
      '2025-10-26T06:31:00.000Z', // rounded out to whole minutes
    ]);
  });

  it('defaults --to to the end of today for a date and to now for a date-time', () => {
    expect(iso({ from: '2025-10-20' })).toEqual(['range', '2025-10-19T21:00:00.000Z', '2025-10-26T22:00:00.000Z']);
    expect(iso({ from: '2025-10-26T00:00Z' })).toEqual([
      'range',
      '2025-10-26T00:00:00.000Z',
      '2025-10-26T10:18:00.000Z',
    ]);
  });

  it('takes --last in hours up to now or in local days including today, 7 days by default', () => {
    expect(iso({ last: '24h' })).toEqual(['last', '2025-10-25T10:18:00.000Z', '2025-10-26T10:18:00.000Z']);
    expect(iso({})).toEqual(['last', '2025-10-19T21:00:00.000Z', '2025-10-26T22:00:00.000Z']);
    expect(iso({ last: '1d' })).toEqual(['last', '2025-10-25T21:00:00.000Z', '2025-10-26T22:00:00.000Z']);
  });

  it.each([
    [{ day: '2025-10-32' }, 'invalid --day'],
    [{ day: '26.10.2025' }, 'invalid --day'],
    [{ month: '2025-1' }, 'invalid --month'],
    [{ from: '2025-10-26T25:00' }, 'invalid --from'],
    [{ from: '2025-10-26', to: '2025-10-26T00:00' }, 'is not before'],
    [{ last: '0d' }, 'invalid --last'],
    [{ month: '2025-10', last: '7d' }, 'choose one period'],
    [{ from: '2024-01-01', to: '2025-06-01' }, 'period too long'],
  ])('rejects %j', (options, message) => {
    expect(() => resolvePeriod(options, KYIV, NOW)).toThrow(UsageError);
    expect(() => resolvePeriod(options, KYIV, NOW)).toThrow(message);
  });
});

describe('zone helpers', () => {
  it('formats local times with their offset on both sides of a change', () => {
    expect(formatLocalIso(new Date('2025-10-26T00:59:00Z'), KYIV)).toBe('2025-10-26T03:59:00+03:00');
    expect(formatLocalIso(new Date('2025-10-26T01:00:00Z'), KYIV)).toBe('2025-10-26T03:00:00+02:00');
    expect(formatLocalIso(new Date('2025-10-26T01:00:00Z'), 'Asia/Kolkata')).toBe('2025-10-26T06:30:00+05:30');
    expect(formatLocalIso(new Date('2025-10-26T01:00:00Z'), 'America/St_Johns')).toBe('2025-10-25T22:30:00-02:30');
  });

  it('finds the start of a day whose midnight does not exist', () => {
    // Chile springs forward at 24:00 → 01:00 on the first Sunday of September.
    expect(formatLocalIso(startOfLocalDay('2025-09-07', 'America/Santiago'), 'America/Santiago')).toBe(
      '2025-09-07T01:00:00-03:00',
    );
  });

  it('keeps the zone named by TZ and falls back to the runtime zone', () => {
    expect(systemTimeZone('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(systemTimeZone(':Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(systemTimeZone('Not/AZone')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
