/**
 * The community outage-data-ua JSON (one file per region): `fact.data` keyed by the Unix time of a
 * local day's midnight (Europe/Kyiv), then group `GPVx.y`, then hours `"1"`-`"24"` (hour N is
 * (N-1):00-N:00 by the wall clock) holding `yes` (power), `no` (outage), `first` / `second` (outage
 * in the first / second half hour), and `maybe` / `mfirst` / `msecond` (a possible outage: kept as
 * a possible window; see domain/schedule.ts for how those count). `fact.update` is `DD.MM.YYYY HH:MM`.
 */
import { type Coverage, normalizeWindows, type Plan, type PlannedWindow } from '../../domain/schedule.js';
import { formatLocalDate, startOfLocalDay, zonedInstant } from '../../domain/zone.js';
import { isRecord, jsonOf, type ScheduleAdapter, ScheduleError, unknownGroup } from './source.js';
import { KYIV, localDaySpan, wallClockInstant } from './wall-clock.js';

/** Per value: the outage part of the hour in minutes [from, to), and whether it is only possible. */
const HOUR_VALUES: Record<string, { from: number; to: number; possible: boolean } | null> = {
  yes: null,
  no: { from: 0, to: 60, possible: false },
  first: { from: 0, to: 30, possible: false },
  second: { from: 30, to: 60, possible: false },
  maybe: { from: 0, to: 60, possible: true },
  mfirst: { from: 0, to: 30, possible: true },
  msecond: { from: 30, to: 60, possible: true },
};

/** `GPV2.1` for `2.1`; a key already written in full is kept. */
const groupKey = (group: string): string => (group.startsWith('GPV') ? group : `GPV${group}`);

function parseUpdate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [, day, month, year, hour, minute] = m.map(Number) as [number, number, number, number, number, number];
  return zonedInstant({ year, month, day, hour, minute }, KYIV);
}

export const outageDataUaAdapter: ScheduleAdapter = {
  format: 'outage-data-ua',
  recognizes(text) {
    const json = jsonOf(text);
    return isRecord(json) && isRecord(json.fact) && isRecord(json.fact.data);
  },
  parse(text, request): Plan {
    const json = jsonOf(text);
    const fact = isRecord(json) ? json.fact : undefined;
    if (!isRecord(fact) || !isRecord(fact.data))
      throw new ScheduleError('not an outage-data-ua schedule: no fact.data');
    const days = Object.entries(fact.data);
    const groups = [...new Set(days.flatMap(([, d]) => (isRecord(d) ? Object.keys(d) : [])))].sort();
    const key = request.group === undefined ? undefined : groupKey(request.group);
    if (key === undefined || !groups.includes(key)) {
      throw unknownGroup(
        request.group,
        groups.map((g) => g.replace(/^GPV/, '')),
      );
    }
    const windows: PlannedWindow[] = [];
    const coverage: Coverage[] = [];
    const notes: string[] = [];
    for (const [stamp, day] of days) {
      if (!/^\d+$/.test(stamp)) throw new ScheduleError(`fact.data key ${JSON.stringify(stamp)} is not a Unix time`);
      const midnight = new Date(Number(stamp) * 1000);
      const date = formatLocalDate(midnight, KYIV);
      if (startOfLocalDay(date, KYIV).getTime() !== midnight.getTime()) {
        throw new ScheduleError(`fact.data key ${stamp} is not a local midnight in ${KYIV}`);
      }
      const hours = isRecord(day) ? day[key] : undefined;
      if (hours === undefined) {
        notes.push(`${date}: no schedule for group ${request.group}`);
        continue;
      }
      if (!isRecord(hours)) throw new ScheduleError(`${date} ${key}: not an object of hours`);
      for (let hour = 1; hour <= 24; hour++) {
        const value = hours[String(hour)];
        if (typeof value !== 'string' || !(value in HOUR_VALUES)) {
          throw new ScheduleError(
            `${date} ${key} hour ${hour}: ${value === undefined ? 'missing' : `unknown value ${JSON.stringify(value)}`} (yes, no, maybe, first, second, mfirst or msecond)`,
          );
        }
        const part = HOUR_VALUES[value];
        if (!part) continue;
        const base = (hour - 1) * 60;
        windows.push({
          start: wallClockInstant(date, base + part.from, KYIV),
          end: wallClockInstant(date, base + part.to, KYIV),
          possible: part.possible,
        });
      }
      coverage.push(localDaySpan(date, KYIV));
    }
    const lastUpdated =
      typeof json === 'object' && json !== null ? (json as { lastUpdated?: unknown }).lastUpdated : undefined;
    const updatedIso =
      typeof lastUpdated === 'string' && !Number.isNaN(Date.parse(lastUpdated)) ? new Date(lastUpdated) : null;
    return {
      group: request.group ?? key,
      format: 'outage-data-ua',
      updatedAt: parseUpdate(fact.update) ?? updatedIso,
      windows: normalizeWindows(windows),
      coverage,
      notes,
    };
  },
};
