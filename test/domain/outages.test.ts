import { describe, expect, it } from 'vitest';
import {
  countMinutes,
  findGaps,
  findOutages,
  localDays,
  localHours,
  MINUTE,
  type MinuteStates,
  onShare,
  type UnresolvedBlock,
} from '../../src/domain/outages.js';

const STATE_OF: Record<string, number> = {
  '+': MINUTE.on,
  '-': MINUTE.off,
  '?': MINUTE.unknown,
  p: MINUTE.pending,
  u: MINUTE.unresolved,
};

/** Minute states from `from`, one character a minute: `+` on, `-` off, `?` unknown, `p` pending, `u` unresolved. */
function minutes(from: string, pattern: string, unresolved: UnresolvedBlock[] = []): MinuteStates {
  const states = Uint8Array.from([...pattern], (c) => {
    const state = STATE_OF[c];
    if (state === undefined) throw new Error(`unknown state character ${c}`);
    return state;
  });
  return { from: new Date(from), states, unresolved };
}

/** `length` minutes from `from`, all unknown: for bucketing, where the states do not matter. */
const blank = (from: string, length: number): MinuteStates => ({
  from: new Date(from),
  states: new Uint8Array(length),
  unresolved: [],
});

const at = (iso: string): Date => new Date(iso);

describe('countMinutes', () => {
  it('counts each state over the whole period', () => {
    expect(countMinutes(minutes('2025-06-21T10:00:00Z', '+++--??p'))).toEqual({
      on: 3,
      off: 2,
      unknown: 2,
      pending: 1,
    });
  });

  it('counts only [first, last)', () => {
    expect(countMinutes(minutes('2025-06-21T10:00:00Z', '+++--??p'), 2, 6)).toEqual({
      on: 1,
      off: 2,
      unknown: 1,
      pending: 0,
    });
  });

  it('counts unresolved minutes by their hours item, and a block only where it starts inside the range', () => {
    const block = { index: 2, length: 4, on: 1, off: 2, unknown: 1 };
    const m = minutes('2025-06-21T10:00:00Z', '+-uuuu-', [block]);
    expect(countMinutes(m)).toEqual({ on: 2, off: 4, unknown: 1, pending: 0 });
    expect(countMinutes(m, 2, 3)).toEqual({ on: 1, off: 2, unknown: 1, pending: 0 });
    expect(countMinutes(m, 3, 7)).toEqual({ on: 0, off: 1, unknown: 0, pending: 0 });
  });

  it('is all zero for an empty range', () => {
    expect(countMinutes(minutes('2025-06-21T10:00:00Z', ''))).toEqual({ on: 0, off: 0, unknown: 0, pending: 0 });
  });
});

describe('onShare', () => {
  it('is ON over known minutes; unknown and pending do not count', () => {
    expect(onShare({ on: 3, off: 1, unknown: 50, pending: 6 })).toBe(0.75);
    expect(onShare({ on: 0, off: 4, unknown: 0, pending: 0 })).toBe(0);
    expect(onShare({ on: 4, off: 0, unknown: 0, pending: 0 })).toBe(1);
  });

  it('is null when no minute is known', () => {
    expect(onShare({ on: 0, off: 0, unknown: 60, pending: 0 })).toBeNull();
    expect(onShare({ on: 0, off: 0, unknown: 0, pending: 0 })).toBeNull();
  });
});

