import { describe, expect, it } from 'vitest';
import { countDay, countHour, statesByMinute } from '../../src/domain/aggregate.js';
import { MINUTE } from '../../src/domain/outages.js';
import { validateMinuteRecord } from '../../src/domain/records.js';

const minute = (m: number, reading: 0 | 1) => ({ sk: `time#${String(m).padStart(2, '0')}`, reading });
const hour = (h: number, on: number, off: number) => ({ sk: `time#${String(h).padStart(2, '0')}`, on, off });

describe('aggregation math', () => {
  it('counts a full hour', () => {
    const all = Array.from({ length: 60 }, (_, m) => minute(m, m < 45 ? 1 : 0));
    expect(countHour(all)).toEqual({
      on: 45,
      off: 15,
      unknown: 0,
      expected: 60,
      count: 60,
      by_minute: '1'.repeat(45) + '0'.repeat(15),
    });
  });

  it('counts missing minutes as unknown', () => {
    expect(countHour([minute(0, 1), minute(30, 0)])).toEqual({
      on: 1,
      off: 1,
      unknown: 58,
      expected: 60,
      count: 2,
      by_minute: `1${'-'.repeat(29)}0${'-'.repeat(29)}`,
    });
    expect(countHour([])).toEqual({ on: 0, off: 0, unknown: 60, expected: 60, count: 0, by_minute: '-'.repeat(60) });
  });

  it('counts a duplicated minute once and ignores foreign sort keys', () => {
    expect(countHour([minute(5, 1), minute(5, 0), minute(6, 0), { sk: 'time#60', reading: 1 }])).toEqual({
      on: 1,
      off: 1,
      unknown: 58,
      expected: 60,
      count: 2,
      by_minute: `-----10${'-'.repeat(53)}`,
    });
  });

  it("reads an hour's minutes back from its by_minute, only when they agree with its counts", () => {
    const counts = countHour([minute(0, 1), minute(1, 0), minute(59, 1)]);
    const states = statesByMinute(counts);
    expect(states && [...states]).toEqual([MINUTE.on, MINUTE.off, ...new Array(57).fill(MINUTE.unknown), MINUTE.on]);
    // Python's items have none; a damaged or foreign one, or counts changed since, is not trusted.
    expect(statesByMinute({ on: 2, off: 1 })).toBeUndefined();
    expect(statesByMinute({ ...counts, on: 1 })).toBeUndefined();
    expect(statesByMinute({ ...counts, by_minute: counts.by_minute.slice(1) })).toBeUndefined();
    expect(statesByMinute({ ...counts, by_minute: `x${counts.by_minute.slice(1)}` })).toBeUndefined();
  });

  it('sums a day from hours; count is the number of minute readings', () => {
    const hours = [hour(0, 60, 0), hour(1, 30, 20), hour(23, 0, 59)];
    expect(countDay(hours)).toEqual({ on: 90, off: 79, unknown: 1440 - 169, expected: 1440, count: 169 });
    expect(countDay([...hours, hour(1, 30, 20)]).count).toBe(169);
    expect(countDay([hour(24, 60, 0)]).count).toBe(0);
  });
});

describe('buffered minute validation', () => {
  const good = {
    pk: 'device#alex_rpi#sensor#4#date#2025-06-21-19',
    sk: 'time#00',
    pk_status: 'device#alex_rpi#sensor#4#status#new',
    ts: '2025-06-21T19:00:03.241969+00:00',
    reading: 1,
  };

  it('accepts the Python version file format', () => {
    expect(validateMinuteRecord(good)).toEqual({ ok: true, value: good });
    expect(validateMinuteRecord({ ...good, reading: true })).toEqual({ ok: true, value: good });
    const noMicros = { ...good, ts: '2025-06-21T19:00:03+00:00' };
    expect(validateMinuteRecord(noMicros)).toEqual({
      ok: true,
      value: { ...good, ts: '2025-06-21T19:00:03.000000+00:00' },
    });
  });

  it('rejects records whose key does not match the time or whose fields are wrong', () => {
    expect(validateMinuteRecord({ ...good, sk: 'time#01' })).toMatchObject({ ok: false });
    expect(validateMinuteRecord({ ...good, reading: 2 })).toMatchObject({ ok: false });
    expect(validateMinuteRecord({ ...good, ts: 'yesterday' })).toMatchObject({ ok: false });
    expect(validateMinuteRecord({ ...good, pk_status: 'device#other#sensor#4#status#new' })).toMatchObject({
      ok: false,
    });
    expect(validateMinuteRecord([good])).toMatchObject({ ok: false });
    expect(validateMinuteRecord(good, { device: 'other', pin: 4 })).toMatchObject({ ok: false });
  });
});
