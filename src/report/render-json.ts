/** `--format json`: the stable shape documented in the README. */
import type { Report } from './model.js';

/** `onShare` to 4 decimals (0.9628): more digits would only repeat the minute counts next to it. */
function roundShare(share: number | null): number | null {
  return share === null ? null : Math.round(share * 10_000) / 10_000;
}

export function renderJson(report: Report): string {
  const { json } = report;
  return `${JSON.stringify({ ...json, totals: { ...json.totals, onShare: roundShare(json.totals.onShare) } }, null, 2)}\n`;
}
