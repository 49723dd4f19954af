/** createDynamoSource's own rules, in Node against dynalite (the browser run is dynamodb-source.test.ts). */
import { describe, expect, it } from 'vitest';
import type { DynamoWebConfig } from '../../src/dashboard/contract.js';
import { countMinutes } from '../../src/domain/outages.js';
import { createDynamoSource } from '../../src/web/dynamodb-source.js';
import { useDynalite } from '../support/dynalite.js';

const dynalite = useDynalite();
const config = (): DynamoWebConfig => ({
  source: 'dynamodb',
  mode: 'web-node',
  region: 'us-east-1',
  endpoint: dynalite().endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  series: [
    { device: 'flat_2', pin: 17 },
    { device: 'alex_rpi', pin: 4 },
    { device: 'alex_rpi', pin: 3 },
  ],
});
const NOW = new Date('2025-11-20T12:34:00Z');
const range = { from: new Date('2025-11-20T00:00:00Z'), to: new Date('2025-11-21T00:00:00Z'), tz: 'UTC', now: NOW };

describe('createDynamoSource', () => {
  it('lists the configured series sorted, and has no calendar URL', async () => {
    const source = await createDynamoSource(config());
    expect(source.kind).toBe('dynamodb');
    expect(await source.series()).toEqual([
      { device: 'alex_rpi', pin: 3 },
      { device: 'alex_rpi', pin: 4 },
      { device: 'flat_2', pin: 17 },
    ]);
    expect(source.calendarUrl({ device: 'alex_rpi', pin: 4 })).toBeUndefined();
  });

  it('finds nothing in tables that do not exist (a reader creates none): the day is not monitored', async () => {
    const source = await createDynamoSource(config());
    const { minuteStates, monitoringSince } = await source.minuteStates({ device: 'alex_rpi', pin: 4 }, range);
    // Up to 12:34 not monitored (no reading before either), the rest of the day still to come.
    expect(countMinutes(minuteStates)).toMatchObject({ notMonitored: 754, pending: 686, on: 0, off: 0, unknown: 0 });
    expect(monitoringSince).toBeUndefined();
  });

  it("stops when the caller's signal fires", async () => {
    const source = await createDynamoSource(config());
    const error = await source
      .minuteStates({ device: 'alex_rpi', pin: 4 }, range, AbortSignal.abort())
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });
});
