import { describe, expect, it } from 'vitest';
import {
  countMinutes,
  currentStatus,
  DEFAULT_MERGE_GAP,
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
  n: MINUTE.notMonitored,
};

/**
 * Minute states from `from`, one character a minute: `+` on, `-` off, `?` unknown, `p` pending,
 * `u` unresolved, `n` not monitored.
 */
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
      notMonitored: 0,
    });
  });

  it('counts only [first, last)', () => {
    expect(countMinutes(minutes('2025-06-21T10:00:00Z', '+++--??p'), 2, 6)).toEqual({
      on: 1,
      off: 2,
      unknown: 1,
      pending: 0,
      notMonitored: 0,
    });
  });

  it('counts unresolved minutes by their hours item, and a block only where it starts inside the range', () => {
    const block = { index: 2, length: 4, on: 1, off: 2, unknown: 1 };
    const m = minutes('2025-06-21T10:00:00Z', '+-uuuu-', [block]);
    expect(countMinutes(m)).toEqual({ on: 2, off: 4, unknown: 1, pending: 0, notMonitored: 0 });
    expect(countMinutes(m, 2, 3)).toEqual({ on: 1, off: 2, unknown: 1, pending: 0, notMonitored: 0 });
    expect(countMinutes(m, 3, 7)).toEqual({ on: 0, off: 1, unknown: 0, pending: 0, notMonitored: 0 });
  });

  it('counts minutes before monitoring began as not monitored, not unknown', () => {
    expect(countMinutes(minutes('2025-06-21T10:00:00Z', 'nnn+-?p'))).toEqual({
      on: 1,
      off: 1,
      unknown: 1,
      pending: 1,
      notMonitored: 3,
    });
  });

  it('is all zero for an empty range', () => {
    expect(countMinutes(minutes('2025-06-21T10:00:00Z', ''))).toEqual({
      on: 0,
      off: 0,
      unknown: 0,
      pending: 0,
      notMonitored: 0,
    });
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
        missingMinutes: 0,
      },
      {
        start: at('2025-06-21T10:06:00Z'),
        end: at('2025-06-21T10:07:00Z'),
        minutes: 1,
        startUncertain: false,
        endUncertain: false,
        missingMinutes: 0,
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
        missingMinutes: 0,
      },
      {
        start: at('2025-06-21T10:04:00Z'),
        end: at('2025-06-21T10:06:00Z'),
        minutes: 2,
        startUncertain: false,
        endUncertain: true,
        missingMinutes: 0,
      },
    ]);
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '---'))).toEqual([
      {
        start: at('2025-06-21T10:00:00Z'),
        end: at('2025-06-21T10:03:00Z'),
        minutes: 3,
        startUncertain: true,
        endUncertain: true,
        missingMinutes: 0,
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
        missingMinutes: 0,
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
        missingMinutes: 0,
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
      missingMinutes: 0,
    };
    expect(pending).toEqual([expected]);
    expect(unknown).toEqual([expected]);
  });

  it('is uncertain at its start right after monitoring began (it may have begun before)', () => {
    expect(findOutages(minutes('2025-06-21T10:00:00Z', 'nn--+'))).toEqual([
      {
        start: at('2025-06-21T10:02:00Z'),
        end: at('2025-06-21T10:04:00Z'),
        minutes: 2,
        startUncertain: true,
        endUncertain: false,
        missingMinutes: 0,
      },
    ]);
  });

  it('finds none without OFF minutes', () => {
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '++??pp'))).toEqual([]);
  });
});

