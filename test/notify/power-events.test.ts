import { describe, expect, it } from 'vitest';
import {
  forgetFuture,
  initialPowerState,
  MAX_GAPS,
  observeReading,
  type PowerEvent,
  type PowerState,
  parsePowerState,
} from '../../src/domain/power-events.js';

const OPTIONS = { device: 'flat', pin: 4, debounce: 1, gapMinutes: 10 };
const at = (hhmm: string, day = '2025-06-21'): Date => new Date(`${day}T${hhmm}:07.123Z`);
const iso = (hhmm: string, day = '2025-06-21'): string => `${day}T${hhmm}:00.000Z`;

/** Feeds readings `[HH:MM, 0|1]` in order; returns every event and the final state. */
function feed(readings: [string, 0 | 1][], options = OPTIONS, start = initialPowerState()) {
  let state: PowerState = start;
  const events: PowerEvent[] = [];
  for (const [time, reading] of readings) {
    const observed = observeReading(state, at(time), reading, options);
    state = observed.state;
    events.push(...observed.events);
  }
  return { state, events };
}

/** Readings every minute from `from` for `count` minutes. */
function minutes(from: string, count: number, reading: 0 | 1): [string, 0 | 1][] {
  const start = at(from).getTime();
  return Array.from({ length: count }, (_, i) => [new Date(start + i * 60_000).toISOString().slice(11, 16), reading]);
}