describe('findOutages', () => {
  it('finds each maximal run of OFF minutes; edges next to ON are certain', () => {
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '++---+-+'))).toEqual([
      {
        start: at('2025-06-21T10:02:00Z'),
        end: at('2025-06-21T10:05:00Z'),
        minutes: 3,
        startUncertain: false,
        endUncertain: false,
      },
      {
        start: at('2025-06-21T10:06:00Z'),
        end: at('2025-06-21T10:07:00Z'),
        minutes: 1,
        startUncertain: false,
        endUncertain: false,
      },
    ]);
  });

  it('is uncertain at the ends of the period: it may have begun before or go on after', () => {
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '--++--'))).toEqual([
      {
        start: at('2025-06-21T10:00:00Z'),
        end: at('2025-06-21T10:02:00Z'),
        minutes: 2,
        startUncertain: true,
        endUncertain: false,
      },
      {
        start: at('2025-06-21T10:04:00Z'),
        end: at('2025-06-21T10:06:00Z'),
        minutes: 2,
        startUncertain: false,
        endUncertain: true,
      },
    ]);
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '---'))).toEqual([
      {
        start: at('2025-06-21T10:00:00Z'),
        end: at('2025-06-21T10:03:00Z'),
        minutes: 3,
        startUncertain: true,
        endUncertain: true,
      },
    ]);
  });

  it('is uncertain at a gap (unknown minutes) on either side', () => {
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '+?--?+'))).toEqual([
      {
        start: at('2025-06-21T10:02:00Z'),
        end: at('2025-06-21T10:04:00Z'),
        minutes: 2,
        startUncertain: true,
        endUncertain: true,
      },
    ]);
  });

  it('is uncertain next to unresolved minutes (order inside the hour unknown)', () => {
    const block = { index: 0, length: 2, on: 1, off: 1, unknown: 0 };
    expect(findOutages(minutes('2025-06-21T10:00:00Z', 'uu--+', [block]))).toEqual([
      {
        start: at('2025-06-21T10:02:00Z'),
        end: at('2025-06-21T10:04:00Z'),
        minutes: 2,
        startUncertain: true,
        endUncertain: false,
      },
    ]);
  });

  it('an outage running into pending minutes may go on: uncertain end, like unknown', () => {
    const pending = findOutages(minutes('2025-06-21T10:00:00Z', '+--pp'));
    const unknown = findOutages(minutes('2025-06-21T10:00:00Z', '+--??'));
    const expected = {
      start: at('2025-06-21T10:01:00Z'),
      end: at('2025-06-21T10:03:00Z'),
      minutes: 2,
      startUncertain: false,
      endUncertain: true,
    };
    expect(pending).toEqual([expected]);
    expect(unknown).toEqual([expected]);
  });

  it('finds none without OFF minutes', () => {
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '++??pp'))).toEqual([]);
  });
});

describe('findGaps', () => {
  it('finds each run of unknown minutes, including at the ends of the period', () => {
    expect(findGaps(minutes('2025-06-21T10:00:00Z', '??+-???+?'))).toEqual([
      { start: at('2025-06-21T10:00:00Z'), end: at('2025-06-21T10:02:00Z'), minutes: 2 },
      { start: at('2025-06-21T10:04:00Z'), end: at('2025-06-21T10:07:00Z'), minutes: 3 },
      { start: at('2025-06-21T10:08:00Z'), end: at('2025-06-21T10:09:00Z'), minutes: 1 },
    ]);
  });

  it('pending minutes (not over yet) and unresolved ones (counted by the hours item) are no gap', () => {
    const block = { index: 1, length: 2, on: 1, off: 1, unknown: 0 };
    expect(findGaps(minutes('2025-06-21T10:00:00Z', '+uu-ppp', [block]))).toEqual([]);
  });
});

