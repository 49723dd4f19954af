/**
 * Power-change events from minute readings: a pure state machine, no I/O.
 *
 * The state remembers the confirmed power state and when it began, a pending change still being
 * debounced, the last minute that had a reading and the spans without readings (gaps) since the
 * confirmed state began, so an event can say honestly what the monitor did and did not see.
 * All times are whole UTC minutes as `toISOString()` strings, so they compare as text.
 */
import { floorToMinute, MINUTE_MS } from './time.js';

export type PowerStateName = 'on' | 'off';

/**
 * Minutes with no reading, as a power event carries them (reports use `ReadingGap`): `from` is the
 * first missing minute, `to` the minute of the next reading.
 */
export interface EventGap {
  from: string;
  to: string;
  minutes: number;
}

export type PowerEventKind = 'power' | 'monitor-back';

export interface PowerEvent {
  /** Stable across retries and re-derivations: receivers may de-duplicate on it. */
  id: string;
  /** Order of events for one device and pin. */
  seq: number;
  kind: PowerEventKind;
  device: string;
  pin: number;
  /** Power state now (for `monitor-back`: the first reading after the gap, not yet debounced). */
  state: PowerStateName;
  /** `power`: first minute of the new state. `monitor-back`: first minute with a reading after the gap. */
  since: string;
  /** The state before: for `monitor-back`, the confirmed state before the gap, if any. */
  previousState?: PowerStateName;
  previousSince?: string;
  /**
   * Set when the previous state began somewhere in a span without readings: it began between this
   * minute and `previousSince`.
   */
  previousSinceEarliest?: string;
  /** False when the previous state was already in place when monitoring began (its length is a lower bound). */
  previousSinceKnown?: boolean;
  /**
   * `power`: how long the previous state surely lasted: from `previousSince` to the last minute it was
   * seen (`since`, or the start of `changeWindow` when the change happened in a span without readings).
   */
  previousStateMinutes?: number;
  /** `power`: when either edge of the previous state fell in a span without readings, the most it can have lasted. */
  previousStateMinutesMax?: number;
  /** Spans without readings during the previous state (`power`) or the gap itself (`monitor-back`). */
  gaps: EventGap[];
  /** Gaps left out of `gaps` to keep the event small. */
  gapsOmitted: number;
  /** The change happened somewhere in this gap (no readings right before `since`): the exact minute is unknown. */
  changeWindow?: EventGap;
  /** `monitor-back`: length of the gap. */
  gapMinutes?: number;
  /** Minute of the reading that confirmed the event. */
  detectedAt: string;
}

export interface PowerState {
  version: 1;
  /** `earliestSince`: the change to this state happened in a span without readings that began then. */
  confirmed?: { state: PowerStateName; since: string; sinceKnown: boolean; earliestSince?: string };
  /** A change seen but not yet confirmed by `debounce` consecutive readings. */
  pending?: { state: PowerStateName; since: string; count: number; changeWindow?: EventGap };
  lastMinute?: string;
  /** Gaps since `confirmed.since` (oldest first, at most MAX_GAPS). */
  gaps: EventGap[];
  gapsOmitted: number;
  nextSeq: number;
  /**
   * Outages (confirmed OFF states) since this state began, for counters such as Prometheus': `count`
   * started (the one in place at the first reading included), `minutes` the ended ones lasted,
   * `lastMinutes` the length of the last ended one. Absent in states written before it was kept.
   */
  outages?: OutageTally;
}

export interface OutageTally {
  count: number;
  minutes: number;
  lastMinutes?: number;
}

export interface PowerEventOptions {
  device: string;
  pin: number;
  /** Consecutive readings that confirm a change (1 = the first changed reading). */
  debounce: number;
  /** A gap of at least this many minutes is reported as the monitor coming back. */
  gapMinutes: number;
}

export interface Observation {
  state: PowerState;
  events: PowerEvent[];
  /** Set when the reading was not used: it is not later than the last one (backfill, repeated minute). */
  ignored?: string;
}

export const MAX_GAPS = 10;

export function initialPowerState(nextSeq = 1): PowerState {
  return { version: 1, gaps: [], gapsOmitted: 0, nextSeq };
}

const minuteIso = (date: Date): string => floorToMinute(date).toISOString();
const minutesBetween = (from: string, to: string): number =>
  Math.round((Date.parse(to) - Date.parse(from)) / MINUTE_MS);
const stateName = (reading: 0 | 1): PowerStateName => (reading === 1 ? 'on' : 'off');

