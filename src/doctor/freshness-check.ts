/** Is the monitor actually recording? The newest stored minute for this device and pin. */
import { partitionKeysBetween, type Series } from '../domain/keys.js';
import type { MinuteRecord } from '../domain/records.js';
import { parseTimestamp } from '../domain/time.js';
import { formatLocalIso } from '../domain/zone.js';
import type { Store } from '../stores/store.js';
import { type CheckResult, fail, formatAge, ok } from './check.js';

export interface FreshnessInput {
  openStore: () => Promise<Store>;
  series: Series;
  now: Date;
  /** The zone the reading's time is shown in. */
  tz: string;
  /** Newer than this is fresh (5 minutes). */
  staleMs: number;
  /** How far back to look for the newest reading. */
  lookBackMs: number;
}

const FIX = 'check the schedule (cron or systemd timers) and logs/, then run blackout-read-pin --verbose';

function newest(records: Iterable<MinuteRecord[]>): Date | undefined {
  let best: Date | undefined;
  for (const list of records) {
    for (const record of list) {
      const ts = parseTimestamp(record.ts);
      if (ts && (!best || ts > best)) best = ts;
    }
  }
  return best;
}

export async function checkFreshness(input: FreshnessInput): Promise<CheckResult> {
  const { series, now } = input;
  const keys = partitionKeysBetween(
    'minutes',
    series,
    new Date(now.getTime() - input.lookBackMs),
    new Date(now.getTime() + 60_000),
  ).reverse();
  const store = await input.openStore();
  try {
    // The current and previous hour answer almost every time; the rest only when they are empty.
    let latest = newest((await store.readPartitions('minutes', keys.slice(0, 2))).values());
    if (!latest && keys.length > 2) latest = newest((await store.readPartitions('minutes', keys.slice(2))).values());
    const who = `device ${series.device} pin ${series.pin}`;
    if (!latest)
      return fail('freshness', `no reading stored for ${who} in the last ${formatAge(input.lookBackMs)}`, FIX);
    const age = now.getTime() - latest.getTime();
    const message = `newest reading for ${who} is ${formatAge(age)} old (${formatLocalIso(latest, input.tz)})`;
    return age > input.staleMs ? fail('freshness', message, FIX) : ok('freshness', message);
  } finally {
    await store.close().catch(() => undefined);
  }
}
