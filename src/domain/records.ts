/**
 * The items stored in the three tables, field for field as the Python version writes them.
 */
import { itemKey, parseItemKey, type Series, statusKey, type Table } from './keys.js';
import { canonicalTimestamp, parseTimestamp } from './time.js';

export type Reading = 0 | 1;

/** One minute reading: 1 = grid power present, 0 = no power. */
export interface MinuteRecord {
  pk: string;
  sk: string;
  pk_status: string;
  /** When the pin was read, `2025-06-21T19:00:03.241969+00:00`. */
  ts: string;
  reading: Reading;
}

/** An hours or days item: minute counts for one hour or one UTC day. */
export interface AggregateRecord {
  pk: string;
  sk: string;
  pk_status: string;
  /** When the aggregate was computed. */
  ts: string;
  on: number;
  off: number;
  /** expected − on − off: minutes with no reading at all. */
  unknown: number;
  /** 60 for an hour, 1440 for a day. */
  expected: number;
  /** Number of minute readings behind the item (on + off). */
  count: number;
  /**
   * Hours only, written by this version's aggregate: the hour's minutes in order, `1` power, `0` no
   * power, `-` no reading (domain/aggregate.ts, statesByMinute). Absent from the Python version's items.
   */
  by_minute?: string;
}

export type AggregateTable = Exclude<Table, 'minutes'>;

export type RecordOf<T extends Table> = T extends 'minutes' ? MinuteRecord : AggregateRecord;

/** Builds the minute item for a reading taken at `ts` (a timestamp in the Python version's format). */
export function minuteRecord(series: Series, ts: string, reading: Reading): MinuteRecord {
  const instant = parseTimestamp(ts);
  const canonical = canonicalTimestamp(ts);
  if (!instant || !canonical) throw new Error(`invalid timestamp ${JSON.stringify(ts)}`);
  return { ...itemKey('minutes', series, instant), pk_status: statusKey(series, 'new'), ts: canonical, reading };
}

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Readings as the Python version may have written them: 0/1, true/false or "0"/"1". */
function toReading(value: unknown): Reading | undefined {
  if (value === 1 || value === true || value === '1') return 1;
  if (value === 0 || value === false || value === '0') return 0;
  return undefined;
}

/**
 * Validates a buffered minute item (ours or the Python version's) and returns it in canonical form.
 * The key must agree with the timestamp and with the expected series, so a stray or edited file
 * can never land in another minute or another device's data.
 */
export function validateMinuteRecord(raw: unknown, expected?: Series): Validation<MinuteRecord> {
  if (!isObject(raw)) return { ok: false, reason: 'not a JSON object' };
  const { pk, sk, pk_status, ts, reading } = raw;
  if (typeof pk !== 'string' || typeof sk !== 'string' || typeof ts !== 'string') {
    return { ok: false, reason: 'pk, sk and ts must be strings' };
  }
  const key = parseItemKey('minutes', { pk, sk });
  if (!key) return { ok: false, reason: `malformed key ${pk} / ${sk}` };
  const instant = parseTimestamp(ts);
  if (!instant) return { ok: false, reason: `malformed ts ${JSON.stringify(ts)}` };
  const value = toReading(reading);
  if (value === undefined) return { ok: false, reason: `reading must be 0 or 1, got ${JSON.stringify(reading)}` };
  const canonical = minuteRecord(key.series, ts, value);
  if (canonical.pk !== pk || canonical.sk !== sk) {
    return { ok: false, reason: `key ${pk} / ${sk} does not match ts ${ts}` };
  }
  if (expected && (key.series.device !== expected.device || key.series.pin !== expected.pin)) {
    return {
      ok: false,
      reason: `belongs to device ${key.series.device} pin ${key.series.pin}, not ${expected.device} pin ${expected.pin}`,
    };
  }
  if (pk_status !== undefined && pk_status !== canonical.pk_status && pk_status !== statusKey(key.series, 'done')) {
    return { ok: false, reason: `pk_status ${JSON.stringify(pk_status)} does not match the key` };
  }
  return { ok: true, value: canonical };
}

/**
 * Two stored minutes are the same reading when stamp and value agree (a re-flushed file). Stamps
 * compare as instants: the Python version stored `…:03+00:00` where this one writes `…:03.000000+00:00`.
 */
export function sameReading(a: MinuteRecord, b: MinuteRecord): boolean {
  return a.reading === b.reading && (a.ts === b.ts || canonicalTimestamp(a.ts) === canonicalTimestamp(b.ts));
}
