/** Periods in words, as a person says them: the last day named is included. */
import { describe, expect, it } from 'vitest';
import { describePeriod, lastHours, lastLocalDays, localDay, localMonth } from '../../src/domain/period.js';
import { formatLocalDay } from '../../src/domain/zone.js';

const KYIV = 'Europe/Kyiv';

describe('describePeriod', () => {
  it('names whole local days first to last, the end inclusive, with their number and zone', () => {
    // --last 7d on Sun 30 Nov 2025: Mon 24 Nov through today.
    const week = lastLocalDays(7, KYIV, new Date('2025-11-30T12:00:00Z'));
    expect(describePeriod(week, KYIV)).toBe('Mon 24 Nov – Sun 30 Nov 2025 · 7 days · Europe/Kyiv');
    expect(describePeriod(localMonth('2025-10', KYIV), KYIV)).toBe(
      'Wed 1 Oct – Fri 31 Oct 2025 · 31 days · Europe/Kyiv',
    );
  });

  it('says one day once, a DST day too (25 hours, one day)', () => {
    expect(describePeriod(localDay('2025-10-26', KYIV), KYIV)).toBe('Sun 26 Oct 2025 · 1 day · Europe/Kyiv');
  });

  it('gives both years when the days cross New Year', () => {
    const span = { from: localDay('2025-12-29', 'UTC').from, to: localDay('2026-01-04', 'UTC').to };
    expect(describePeriod(span, 'UTC')).toBe('Mon 29 Dec 2025 – Sun 4 Jan 2026 · 7 days · UTC');
  });

  it('gives clock times and the length for a span that is not whole days (--last 24h, date-times)', () => {
    const day = lastHours(24, new Date('2025-11-30T12:04:30Z'));
    expect(describePeriod(day, KYIV)).toBe('Sat 29 Nov 2025 14:05 – Sun 30 Nov 14:05 · 24 h 00 min · Europe/Kyiv');
    const short = { from: new Date('2025-10-26T10:30:00Z'), to: new Date('2025-10-26T10:50:00Z') };
    expect(describePeriod(short, KYIV)).toBe('Sun 26 Oct 2025 12:30 – 12:50 · 20 min · Europe/Kyiv');
    // A time in the hour repeated when DST ends carries its offset.
    const repeated = { from: new Date('2025-10-26T00:30:00Z'), to: new Date('2025-10-26T01:30:00Z') };
    expect(describePeriod(repeated, KYIV)).toBe(
      'Sun 26 Oct 2025 03:30 (+03:00) – 03:30 (+02:00) · 1 h 00 min · Europe/Kyiv',
    );
  });

  it('names the local day of an instant, not the UTC one', () => {
    expect(formatLocalDay(new Date('2025-11-30T22:30:00Z'), KYIV)).toBe('Mon 1 Dec');
    expect(formatLocalDay(new Date('2025-11-30T22:30:00Z'), 'UTC', { year: true })).toBe('Sun 30 Nov 2025');
  });
});
