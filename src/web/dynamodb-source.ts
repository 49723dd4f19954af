/**
 * The dashboard's data straight from DynamoDB (the seed's design): the browser reads the minutes,
 * hours and days tables of one mode with the project's own adapter and report loader, as a reader
 * (Query and GetItem only, never Scan, never a write). The app imports this module lazily, so the
 * SDK is loaded only in this mode.
 */
import type { DashboardSource, DynamoWebConfig } from '../dashboard/contract.js';
import type { Series } from '../domain/keys.js';
import { loadMinuteStates } from '../report/load.js';
import { DynamoStore } from '../stores/dynamodb/dynamodb-store.js';
import { bySeries } from '../stores/store.js';
import { type GuestEndpoints, webCredentials } from './guest-credentials.js';

export async function createDynamoSource(
  config: DynamoWebConfig,
  endpoints: GuestEndpoints = {},
): Promise<DashboardSource> {
  if (!config.region) throw new Error('config.json: "region" is missing');
  if (!Array.isArray(config.series) || config.series.length === 0) {
    throw new Error('config.json: "series" lists no device/pin: the dashboard never scans the tables for them');
  }
  const store = new DynamoStore({
    mode: config.mode,
    access: 'read',
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    credentials: webCredentials(config, endpoints),
    // A page has no cron deadline, but a phone on a bad network must not wait forever per attempt.
    requestTimeoutMs: 10_000,
    // Half the read cost; a reading shows up at most a second or so later.
    consistentRead: false,
  });
  const series: Series[] = config.series.map((s) => ({ device: s.device, pin: s.pin })).sort(bySeries);
  return {
    kind: 'dynamodb',
    series: async () => series,
    minuteStates: async (line, range, signal) => {
      // The whole range in one call: one hours partition per UTC day, minutes only where needed. For
      // counts per hour the hours items are enough: a mixed hour stays a block of counts instead of
      // costing a query of its minutes (a 30-day view: ~34 queries instead of ~150 with daily outages).
      const loaded = await loadMinuteStates(store, {
        series: line,
        from: range.from,
        to: range.to,
        tz: range.tz,
        source: range.detail === 'hours' ? 'aggregated' : 'auto',
        now: range.now,
        ...(signal ? { signal } : {}),
      });
      return {
        minuteStates: loaded.minuteStates,
        ...(loaded.monitoringSince ? { monitoringSince: loaded.monitoringSince } : {}),
      };
    },
    calendarUrl: () => undefined,
  };
}
