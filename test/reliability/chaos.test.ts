/**
 * The short chaos run (30 read-pin runs per store, killed at random, faults on): nothing lost,
 * duplicated or wrong. The full run is `npm run chaos` (figures in doc/reliability.md).
 */
import { describe, expect, it } from 'vitest';
import { chaosPassed, runChaos, summaryLine } from '../../scripts/chaos.js';

describe.each(['sqlite', 'dynamodb'] as const)('chaos on %s (short)', (store) => {
  it('30 runs, some SIGKILLed, store faults on: lost = duplicated = wrong = 0', { timeout: 300_000 }, async () => {
    const report = await runChaos({ store, runs: 30, seed: 20251 });
    console.info(summaryLine(report));
    expect(report.detail.problems).toEqual([]);
    expect(report).toMatchObject({ runs: 30, lost: 0, duplicated: 0, wrong: 0 });
    expect(report.kills).toBeGreaterThan(0);
    expect(report.faultsInjected).toBeGreaterThan(0);
    expect(report.detail.recordedRuns).toBeGreaterThan(0);
    expect(chaosPassed(report)).toBe(true);
  });
});
