/** The schedule formats, told apart by their content unless --schedule-format says which. */
import type { Plan, ScheduleFormat } from '../../domain/schedule.js';
import { icalAdapter } from './ical.js';
import { outageDataUaAdapter } from './outage-data-ua.js';
import { type PlanRequest, type ScheduleAdapter, ScheduleError } from './source.js';
import { yasnoAdapter } from './yasno.js';

export type { PlanRequest } from './source.js';
export { ScheduleError } from './source.js';

const ADAPTERS: readonly ScheduleAdapter[] = [icalAdapter, outageDataUaAdapter, yasnoAdapter];

export function detectFormat(text: string): ScheduleFormat {
  const adapter = ADAPTERS.find((a) => a.recognizes(text));
  if (!adapter) {
    throw new ScheduleError(
      'not a schedule format this tool reads (iCalendar, Yasno JSON or outage-data-ua JSON); see --schedule-format',
    );
  }
  return adapter.format;
}

/** The plan in `text`, in `format` or the detected one. */
export function parsePlan(text: string, request: PlanRequest, format?: ScheduleFormat): Plan {
  const chosen = format ?? detectFormat(text);
  const adapter = ADAPTERS.find((a) => a.format === chosen);
  if (!adapter) throw new ScheduleError(`unknown schedule format ${chosen}`);
  if (format !== undefined && !adapter.recognizes(text)) {
    throw new ScheduleError(`not ${format}: the source does not look like that format`);
  }
  return adapter.parse(text, request);
}