function eventId(options: PowerEventOptions, kind: PowerEventKind, state: PowerStateName, since: string): string {
  return `${options.device}:${options.pin}:${since.slice(0, 16)}:${kind === 'power' ? state : 'back'}`;
}

function addGap(state: PowerState, gap: EventGap): void {
  state.gaps.push(gap);
  while (state.gaps.length > MAX_GAPS) {
    state.gaps.shift();
    state.gapsOmitted++;
  }
}

/** Feeds one reading taken at `at` into the state; returns the new state and any events, oldest first. */
export function observeReading(
  previous: PowerState,
  at: Date,
  reading: 0 | 1,
  options: PowerEventOptions,
): Observation {
  const minute = minuteIso(at);
  if (previous.lastMinute !== undefined && minute <= previous.lastMinute) {
    return {
      state: previous,
      events: [],
      ignored: `minute ${minute} is not after the last reading ${previous.lastMinute}`,
    };
  }
  const state: PowerState = structuredClone(previous);
  const events: PowerEvent[] = [];
  const value = stateName(reading);
  const push = (event: Omit<PowerEvent, 'seq' | 'id' | 'device' | 'pin'>): void => {
    events.push({
      id: eventId(options, event.kind, event.state, event.since),
      seq: state.nextSeq++,
      device: options.device,
      pin: options.pin,
      ...event,
    });
  };

  let gapBefore: EventGap | undefined;
  if (state.lastMinute !== undefined) {
    const missing = minutesBetween(state.lastMinute, minute) - 1;
    if (missing >= 1) {
      gapBefore = {
        from: new Date(Date.parse(state.lastMinute) + MINUTE_MS).toISOString(),
        to: minute,
        minutes: missing,
      };
      addGap(state, gapBefore);
      if (missing >= options.gapMinutes) {
        push({
          kind: 'monitor-back',
          state: value,
          since: minute,
          ...(state.confirmed ? { previousState: state.confirmed.state } : {}),
          gaps: [gapBefore],
          gapsOmitted: 0,
          gapMinutes: missing,
          detectedAt: minute,
        });
      }
    }
  }
  state.lastMinute = minute;

  if (!state.confirmed) {
    // The first reading ever: the state is known from now on, but not when it began.
    state.confirmed = { state: value, since: minute, sinceKnown: false };
    if (value === 'off') state.outages = { ...tallyOf(state), count: tallyOf(state).count + 1 };
    return { state, events };
  }
  if (value === state.confirmed.state) {
    // A bounce shorter than the debounce is forgotten; its gaps stay with the confirmed state.
    delete state.pending;
    return { state, events };
  }
  if (state.pending?.state === value) {
    state.pending.count++;
  } else {
    state.pending = { state: value, since: minute, count: 1, ...(gapBefore ? { changeWindow: gapBefore } : {}) };
  }
  const pending = state.pending;
  if (pending.count < options.debounce) return { state, events };

  const before = state.confirmed;
  const window = pending.changeWindow;
  const previousGaps = state.gaps.filter((g) => g.to <= pending.since && g.from !== window?.from);
  // Either edge of the previous state may lie in a span without readings: then its length is a range.
  const uncertain = before.sinceKnown && (window !== undefined || before.earliestSince !== undefined);
  push({
    kind: 'power',
    state: value,
    since: pending.since,
    previousState: before.state,
    previousSince: before.since,
    ...(before.earliestSince ? { previousSinceEarliest: before.earliestSince } : {}),
    previousSinceKnown: before.sinceKnown,
    previousStateMinutes: minutesBetween(before.since, window?.from ?? pending.since),
    ...(uncertain
      ? { previousStateMinutesMax: minutesBetween(before.earliestSince ?? before.since, pending.since) }
      : {}),
    gaps: previousGaps,
    gapsOmitted: state.gapsOmitted,
    ...(window ? { changeWindow: window } : {}),
    detectedAt: minute,
  });
  const tally = tallyOf(state);
  if (value === 'off') state.outages = { ...tally, count: tally.count + 1 };
  else if (before.state === 'off') {
    const lasted = minutesBetween(before.since, window?.from ?? pending.since);
    state.outages = { ...tally, minutes: tally.minutes + lasted, lastMinutes: lasted };
  }
  state.confirmed = {
    state: value,
    since: pending.since,
    sinceKnown: true,
    ...(window ? { earliestSince: window.from } : {}),
  };
  state.gaps = state.gaps.filter((g) => g.from >= pending.since);
  state.gapsOmitted = 0;
  delete state.pending;
  return { state, events };
}