describe('findOutages across short gaps (--merge-gap)', () => {
  it('is one outage when OFF, at most N minutes without a reading, then OFF again (the issue: 19:45-21:45)', () => {
    // OFF 19:45-21:17, no reading at 21:17, OFF 21:18-21:45, ON on both sides.
    const pattern = `+${'-'.repeat(92)}?${'-'.repeat(27)}+`;
    const m = minutes('2026-11-28T17:44:00Z', pattern);
    expect(findOutages(m, { mergeGap: DEFAULT_MERGE_GAP })).toEqual([
      {
        start: at('2026-11-28T17:45:00Z'),
        end: at('2026-11-28T19:45:00Z'),
        minutes: 120,
        startUncertain: false,
        endUncertain: false,
        missingMinutes: 1,
      },
    ]);
    // 0 turns it off: two outages, each uncertain at the missing minute.
    expect(findOutages(m, { mergeGap: 0 }).map((o) => [o.minutes, o.startUncertain, o.endUncertain])).toEqual([
      [92, false, true],
      [27, true, false],
    ]);
    // The missing minute still counts as unknown.
    expect(countMinutes(m)).toEqual({ on: 2, off: 119, unknown: 1, pending: 0, notMonitored: 0 });
  });

  it('joins across several short gaps and sums their minutes; exactly N joins, N + 1 does not', () => {
    const m = minutes('2025-06-21T10:00:00Z', '+--??-?--+');
    expect(findOutages(m, { mergeGap: 2 })).toEqual([
      {
        start: at('2025-06-21T10:01:00Z'),
        end: at('2025-06-21T10:09:00Z'),
        minutes: 8,
        startUncertain: false,
        endUncertain: false,
        missingMinutes: 3,
      },
    ]);
    expect(findOutages(m, { mergeGap: 1 }).map((o) => [o.minutes, o.missingMinutes])).toEqual([
      [2, 0],
      [4, 1],
    ]);
  });

  it('does not join across ON, unresolved or pending minutes, nor a gap that ends the outage', () => {
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '--+--'), { mergeGap: 5 })).toHaveLength(2);
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '+--??+'), { mergeGap: 5 })).toEqual([
      {
        start: at('2025-06-21T10:01:00Z'),
        end: at('2025-06-21T10:03:00Z'),
        minutes: 2,
        startUncertain: false,
        endUncertain: true,
        missingMinutes: 0,
      },
    ]);
    const block = { index: 2, length: 1, on: 0, off: 1, unknown: 0 };
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '--u--', [block]), { mergeGap: 5 })).toHaveLength(2);
    expect(findOutages(minutes('2025-06-21T10:00:00Z', '--p--'), { mergeGap: 5 })).toHaveLength(2);
  });
});

