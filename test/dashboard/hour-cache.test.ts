/**
 * The server's cache of complete hours' minute states, on real SQLite files: the report it gives is
 * the report without it, byte for byte, before and after late readings are flushed, after
 * `import --replace` rewrites a reading, and after the next aggregate; and it is bounded.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/cli/period.js';
import { BoundedHourCache } from '../../src/dashboard/hour-cache.js';
import { closeServer, createDashboardServer, listen } from '../../src/dashboard/server.js';
import { partitionKeysBetween } from '../../src/domain/keys.js';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import type { HourStatesCache } from '../../src/report/load.js';
import { createReport, renderReport } from '../../src/report/report.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { tempDir } from '../support/cli.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { fetchRaw } from './http.js';

const log = silentLogger();
const FROM = new Date('2025-03-01T00:00:00Z');
// The day after the data: every hour of it is over.
const NOW = new Date('2025-03-03T00:30:00Z');
const PERIOD_QUERY = { from: '2025-03-01', to: '2025-03-02' };
const period = resolvePeriod(PERIOD_QUERY, 'UTC', NOW);

/** Two days: a 15-minute outage in every third hour, one reading in 97 missed (so most hours are mixed). */
const history = () =>
  generateMinutes(SERIES, FROM, 2 * 1440, (i) => {
    if (i % 97 === 0) return null;
    return Math.floor(i / 60) % 3 === 0 && i % 60 >= 10 && i % 60 < 25 ? 0 : 1;
  });

/** The hours of the history with an outage or a missed reading: neither all ON nor all OFF. */
const MIXED_HOURS = Array.from({ length: 48 }, (_, h) => h).filter(
  (h) => h % 3 === 0 || Array.from({ length: 60 }, (_, m) => h * 60 + m).some((i) => i % 97 === 0),
).length;

/** A reading for the minute `minutes` after FROM, stamped as cron stamps them. */
const readingAt = (minutes: number, reading: 0 | 1) =>
  minuteRecord(SERIES, formatTimestamp(new Date(FROM.getTime() + minutes * 60_000 + 3_241), 241_969), reading);

let temp: ReturnType<typeof tempDir>;
let writer: SqliteStore;
let reader: SqliteStore;

beforeEach(async () => {
  temp = tempDir('blackout-hour-cache-');
  const file = join(temp.dir, 'dev.sqlite');
  writer = new SqliteStore({ file });
  await writer.putMinutes(history());
  await aggregate(writer, SERIES, log);
  // The cache serves hours items that do not spell their minutes (by_minute): the Python version's.
  const dayPks = partitionKeysBetween('hours', SERIES, FROM, new Date(FROM.getTime() + 2 * 86_400_000));
  const hours = [...(await writer.readPartitions('hours', dayPks)).values()].flat();
  await writer.putAggregates(
    'hours',
    hours.map(({ by_minute, ...item }) => item),
  );
  // Another connection, as blackout-serve's: it sees the writer's commits as they happen.
  reader = new SqliteStore({ file, access: 'read' });
});

afterEach(async () => {
  await reader.close();
  await writer.close();
  temp.cleanup();
});

async function report(hourCache?: HourStatesCache) {
  const { report: built, stats } = await createReport(reader, {
    line: SERIES,
    mode: 'dev',
    period,
    source: 'auto',
    now: NOW,
    ...(hourCache ? { hourCache } : {}),
  });
  return { json: renderReport(built, 'json'), stats };
}

describe('the cache of complete hours (source auto)', () => {
  it('keeps the mixed hours it read; the next report reads none of them and is the same bytes', async () => {
    const cache = new BoundedHourCache();
    const uncached = await report();
    const first = await report(cache);
    expect(first.json).toBe(uncached.json);
    expect(MIXED_HOURS).toBeGreaterThan(24);
    expect(first.stats.minutePartitionsRead).toBe(MIXED_HOURS);
    expect(cache.size).toBe(MIXED_HOURS);
    const second = await report(cache);
    expect(second.stats.minutePartitionsRead).toBe(0);
    expect(second.stats.hoursFromMinutes).toBe(MIXED_HOURS);
    expect(second.json).toBe(uncached.json);
  });

  it('a late reading flushed into a kept hour is in the next report, and after the aggregate too', async () => {
    const cache = new BoundedHourCache();
    const before = (await report(cache)).json;
    // Minute 97 had no reading; it comes in late, as OFF.
    expect((await writer.putMinutes([readingAt(97, 0)])).stored).toHaveLength(1);
    const flushed = await report(cache);
    expect(flushed.json).not.toBe(before);
    expect(flushed.json).toBe((await report()).json);
    await aggregate(writer, SERIES, log);
    const aggregated = await report(cache);
    // Its hours item is rewritten, spelling its minutes now: drawn from it; the others from the cache.
    expect(aggregated.stats.minutePartitionsRead).toBe(0);
    expect(aggregated.stats.hoursFromMinutes).toBe(MIXED_HOURS - 1);
    expect(aggregated.json).toBe((await report()).json);
    expect(aggregated.json).not.toBe(before);
  });

  it('a reading rewritten by import --replace (replaceMinutes) is in the next report, and after the aggregate too', async () => {
    const cache = new BoundedHourCache();
    const before = (await report(cache)).json;
    // Minute 1500 (day 2, 01:00) was ON; the import says OFF.
    expect((await writer.replaceMinutes([readingAt(1500, 0)])).replaced).toHaveLength(1);
    const replaced = await report(cache);
    expect(replaced.json).not.toBe(before);
    expect(replaced.json).toBe((await report()).json);
    await aggregate(writer, SERIES, log);
    const aggregated = await report(cache);
    expect(aggregated.stats.minutePartitionsRead).toBe(0);
    expect(aggregated.stats.hoursFromMinutes).toBe(MIXED_HOURS - 1);
    expect(aggregated.json).toBe((await report()).json);
  });

  it('holds at most its capacity, the least recently used leaving first', () => {
    const cache = new BoundedHourCache(2);
    const states = new Uint8Array(60);
    cache.set('a', states);
    cache.set('b', states);
    expect(cache.get('a')).toBe(states); // a is now the most recently used
    cache.set('c', states);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(states);
    expect(cache.get('c')).toBe(states);
  });
});

describe('blackout-serve with the cache', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await closeServer(server);
    server = undefined;
  });

  it('/api/report follows a late reading and the aggregate after it, as a report without the cache', async () => {
    server = createDashboardServer({ store: reader, mode: 'dev', tz: 'UTC', webDir: temp.dir, now: () => NOW });
    const { port } = await listen(server, '127.0.0.1', 0);
    const path = `/api/report?device=${SERIES.device}&pin=${SERIES.pin}&from=${PERIOD_QUERY.from}&to=${PERIOD_QUERY.to}&tz=UTC`;
    const body = async () => {
      const answer = await fetchRaw(port, path);
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const before = await body();
    expect(before).toBe((await report()).json);
    expect(await body()).toBe(before);
    await writer.putMinutes([readingAt(97, 0)]);
    const flushed = await body();
    expect(flushed).not.toBe(before);
    expect(flushed).toBe((await report()).json);
    await aggregate(writer, SERIES, log);
    expect(await body()).toBe((await report()).json);
  });
});
