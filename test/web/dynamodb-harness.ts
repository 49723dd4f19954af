/**
 * Test-only page script: opens the DynamoDB source from `params.json` (same origin) in the browser,
 * loads each asked range and writes what it got into the page as JSON, for the test to compare with
 * what Node computes from the same tables.
 */
import type { DynamoWebConfig, MinuteDetail } from '../../src/dashboard/contract.js';
import type { Series } from '../../src/domain/keys.js';
import { countMinutes, runs } from '../../src/domain/outages.js';
import { buildReport } from '../../src/report/model.js';
import { createDynamoSource } from '../../src/web/dynamodb-source.js';

export interface HarnessRange {
  name: string;
  from: string;
  to: string;
  tz: string;
  now: string;
  /** As the days view asks: counts per hour are enough. */
  detail?: MinuteDetail;
}

export interface HarnessParams {
  config: DynamoWebConfig;
  ranges: HarnessRange[];
}

export interface HarnessRangeResult {
  name: string;
  runs: [number, number][];
  counts: ReturnType<typeof countMinutes>;
  unresolved: number;
  monitoringSince: string | null;
  status: unknown;
}

/** What Node and the browser both compute from minute states: the report model's status and counts. */
export function summarize(
  line: Series,
  mode: string,
  range: HarnessRange,
  loaded: { minuteStates: Parameters<typeof countMinutes>[0]; monitoringSince?: Date },
): HarnessRangeResult {
  const from = new Date(range.from);
  const to = new Date(range.to);
  const report = buildReport({
    line,
    mode,
    period: { from, to, kind: 'range', tz: range.tz },
    source: 'auto',
    minuteStates: loaded.minuteStates,
    now: new Date(range.now),
    monitoringSince: loaded.monitoringSince,
  });
  return {
    name: range.name,
    runs: runs(loaded.minuteStates).map((r) => [r.state, r.length]),
    counts: countMinutes(loaded.minuteStates),
    unresolved: loaded.minuteStates.unresolved.length,
    monitoringSince: loaded.monitoringSince?.toISOString() ?? null,
    status: report.json.status,
  };
}

interface PageDocument {
  body: { setAttribute(name: string, value: string): void; textContent: string | null };
}

async function main(): Promise<void> {
  const page = (globalThis as unknown as { document: PageDocument }).document;
  try {
    const params = (await (await fetch('params.json')).json()) as HarnessParams;
    const source = await createDynamoSource(params.config);
    const [line] = await source.series();
    if (!line) throw new Error('no series');
    const results: HarnessRangeResult[] = [];
    for (const range of params.ranges) {
      const loaded = await source.minuteStates(line, {
        from: new Date(range.from),
        to: new Date(range.to),
        tz: range.tz,
        now: new Date(range.now),
        ...(range.detail ? { detail: range.detail } : {}),
      });
      results.push(summarize(line, params.config.mode, range, loaded));
    }
    page.body.textContent = JSON.stringify({ results, calendarUrl: source.calendarUrl(line) ?? null });
    page.body.setAttribute('data-done', 'ok');
  } catch (error) {
    page.body.textContent = JSON.stringify({ error: String(error) });
    page.body.setAttribute('data-done', 'error');
  }
}

if ((globalThis as { document?: unknown }).document) void main();