describe('currentStatus', () => {
  const FROM = '2026-11-28T06:00:00Z'; // 08:00 in Kyiv
  const t = (iso: string): Date => at(iso);

  it('is ON since the end of the last outage, with how long and the last reading', () => {
    // 08:00-09:00 ON, 09:00-12:00 OFF, 12:00-15:12 ON; now 15:12:30 local, its reading not in yet.
    const m = minutes(FROM, `${'+'.repeat(60)}${'-'.repeat(180)}${'+'.repeat(192)}${'p'.repeat(48)}`);
    expect(currentStatus(m, t('2026-11-28T13:12:30Z'), { mergeGap: 5 })).toEqual({
      state: 'on',
      since: t('2026-11-28T10:00:00Z'),
      sinceUncertain: false,
      minutes: 192,
      lastReadingAt: t('2026-11-28T13:11:00Z'),
      lastOutage: {
        start: t('2026-11-28T07:00:00Z'),
        end: t('2026-11-28T10:00:00Z'),
        minutes: 180,
        startUncertain: false,
        endUncertain: false,
        missingMinutes: 0,
      },
    });
  });

  it('is unknown after more than 5 minutes without a reading: "no reading since" the last one', () => {
    // Readings until 14:07 (index 7), nothing since.
    const m = minutes('2026-11-28T12:00:00Z', `${'+'.repeat(8)}${'?'.repeat(52)}`);
    // 14:12:59: the 14:07 reading is 5 minutes old, still fresh.
    expect(currentStatus(m, t('2026-11-28T12:12:59Z'))?.state).toBe('on');
    expect(currentStatus(m, t('2026-11-28T12:13:00Z'))).toEqual({
      state: 'unknown',
      since: t('2026-11-28T12:08:00Z'),
      sinceUncertain: false,
      minutes: 5,
      lastReadingAt: t('2026-11-28T12:07:00Z'),
      lastOutage: null,
    });
  });

  it('marks since uncertain when a gap, the period start or not-monitored minutes precede the run', () => {
    const now = t('2025-06-21T10:06:10Z');
    expect(currentStatus(minutes('2025-06-21T10:00:00Z', '+??---pp'), now)).toMatchObject({
      state: 'off',
      since: t('2025-06-21T10:03:00Z'),
      sinceUncertain: true,
      minutes: 3,
    });
    expect(currentStatus(minutes('2025-06-21T10:00:00Z', '++++++pp'), now)).toMatchObject({
      state: 'on',
      since: t('2025-06-21T10:00:00Z'),
      sinceUncertain: true,
      minutes: 6,
    });
    expect(currentStatus(minutes('2025-06-21T10:00:00Z', 'nn++++pp'), now)).toMatchObject({
      state: 'on',
      since: t('2025-06-21T10:02:00Z'),
      sinceUncertain: true,
    });
  });

  it('an ongoing outage begins where the outage list says, short gaps joined', () => {
    const m = minutes('2025-06-21T10:00:00Z', '+---?--pp');
    const now = t('2025-06-21T10:07:30Z');
    expect(currentStatus(m, now, { mergeGap: 5 })).toMatchObject({
      state: 'off',
      since: t('2025-06-21T10:01:00Z'),
      sinceUncertain: false,
      minutes: 6,
      lastOutage: null,
    });
    expect(findOutages(m, { mergeGap: 5 })[0]?.start).toEqual(t('2025-06-21T10:01:00Z'));
    // Without joining, the run after the missing minute is the current one, and the first is the last outage.
    expect(currentStatus(m, now, { mergeGap: 0 })).toMatchObject({
      state: 'off',
      since: t('2025-06-21T10:05:00Z'),
      sinceUncertain: true,
      lastOutage: { start: t('2025-06-21T10:01:00Z'), minutes: 3 },
    });
  });

  it('says nothing of since when nothing was ever monitored, and the period start when readings stopped before it', () => {
    const now = t('2025-06-21T10:04:30Z');
    expect(currentStatus(minutes('2025-06-21T10:00:00Z', 'nnnnpp'), now)).toEqual({
      state: 'unknown',
      since: null,
      sinceUncertain: false,
      minutes: null,
      lastReadingAt: null,
      lastOutage: null,
    });
    expect(currentStatus(minutes('2025-06-21T10:00:00Z', '????pp'), now)).toEqual({
      state: 'unknown',
      since: t('2025-06-21T10:00:00Z'),
      sinceUncertain: true,
      minutes: 4,
      lastReadingAt: null,
      lastOutage: null,
    });
  });

  it('after hourly data only, the last reading is somewhere in that hour: since uncertain, no time', () => {
    const block = { index: 0, length: 2, on: 1, off: 1, unknown: 0 };
    const m = minutes('2025-06-21T10:00:00Z', `uu${'?'.repeat(10)}p`, [block]);
    expect(currentStatus(m, t('2025-06-21T10:12:00Z'))).toMatchObject({
      state: 'unknown',
      since: t('2025-06-21T10:02:00Z'),
      sinceUncertain: true,
      lastReadingAt: null,
    });
  });

  it('is null when now is outside the period', () => {
    const m = minutes('2025-06-21T10:00:00Z', '++++');
    expect(currentStatus(m, t('2025-06-21T09:59:59Z'))).toBeNull();
    expect(currentStatus(m, t('2025-06-21T10:04:00Z'))).toBeNull();
    expect(currentStatus(m, t('2025-06-21T10:03:59Z'))?.state).toBe('on');
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

  it('minutes before monitoring began are no gap', () => {
    expect(findGaps(minutes('2025-06-21T10:00:00Z', 'nnnn+?+'))).toEqual([
      { start: at('2025-06-21T10:05:00Z'), end: at('2025-06-21T10:06:00Z'), minutes: 1 },
    ]);
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
