/**
 * The Python version's key formats, one function each. Every pk/sk/pk_status string in the project is built
 * and parsed here and nowhere else.
 *
 *   minutes: pk device#<d>#sensor#<p>#date#YYYY-MM-DD-HH  sk time#MM
 *   hours:   pk device#<d>#sensor#<p>#date#YYYY-MM-DD     sk time#HH
 *   days:    pk device#<d>#sensor#<p>#date#YYYY-MM        sk time#DD
 *   index:   pk_status device#<d>#sensor#<p>#status#new|done
 *
 * and this version's series registry (DynamoDB only, in the minutes table, see `registryKey`):
 *
 *   series:  pk registry#series  sk device#<d>#sensor#<p>                 (one per series)
 *   month:   pk registry#series  sk device#<d>#sensor#<p>#date#YYYY-MM    (readings of that days partition)
 */
import { zeroPad } from './format.js';
import {
  addUtcMonths,
  DAY_MS,
  daysInUtcMonth,
  floorToDay,
  floorToHour,
  floorToMonth,
  HOUR_MS,
  MINUTE_MS,
  utcDate,
  utcMonth,
} from './time.js';

export type Table = 'minutes' | 'hours' | 'days';
export const TABLES: readonly Table[] = ['minutes', 'hours', 'days'];
export type Status = 'new' | 'done';

/** One monitored line: a device alias and the GPIO (BCM) pin it reads. */
export interface Series {
  device: string;
  pin: number;
}

export interface ItemKey {
  pk: string;
  sk: string;
}

/** An item's key as one string, `pk sk`: for sets of keys and for log lines. */
export const keyText = (key: ItemKey): string => `${key.pk} ${key.sk}`;

export function seriesPrefix(series: Series): string {
  return `device#${series.device}#sensor#${series.pin}`;
}

const SERIES_RE = /^device#([^#]+)#sensor#(0|[1-9]\d*)(?=#|$)/;

/** The series a key (pk, pk_status or registry sk) belongs to, or undefined when it names none. */
export function seriesOfKey(key: string): Series | undefined {
  const m = SERIES_RE.exec(key);
  return m ? { device: m[1] ?? '', pin: Number(m[2]) } : undefined;
}

/**
 * The pk range holding every minute, hour or day partition of the series: `start` ≤ pk < `end` (`$` is
 * the character after `#`, so no other series' keys fall between).
 */
export function seriesKeyRange(series: Series): { start: string; end: string } {
  return { start: `${seriesPrefix(series)}#date#`, end: `${seriesPrefix(series)}#date$` };
}

/**
 * The partition of the series registry. The Python version only ever builds `device#…` keys and queries
 * the status index, which registry items (no pk_status, no ts) are not in: it never reads them.
 */
export const REGISTRY_PK = 'registry#series';

/** A registry item's key: the series' own item, or with `daysPk` the one counting that month's readings. */
export function registryKey(series: Series, daysPk?: string): ItemKey {
  return { pk: REGISTRY_PK, sk: daysPk ?? seriesPrefix(series) };
}

/** What a registry sort key names: the series, and the days partition for a month's item. */
export function parseRegistryKey(sk: string): { series: Series; daysPk?: string } | undefined {
  const series = seriesOfKey(sk);
  if (!series) return undefined;
  if (sk === seriesPrefix(series)) return { series };
  return parsePartitionKey('days', sk) ? { series, daysPk: sk } : undefined;
}

export function statusKey(series: Series, status: Status): string {
  return `${seriesPrefix(series)}#status#${status}`;
}