describe('localDays', () => {
  it('cuts at local midnight (Kyiv in summer is UTC+3)', () => {
    expect(localDays(blank('2025-06-20T21:00:00Z', 2 * 1440), 'Europe/Kyiv')).toEqual([
      { label: '2025-06-21', start: at('2025-06-20T21:00:00Z'), end: at('2025-06-21T21:00:00Z'), first: 0, last: 1440 },
      {
        label: '2025-06-22',
        start: at('2025-06-21T21:00:00Z'),
        end: at('2025-06-22T21:00:00Z'),
        first: 1440,
        last: 2880,
      },
    ]);
  });

  it('clips the first and last day to the period', () => {
    expect(localDays(blank('2025-06-21T09:00:00Z', 1440), 'Europe/Kyiv')).toEqual([
      { label: '2025-06-21', start: at('2025-06-21T09:00:00Z'), end: at('2025-06-21T21:00:00Z'), first: 0, last: 720 },
      {
        label: '2025-06-22',
        start: at('2025-06-21T21:00:00Z'),
        end: at('2025-06-22T09:00:00Z'),
        first: 720,
        last: 1440,
      },
    ]);
  });

  it('a Kyiv DST day is 23 hours in March and 25 in October', () => {
    // 2025-03-30: 03:00 EET → 04:00 EEST at 01:00 UTC. 2025-10-26: 04:00 EEST → 03:00 EET at 01:00 UTC.
    expect(localDays(blank('2025-03-29T22:00:00Z', 1380), 'Europe/Kyiv')).toEqual([
      { label: '2025-03-30', start: at('2025-03-29T22:00:00Z'), end: at('2025-03-30T21:00:00Z'), first: 0, last: 1380 },
    ]);
    expect(localDays(blank('2025-10-25T21:00:00Z', 1500), 'Europe/Kyiv')).toEqual([
      { label: '2025-10-26', start: at('2025-10-25T21:00:00Z'), end: at('2025-10-26T22:00:00Z'), first: 0, last: 1500 },
    ]);
  });

  it('the days around a DST change keep their own lengths', () => {
    const days = localDays(blank('2025-10-24T21:00:00Z', 1440 + 1500 + 1440), 'Europe/Kyiv');
    expect(days.map((d) => [d.label, d.first, d.last])).toEqual([
      ['2025-10-25', 0, 1440],
      ['2025-10-26', 1440, 2940],
      ['2025-10-27', 2940, 4380],
    ]);
  });
});

describe('localHours', () => {
  const labels = (from: string, length: number, tz: string): string[] => {
    const m = blank(from, length);
    return localHours(m, tz, m.from, new Date(m.from.getTime() + length * 60_000)).map((h) => h.label);
  };

  it('a 23-hour Kyiv day has no 03:00', () => {
    const hours = labels('2025-03-29T22:00:00Z', 1380, 'Europe/Kyiv');
    expect(hours).toHaveLength(23);
    expect(hours.slice(0, 5)).toEqual(['00:00', '01:00', '02:00', '04:00', '05:00']);
    expect(hours.at(-1)).toBe('23:00');
  });

  it('a 25-hour Kyiv day has 03:00 twice, each an hour of its own', () => {
    const m = blank('2025-10-25T21:00:00Z', 1500);
    const hours = localHours(m, 'Europe/Kyiv', m.from, at('2025-10-26T22:00:00Z'));
    expect(hours).toHaveLength(25);
    expect(hours.slice(2, 6)).toEqual([
      { label: '02:00', start: at('2025-10-25T23:00:00Z'), end: at('2025-10-26T00:00:00Z'), first: 120, last: 180 },
      { label: '03:00', start: at('2025-10-26T00:00:00Z'), end: at('2025-10-26T01:00:00Z'), first: 180, last: 240 },
      { label: '03:00', start: at('2025-10-26T01:00:00Z'), end: at('2025-10-26T02:00:00Z'), first: 240, last: 300 },
      { label: '04:00', start: at('2025-10-26T02:00:00Z'), end: at('2025-10-26T03:00:00Z'), first: 300, last: 360 },
    ]);
    expect(hours.at(-1)).toEqual({
      label: '23:00',
      start: at('2025-10-26T21:00:00Z'),
      end: at('2025-10-26T22:00:00Z'),
      first: 1440,
      last: 1500,
    });
  });

  it('starts and ends where asked, cutting wherever the local clock reads :00', () => {
    const m = blank('2025-06-21T00:00:00Z', 180);
    // India is UTC+05:30: local hours begin at half past the UTC hour.
    expect(localHours(m, 'Asia/Kolkata', at('2025-06-21T00:10:00Z'), at('2025-06-21T02:00:00Z'))).toEqual([
      { label: '05:40', start: at('2025-06-21T00:10:00Z'), end: at('2025-06-21T00:30:00Z'), first: 10, last: 30 },
      { label: '06:00', start: at('2025-06-21T00:30:00Z'), end: at('2025-06-21T01:30:00Z'), first: 30, last: 90 },
      { label: '07:00', start: at('2025-06-21T01:30:00Z'), end: at('2025-06-21T02:00:00Z'), first: 90, last: 120 },
    ]);
  });
});
