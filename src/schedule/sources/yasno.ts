/**
 * Yasno's planned-outages JSON (Kyiv, Dnipro): per group key (`"2.1"`) the days `today` and
 * `tomorrow`, each `{ date, status, slots: [{ start, end, type }] }` with start/end in minutes from
 * local midnight (Europe/Kyiv) and type `Definite` (an outage) or `NotPlanned`; `updatedOn`.
 * A day is a plan only with status `ScheduleApplies`; any other status (`WaitingForSchedule`,
 * `EmergencyShutdowns`) gives no windows for that day, and says so.
 */
import { type Coverage, normalizeWindows, type Plan, type PlannedWindow } from '../../domain/schedule.js';
import { isRecord, jsonOf, type ScheduleAdapter, ScheduleError, unknownGroup } from './source.js';
import { KYIV, localDaySpan, wallClockInstant } from './wall-clock.js';

const DAY_KEYS = ['today', 'tomorrow'] as const;
const LOCAL_DATE = /^(\d{4}-\d{2}-\d{2})/;

const isGroupEntry = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && DAY_KEYS.some((k) => isRecord(value[k]));

function parseTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

export const yasnoAdapter: ScheduleAdapter = {
  format: 'yasno',
  recognizes(text) {
    const json = jsonOf(text);
    return isRecord(json) && Object.values(json).some(isGroupEntry);
  },
  parse(text, request): Plan {
    const json = jsonOf(text);
    if (!isRecord(json)) throw new ScheduleError('not a Yasno schedule: not a JSON object');
    const groups = Object.keys(json).filter((k) => isGroupEntry(json[k]));
    const entry = request.group === undefined ? undefined : json[request.group];
    if (request.group === undefined || !isGroupEntry(entry)) throw unknownGroup(request.group, groups);
    const group = request.group;
    const windows: PlannedWindow[] = [];
    const coverage: Coverage[] = [];
    const notes: string[] = [];
    for (const key of DAY_KEYS) {
      const day = entry[key];
      if (day === undefined) continue;
      if (!isRecord(day)) throw new ScheduleError(`group ${group} ${key}: not an object`);
      const date = typeof day.date === 'string' ? LOCAL_DATE.exec(day.date)?.[1] : undefined;
      if (date === undefined) throw new ScheduleError(`group ${group} ${key}: no date (YYYY-MM-DD…)`);
      if (day.status !== 'ScheduleApplies') {
        const status = typeof day.status === 'string' ? day.status : 'no status';
        notes.push(`${date}: ${status}, no planned windows for it`);
        continue;
      }
      if (!Array.isArray(day.slots)) throw new ScheduleError(`group ${group} ${date}: slots is not a list`);
      day.slots.forEach((slot: unknown, i) => {
        const where = `group ${group} ${date} slot ${i + 1}`;
        if (!isRecord(slot)) throw new ScheduleError(`${where}: not an object`);
        const { start, end, type } = slot;
        if (!Number.isInteger(start) || !Number.isInteger(end)) {
          throw new ScheduleError(`${where}: start and end must be whole minutes from midnight`);
        }
        const [from, to] = [start as number, end as number];
        if (from < 0 || to > 1440 || to <= from)
          throw new ScheduleError(`${where}: ${from}-${to} is not within 0-1440`);
        if (type === 'NotPlanned') return;
        if (type !== 'Definite') throw new ScheduleError(`${where}: unknown type ${JSON.stringify(type)}`);
        windows.push({
          start: wallClockInstant(date, from, KYIV),
          end: wallClockInstant(date, to, KYIV),
          possible: false,
        });
      });
      coverage.push(localDaySpan(date, KYIV));
    }
    return {
      group,
      format: 'yasno',
      updatedAt: parseTime(entry.updatedOn) ?? parseTime(json.updatedOn),
      windows: normalizeWindows(windows),
      coverage,
      notes,
    };
  },
};
