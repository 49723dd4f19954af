import { describe, expect, it } from 'vitest';
import type { PowerEvent } from '../../src/domain/power-events.js';
import { eventText, formatDuration, isDelayed, testText } from '../../src/notify/messages.js';

const backOn: PowerEvent = {
  id: 'flat:4:2025-06-21T14:45:on',
  seq: 2,
  kind: 'power',
  device: 'flat',
  pin: 4,
  state: 'on',
  since: '2025-06-21T14:45:00.000Z',
  previousState: 'off',
  previousSince: '2025-06-21T11:02:00.000Z',
  previousSinceKnown: true,
  previousStateMinutes: 223,
  gaps: [{ from: '2025-06-21T12:10:00.000Z', to: '2025-06-21T12:30:00.000Z', minutes: 20 }],
  gapsOmitted: 0,
  detectedAt: '2025-06-21T14:45:00.000Z',
};
const wentOff: PowerEvent = {
  ...backOn,
  id: 'flat:4:2025-06-21T11:02:off',
  seq: 1,
  state: 'off',
  since: '2025-06-21T11:02:00.000Z',
  previousState: 'on',
  previousSince: '2025-06-20T21:00:00.000Z',
  previousStateMinutes: 842,
  gaps: [],
  detectedAt: '2025-06-21T11:02:00.000Z',
};
const monitorBack: PowerEvent = {
  ...backOn,
  kind: 'monitor-back',
  id: 'flat:4:2025-06-21T14:47:back',
  since: '2025-06-21T14:47:00.000Z',
  previousState: 'off',
  gapMinutes: 157,
  gaps: [{ from: '2025-06-21T12:10:00.000Z', to: '2025-06-21T14:47:00.000Z', minutes: 157 }],
  detectedAt: '2025-06-21T14:47:00.000Z',
};
const KYIV = 'Europe/Kyiv'; // UTC+3 in June
const onTime = new Date('2025-06-21T14:45:30Z');

describe('message texts', () => {
  it('English, in the chosen time zone, with the gaps the monitor had', () => {
    expect(eventText(backOn, { lang: 'en', timeZone: KYIV, sentAt: onTime })).toBe(
      '🟢 Power back at 17:45 — flat. It went off at 14:02 and was off for 3 h 43 min; monitor had no readings 15:10–15:30.',
    );
    expect(eventText(wentOff, { lang: 'en', timeZone: KYIV, sentAt: new Date('2025-06-21T11:02:40Z') })).toBe(
      '🔴 Power OFF at 14:02 — flat. It was on for 14 h 2 min.',
    );
  });

  it('Ukrainian', () => {
    expect(eventText(backOn, { lang: 'uk', timeZone: KYIV, sentAt: onTime })).toBe(
      '🟢 Світло повернулося о 17:45 — flat. Зникло о 14:02, не було 3 год 43 хв; монітор не мав даних 15:10–15:30.',
    );
    expect(eventText(monitorBack, { lang: 'uk', timeZone: KYIV, sentAt: new Date('2025-06-21T14:47:10Z') })).toBe(
      "🔌 Монітор flat знову на зв'язку о 17:47 після 2 год 37 хв без даних (15:10–17:47). Зараз світло є.",
    );
  });

  it('a late message keeps the original time and says when it was sent', () => {
    const late = new Date('2025-06-21T15:03:00Z');
    expect(isDelayed(backOn, late)).toBe(true);
    expect(isDelayed(backOn, new Date('2025-06-21T14:49:59Z'))).toBe(false);
    expect(eventText(backOn, { lang: 'en', timeZone: KYIV, sentAt: late })).toMatch(
      /^🟢 Power back at 17:45 — .* \(delayed: sent 18:03\)$/,
    );
    expect(eventText(backOn, { lang: 'uk', timeZone: KYIV, sentAt: late })).toMatch(
      /\(із запізненням: надіслано 18:03\)$/,
    );
  });

  it('shows the date for times not on the day of sending; says when the exact minute is unknown', () => {
    const nextDay = new Date('2025-06-22T06:00:00Z');
    const text = eventText(
      { ...backOn, changeWindow: { from: '2025-06-21T14:10:00.000Z', to: backOn.since, minutes: 35 } },
      { lang: 'en', timeZone: 'UTC', sentAt: nextDay },
    );
    expect(text).toContain(
      'Power back between 2025-06-21 14:10 and 2025-06-21 14:45 (no readings then, exact minute unknown)',
    );
    expect(text).toContain('(delayed: sent 06:00)');
  });

  it('an outage whose start or end fell where there were no readings has a range for its length', () => {
    const uncertain: PowerEvent = {
      ...backOn,
      previousSinceEarliest: '2025-06-21T10:40:00.000Z',
      previousStateMinutes: 200,
      previousStateMinutesMax: 245,
    };
    expect(eventText(uncertain, { lang: 'en', timeZone: KYIV, sentAt: onTime })).toBe(
      '🟢 Power back at 17:45 — flat. It went off between 13:40 and 14:02 and was off for 3 h 20 min to 4 h 5 min; monitor had no readings 15:10–15:30.',
    );
    expect(eventText(uncertain, { lang: 'uk', timeZone: KYIV, sentAt: onTime })).toBe(
      '🟢 Світло повернулося о 17:45 — flat. Зникло між 13:40 і 14:02, не було від 3 год 20 хв до 4 год 5 хв; монітор не мав даних 15:10–15:30.',
    );
  });

  it('a state already in place when monitoring began is "at least"', () => {
    const text = eventText(
      { ...wentOff, previousSinceKnown: false },
      { lang: 'en', timeZone: 'UTC', sentAt: new Date('2025-06-21T11:02:00Z') },
    );
    expect(text).toBe('🔴 Power OFF at 11:02 — flat. It was on for at least 14 h 2 min (since monitoring began).');
  });

  it('durations and the test message', () => {
    expect(formatDuration(45, 'en')).toBe('45 min');
    expect(formatDuration(60, 'en')).toBe('1 h');
    expect(formatDuration(3 * 1440 + 125, 'uk')).toBe('3 дн 2 год');
    expect(testText('flat', 4, { lang: 'uk', timeZone: 'UTC', sentAt: onTime })).toContain('Тестове сповіщення');
  });
});

