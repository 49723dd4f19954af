/** `--format json`: the stable shape documented in the README. */
import type { Report } from './model.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report.json, null, 2)}\n`;
}