/** Flips `…#status#new` to `…#status#done` (or back) without re-deriving the series. */
export function withStatus(pkStatus: string, status: Status): string {
  return pkStatus.replace(/#status#(new|done)$/, `#status#${status}`);
}

export function statusOf(pkStatus: string): Status | undefined {
  const m = /#status#(new|done)$/.exec(pkStatus);
  return m ? (m[1] as Status) : undefined;
}

interface Layout {
  /** Length of one item's bucket in ms (month buckets are handled by the day layout's partition). */
  partitionLabel(start: Date): string;
  bucketIndex(start: Date): number;
  floorPartition(date: Date): Date;
  nextPartition(start: Date): Date;
  floorBucket(date: Date): Date;
  labelRe: RegExp;
  /** Start of the partition given its label's numbers. */
  partitionStart(labelParts: number[]): Date;
  /** Start (ms) of the bucket with sk index `index` in the partition starting at `start`; undefined when there is none. */
  bucketStart(start: Date, index: number): number | undefined;
}

const LAYOUTS: Record<Table, Layout> = {
  minutes: {
    partitionLabel: (d) => `${utcDate(d)}-${zeroPad(d.getUTCHours())}`,
    bucketIndex: (d) => d.getUTCMinutes(),
    floorPartition: floorToHour,
    nextPartition: (d) => new Date(d.getTime() + HOUR_MS),
    floorBucket: (d) => new Date(Math.floor(d.getTime() / MINUTE_MS) * MINUTE_MS),
    labelRe: /^(\d{4})-(\d{2})-(\d{2})-(\d{2})$/,
    partitionStart: ([y = 0, m = 1, d = 1, h = 0]) => new Date(Date.UTC(y, m - 1, d, h)),
    // Buckets are even within a UTC partition: a step from its start, no calendar arithmetic.
    bucketStart: (start, i) => (i < 60 ? start.getTime() + i * MINUTE_MS : undefined),
  },
  hours: {
    partitionLabel: utcDate,
    bucketIndex: (d) => d.getUTCHours(),
    floorPartition: floorToDay,
    nextPartition: (d) => new Date(d.getTime() + DAY_MS),
    floorBucket: floorToHour,
    labelRe: /^(\d{4})-(\d{2})-(\d{2})$/,
    partitionStart: ([y = 0, m = 1, d = 1]) => new Date(Date.UTC(y, m - 1, d)),
    bucketStart: (start, i) => (i < 24 ? start.getTime() + i * HOUR_MS : undefined),
  },
  days: {
    partitionLabel: utcMonth,
    bucketIndex: (d) => d.getUTCDate(),
    floorPartition: floorToMonth,
    nextPartition: (d) => addUtcMonths(d, 1),
    floorBucket: floorToDay,
    labelRe: /^(\d{4})-(\d{2})$/,
    partitionStart: ([y = 0, m = 1]) => new Date(Date.UTC(y, m - 1, 1)),
    bucketStart: (start, i) => (i >= 1 && i <= daysInUtcMonth(start) ? start.getTime() + (i - 1) * DAY_MS : undefined),
  },
};

/** The partition key of `table` holding the bucket that contains `instant`. */
export function partitionKey(table: Table, series: Series, instant: Date): string {
  const layout = LAYOUTS[table];
  return `${seriesPrefix(series)}#date#${layout.partitionLabel(layout.floorPartition(instant))}`;
}

/** The full key of the `table` item whose bucket contains `instant`. */
export function itemKey(table: Table, series: Series, instant: Date): ItemKey {
  const layout = LAYOUTS[table];
  return {
    pk: partitionKey(table, series, instant),
    sk: `time#${zeroPad(layout.bucketIndex(layout.floorBucket(instant)))}`,
  };
}

export interface ParsedKey {
  series: Series;
  /** UTC start of the item's bucket (minute, hour or day). */
  start: Date;
}

const PK_RE = /^device#([^#]+)#sensor#(\d+)#date#([0-9-]+)$/;
const SK_RE = /^time#(\d{2})$/;

/** Parses a partition key; returns the series and the UTC start of the partition, or undefined. */
export function parsePartitionKey(table: Table, pk: string): ParsedKey | undefined {
  const m = PK_RE.exec(pk);
  if (!m) return undefined;
  const layout = LAYOUTS[table];
  const label = layout.labelRe.exec(m[3] ?? '');
  if (!label) return undefined;
  const start = layout.partitionStart(label.slice(1).map(Number));
  if (layout.partitionLabel(start) !== m[3]) return undefined;
  return { series: { device: m[1] ?? '', pin: Number(m[2]) }, start };
}

/** A parsed partition key: the last one itemStartMs saw. */
interface ParsedPartition {
  table: Table;
  pk: string;
  partition: ParsedKey | undefined;
}
// Items come partition by partition (a report reads 60 minutes per pk): the pk is parsed once for all of them.
let lastPartition: ParsedPartition | undefined;

function partitionOfItem(table: Table, pk: string): ParsedPartition {
  if (lastPartition && lastPartition.table === table && lastPartition.pk === pk) return lastPartition;
  lastPartition = { table, pk, partition: parsePartitionKey(table, pk) };
  return lastPartition;
}

/**
 * The UTC start (ms) of a full item key's bucket; undefined when either part is malformed or the bucket
 * does not exist. What parseItemKey says without the objects: a report places tens of thousands of minutes.
 */
export function itemStartMs(table: Table, key: ItemKey): number | undefined {
  const { partition } = partitionOfItem(table, key.pk);
  const skMatch = SK_RE.exec(key.sk);
  return partition && skMatch ? LAYOUTS[table].bucketStart(partition.start, Number(skMatch[1])) : undefined;
}

/** Parses a full item key; undefined when either part is malformed or the bucket does not exist. */
export function parseItemKey(table: Table, key: ItemKey): ParsedKey | undefined {
  const start = itemStartMs(table, key);
  // The partition was parsed (and kept) by itemStartMs just now.
  const { partition } = partitionOfItem(table, key.pk);
  // A fresh series object each time, as before: callers may keep or change what they get.
  return start === undefined || !partition ? undefined : { series: { ...partition.series }, start: new Date(start) };
}

/**
 * The table one level up and the key of the item that rolls up a whole partition:
 * an hour's minutes become one hours item, a day's hours one days item.
 */
export function rollupKey(table: 'minutes' | 'hours', pk: string): ItemKey | undefined {
  const parsed = parsePartitionKey(table, pk);
  if (!parsed) return undefined;
  return itemKey(table === 'minutes' ? 'hours' : 'days', parsed.series, parsed.start);
}

/** Every partition key of `table` whose partition overlaps [from, to). */
export function partitionKeysBetween(table: Table, series: Series, from: Date, to: Date): string[] {
  const layout = LAYOUTS[table];
  const keys: string[] = [];
  for (let p = layout.floorPartition(from); p < to; p = layout.nextPartition(p)) {
    keys.push(`${seriesPrefix(series)}#date#${layout.partitionLabel(p)}`);
  }
  return keys;
}
