/** `--format json`: the stable shape documented in the README. */
import type { PlanTotals } from '../domain/schedule.js';
import type { Report } from './model.js';

/** `onShare` to 4 decimals (0.9628): more digits would only repeat the minute counts next to it. */
function roundShare(share: number | null): number | null {
  return share === null ? null : Math.round(share * 10_000) / 10_000;
}

const roundTenth = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

function roundPlanTotals<T extends PlanTotals>(t: T): T {
  return { ...t, planShare: roundShare(t.planShare), averageStartDelayMinutes: roundTenth(t.averageStartDelayMinutes) };
}

export function renderJson(report: Report): string {
  const { json } = report;
  const schedule = json.schedule && {
    ...json.schedule,
    days: json.schedule.days.map(roundPlanTotals),
    totals: roundPlanTotals(json.schedule.totals),
  };
  const shown = { ...json, totals: { ...json.totals, onShare: roundShare(json.totals.onShare) } };
  return `${JSON.stringify(schedule ? { ...shown, schedule } : shown, null, 2)}\n`;
}