const tallyOf = (state: PowerState): OutageTally => state.outages ?? { count: 0, minutes: 0 };

/**
 * Outage minutes so far, the one going on included (through the last reading): grows by one a minute
 * during an outage and never jumps when it ends, so it can be exposed as a counter.
 */
export function outageMinutesSoFar(state: PowerState): number {
  const ended = tallyOf(state).minutes;
  const { confirmed, lastMinute } = state;
  if (confirmed?.state !== 'off' || lastMinute === undefined) return ended;
  // With a change back to ON still being debounced, its readings are not counted as outage yet.
  const through = state.pending?.state === 'on' ? (state.pending.changeWindow?.from ?? state.pending.since) : undefined;
  const upTo = through ?? new Date(Date.parse(lastMinute) + MINUTE_MS).toISOString();
  return ended + Math.max(0, minutesBetween(confirmed.since, upTo));
}

/** Outages started since the state began. */
export const outagesSoFar = (state: PowerState): number => tallyOf(state).count;

/** Length of the last ended outage, in minutes; undefined before one ended. */
export const lastOutageMinutes = (state: PowerState): number | undefined => state.outages?.lastMinutes;

/**
 * Forgets what a clock that ran ahead left in the state: a last reading (or a change) dated after
 * `now` would make every reading taken at the right time look old, and silence events until then.
 */
export function forgetFuture(previous: PowerState, now: Date): PowerState {
  const limit = minuteIso(now);
  if (previous.lastMinute === undefined || previous.lastMinute <= limit) return previous;
  const state = structuredClone(previous);
  delete state.lastMinute;
  delete state.pending;
  state.gaps = state.gaps.filter((g) => g.to <= limit);
  if (state.confirmed && state.confirmed.since > limit) delete state.confirmed;
  return state;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMinute = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/.test(v);
const isStateName = (v: unknown): v is PowerStateName => v === 'on' || v === 'off';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isGap(v: unknown): v is EventGap {
  return isObject(v) && isMinute(v.from) && isMinute(v.to) && isCount(v.minutes);
}

/** Checks a state read back from disk; `undefined` for anything that is not a state this code wrote. */
export function parsePowerState(raw: unknown): PowerState | undefined {
  if (!isObject(raw) || raw.version !== 1 || !isCount(raw.nextSeq) || !isCount(raw.gapsOmitted)) return undefined;
  if (!Array.isArray(raw.gaps) || !raw.gaps.every(isGap)) return undefined;
  if (raw.lastMinute !== undefined && !isMinute(raw.lastMinute)) return undefined;
  const { confirmed, pending } = raw;
  if (
    confirmed !== undefined &&
    !(
      isObject(confirmed) &&
      isStateName(confirmed.state) &&
      isMinute(confirmed.since) &&
      typeof confirmed.sinceKnown === 'boolean' &&
      (confirmed.earliestSince === undefined || isMinute(confirmed.earliestSince))
    )
  ) {
    return undefined;
  }
  const { outages } = raw;
  if (
    outages !== undefined &&
    !(
      isObject(outages) &&
      isCount(outages.count) &&
      isCount(outages.minutes) &&
      (outages.lastMinutes === undefined || isCount(outages.lastMinutes))
    )
  ) {
    return undefined;
  }
  if (
    pending !== undefined &&
    !(
      isObject(pending) &&
      isStateName(pending.state) &&
      isMinute(pending.since) &&
      isCount(pending.count) &&
      (pending.changeWindow === undefined || isGap(pending.changeWindow))
    )
  ) {
    return undefined;
  }
  return raw as unknown as PowerState;
}

/** Checks an event read back from the outbox. */
export function parsePowerEvent(raw: unknown): PowerEvent | undefined {
  if (!isObject(raw)) return undefined;
  const ok =
    typeof raw.id === 'string' &&
    isCount(raw.seq) &&
    (raw.kind === 'power' || raw.kind === 'monitor-back') &&
    typeof raw.device === 'string' &&
    isCount(raw.pin) &&
    isStateName(raw.state) &&
    isMinute(raw.since) &&
    isMinute(raw.detectedAt) &&
    Array.isArray(raw.gaps) &&
    raw.gaps.every(isGap) &&
    isCount(raw.gapsOmitted);
  return ok ? (raw as unknown as PowerEvent) : undefined;
}