describe('the schedule in an outage message (--notify-unplanned)', () => {
  const offTime = new Date('2025-06-21T11:02:30Z');
  const options = (lang: 'en' | 'uk', schedule: Parameters<typeof eventText>[1]['schedule']) => ({
    lang,
    timeZone: KYIV,
    sentAt: offTime,
    schedule,
  });
  const unplanned = { group: '2.1', window: null };
  const planned = { group: '2.1', window: { start: '2025-06-21T11:00:00.000Z', end: '2025-06-21T14:00:00.000Z' } };
  const toMidnight = { group: null, window: { start: '2025-06-21T18:00:00.000Z', end: '2025-06-21T21:00:00.000Z' } };

  it('says not in the schedule for the group, or the window that planned it', () => {
    expect(eventText(wentOff, options('en', unplanned))).toMatch(
      /^🔴 Power OFF at 14:02 — not in the schedule for group 2\.1 — flat\. It was on for/,
    );
    expect(eventText(wentOff, options('en', planned))).toMatch(/^🔴 Power OFF at 14:02 — planned 14:00–17:00 — flat\./);
    expect(eventText(wentOff, options('uk', unplanned))).toMatch(
      /^🔴 Світло зникло о 14:02 — не за графіком для групи 2\.1 — flat\./,
    );
    expect(eventText(wentOff, options('uk', planned))).toMatch(
      /^🔴 Світло зникло о 14:02 — за графіком 14:00–17:00 — flat\./,
    );
  });

  it('a window ending at local midnight ends 00:00; no group, no group named', () => {
    expect(eventText(wentOff, options('en', toMidnight))).toMatch(/ — planned 21:00–00:00 — flat\./);
    expect(eventText(wentOff, options('en', { group: null, window: null }))).toMatch(/ — not in the schedule — flat\./);
  });

  it('says nothing of the schedule when power comes back, or without a note', () => {
    expect(eventText(backOn, { ...options('en', unplanned), sentAt: onTime })).not.toContain('schedule');
    expect(eventText(wentOff, options('en', undefined))).toMatch(/^🔴 Power OFF at 14:02 — flat\./);
  });
});