describe('power events', () => {
  it('the first reading sets the state without an event; steady readings make none', () => {
    const { state, events } = feed(minutes('10:00', 30, 1));
    expect(events).toEqual([]);
    expect(state.confirmed).toEqual({ state: 'on', since: iso('10:00'), sinceKnown: false });
    expect(state.lastMinute).toBe(iso('10:29'));
  });

  it('ON→OFF→ON with debounce 1: exact first changed minute and the length of the previous state', () => {
    const { events } = feed([...minutes('10:00', 10, 1), ...minutes('10:10', 95, 0), ...minutes('11:45', 3, 1)]);
    expect(events).toHaveLength(2);
    const [off, on] = events as [PowerEvent, PowerEvent];
    expect(off).toMatchObject({
      seq: 1,
      kind: 'power',
      state: 'off',
      since: iso('10:10'),
      previousState: 'on',
      previousSinceKnown: false,
      previousStateMinutes: 10,
      detectedAt: iso('10:10'),
      gaps: [],
    });
    expect(off.changeWindow).toBeUndefined();
    expect(on).toMatchObject({
      seq: 2,
      state: 'on',
      since: iso('11:45'),
      previousState: 'off',
      previousSince: iso('10:10'),
      previousSinceKnown: true,
      previousStateMinutes: 95,
    });
    expect(on.id).toBe('flat:4:2025-06-21T11:45:on');
  });

  it('debounce N: a change needs N consecutive readings, dated at the first of them', () => {
    const options = { ...OPTIONS, debounce: 3 };
    // Two-minute blip is ignored; the three-minute outage is confirmed at its third minute.
    const { events } = feed(
      [...minutes('10:00', 5, 1), ...minutes('10:05', 2, 0), ...minutes('10:07', 5, 1), ...minutes('10:12', 3, 0)],
      options,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      state: 'off',
      since: iso('10:12'),
      detectedAt: iso('10:14'),
      previousStateMinutes: 12,
    });
  });

  it('missing minutes during a state are reported with the next change', () => {
    const { events } = feed([
      ...minutes('14:00', 2, 1),
      ...minutes('14:02', 68, 0), // off from 14:02, readings to 15:09
      ...minutes('15:30', 20, 0), // nothing 15:10–15:29
      ...minutes('17:45', 1, 1),
    ]);
    const on = events.find((e) => e.kind === 'power' && e.state === 'on');
    // Off from 14:02, seen off until 15:49, back by 17:45: off for 1 h 48 min to 3 h 43 min.
    expect(on).toMatchObject({
      since: iso('17:45'),
      previousSince: iso('14:02'),
      previousStateMinutes: 108,
      previousStateMinutesMax: 223,
    });
    // 15:10–15:30 and the minutes after 15:49 (the change happened in there: it is the change window).
    expect(on?.gaps).toEqual([{ from: iso('15:10'), to: iso('15:30'), minutes: 20 }]);
    expect(on?.changeWindow).toEqual({ from: iso('15:50'), to: iso('17:45'), minutes: 115 });
  });

  it('a change inside a gap carries its uncertainty into both events (lengths become ranges)', () => {
    const { events } = feed([
      ...minutes('14:00', 5, 1), // on, first readings ever
      ...minutes('14:30', 30, 0), // nothing 14:05–14:29; off from 14:30
      ...minutes('15:00', 1, 1),
    ]);
    // (The 25-minute gap is also a monitor-back event, first.)
    const [off, on] = events.filter((e) => e.kind === 'power') as [PowerEvent, PowerEvent];
    // The ON state was seen for 5 minutes and began before monitoring: at least 5 min, no upper bound.
    expect(off).toMatchObject({
      state: 'off',
      since: iso('14:30'),
      changeWindow: { from: iso('14:05'), to: iso('14:30'), minutes: 25 },
      previousSinceKnown: false,
      previousStateMinutes: 5,
    });
    expect(off.previousStateMinutesMax).toBeUndefined();
    // The outage began between 14:05 and 14:30: it lasted 30 to 55 minutes.
    expect(on).toMatchObject({
      state: 'on',
      since: iso('15:00'),
      previousSince: iso('14:30'),
      previousSinceEarliest: iso('14:05'),
      previousSinceKnown: true,
      previousStateMinutes: 30,
      previousStateMinutesMax: 55,
    });
    expect(on.changeWindow).toBeUndefined();
  });

  it('the monitor coming back after a long gap is an event with the gap length', () => {
    const { events } = feed([...minutes('14:00', 10, 0), ...minutes('16:30', 2, 0)]);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'monitor-back',
        state: 'off',
        previousState: 'off',
        since: iso('16:30'),
        gapMinutes: 140,
        gaps: [{ from: iso('14:10'), to: iso('16:30'), minutes: 140 }],
      }),
    ]);
  });

  it('a gap shorter than --gap-minutes is no event of its own', () => {
    const { events } = feed([...minutes('14:00', 10, 1), ...minutes('14:19', 2, 1)]);
    expect(events).toEqual([]);
  });

  it('a change across a long gap gives the monitor-back event first, then the change with its window', () => {
    const { events } = feed([...minutes('14:00', 10, 0), ...minutes('17:47', 1, 1)]);
    expect(events.map((e) => [e.seq, e.kind, e.state])).toEqual([
      [1, 'monitor-back', 'on'],
      [2, 'power', 'on'],
    ]);
    expect(events[1]?.changeWindow).toEqual({ from: iso('14:10'), to: iso('17:47'), minutes: 217 });
  });

  it('ignores readings not after the last one (backfill, the same minute twice)', () => {
    const { state } = feed(minutes('10:00', 3, 1));
    const same = observeReading(state, at('10:02'), 0, OPTIONS);
    expect(same.events).toEqual([]);
    expect(same.ignored).toMatch(/not after/);
    expect(same.state).toBe(state);
    const older = observeReading(state, at('09:00'), 0, OPTIONS);
    expect(older.ignored).toBeDefined();
  });

  it('keeps at most MAX_GAPS gaps and counts the rest', () => {
    // One reading every other minute from 10:00: each leaves a one-minute gap.
    const everyOther = Array.from({ length: 2 * (MAX_GAPS + 5) }, (_, i) => i)
      .filter((i) => i % 2 === 0)
      .map((i): [string, 0 | 1] => [new Date(at('10:00').getTime() + i * 60_000).toISOString().slice(11, 16), 1]);
    const { state, events } = feed([...everyOther, ['11:00', 0]]);
    expect(state.gaps.length).toBeLessThanOrEqual(MAX_GAPS);
    const off = events.find((e) => e.kind === 'power');
    expect((off?.gaps.length ?? 0) + (off?.gapsOmitted ?? 0)).toBe(MAX_GAPS + 4);
    expect(off?.changeWindow?.from).toBe(iso('10:29'));
  });

  it('state survives a JSON round trip and rejects anything else', () => {
    const { state } = feed([...minutes('10:00', 3, 1), ...minutes('10:03', 1, 0)], { ...OPTIONS, debounce: 2 });
    expect(state.pending).toMatchObject({ state: 'off', count: 1 });
    expect(parsePowerState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(parsePowerState({ version: 2 })).toBeUndefined();
    expect(parsePowerState({ ...state, lastMinute: '10:00' })).toBeUndefined();
    expect(parsePowerState('x')).toBeUndefined();
  });

  it('forgets a last reading from a clock that ran ahead, so readings at the right time count again', () => {
    const { state } = feed([...minutes('10:00', 3, 1), ['23:50', 1]]);
    expect(state.lastMinute).toBe(iso('23:50'));
    const now = at('10:04');
    const rewound = forgetFuture(state, now);
    expect(rewound.lastMinute).toBeUndefined();
    expect(rewound.confirmed).toEqual({ state: 'on', since: iso('10:00'), sinceKnown: false });
    expect(rewound.gaps).toEqual([]);
    const off = observeReading(rewound, at('10:05'), 0, OPTIONS);
    expect(off.events).toEqual([expect.objectContaining({ kind: 'power', state: 'off', since: iso('10:05') })]);
    // A change dated in the future is forgotten with it: the next reading starts afresh.
    const changed = feed([...minutes('10:00', 3, 1), ['23:50', 0]]).state;
    expect(forgetFuture(changed, now).confirmed).toBeUndefined();
    // A state that is not ahead is returned as it is.
    expect(forgetFuture(off.state, at('10:05'))).toBe(off.state);
  });

  it('numbers events from the state, so a restarted state never reuses a queued number', () => {
    const { events } = feed([...minutes('10:00', 1, 1), ...minutes('10:01', 1, 0)], OPTIONS, initialPowerState(42));
    expect(events[0]?.seq).toBe(42);
  });
});
