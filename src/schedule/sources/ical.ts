/**
 * iCalendar (`.ics`): every VEVENT is a planned outage window, recurrences (RRULE, RDATE) expanded by
 * ical.js with their EXDATEs and overridden instances (RECURRENCE-ID) over the requested span. A time
 * with a TZID that names an IANA zone is read in that zone by the runtime's tz database (feeds often
 * omit the VTIMEZONE, or ship a stale one); an unknown TZID with a VTIMEZONE uses it; floating times
 * and all-day events are in the report's zone. One calendar is one group's plan (feeds publish one per
 * group), so --schedule-group only names it. The calendar covers all time: no event, no outage planned.
 */
import ICAL from 'ical.js';
import { normalizeWindows, type Plan, type PlannedWindow } from '../../domain/schedule.js';
import { isTimeZone, zonedInstant } from '../../domain/zone.js';
import { type ScheduleAdapter, ScheduleError } from './source.js';

/** A runaway rule (FREQ=MINUTELY without end) stops here instead of filling memory. */
const MAX_OCCURRENCES = 100_000;

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalEvent = InstanceType<typeof ICAL.Event>;

/**
 * The TZID written on an event's DTSTART or DTEND (ical.js makes a time of an unregistered zone
 * floating, so the parameter is read from the property itself).
 */
function tzidOf(event: IcalEvent, name: 'dtstart' | 'dtend'): string | undefined {
  const property = event.component.getFirstProperty(name) ?? event.component.getFirstProperty('dtstart');
  const tzid = property?.getParameter('tzid');
  return typeof tzid === 'string' ? tzid : undefined;
}

function instantOf(time: IcalTime, writtenTzid: string | undefined, fallbackZone: string): Date {
  const tzid = time.zone?.tzid === 'UTC' ? 'UTC' : (writtenTzid ?? time.zone?.tzid);
  const wall = { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute };
  if (time.isDate) return zonedInstant({ ...wall, hour: 0, minute: 0 }, fallbackZone);
  if (tzid === 'UTC' || tzid === 'Z') return time.toJSDate();
  if (tzid && isTimeZone(tzid)) return zonedInstant(wall, tzid);
  // A zone ical.js knows from the calendar's own VTIMEZONE.
  if (tzid && tzid !== 'floating' && ICAL.TimezoneService.has(tzid)) return time.toJSDate();
  return zonedInstant(wall, fallbackZone);
}

export const icalAdapter: ScheduleAdapter = {
  format: 'ics',
  recognizes: (text) => /^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text),
  parse(text, request): Plan {
    let calendar: InstanceType<typeof ICAL.Component>;
    try {
      calendar = new ICAL.Component(ICAL.parse(text));
    } catch (error) {
      throw new ScheduleError(
        `not a readable iCalendar file: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    for (const zone of calendar.getAllSubcomponents('vtimezone')) {
      const tzid = zone.getFirstPropertyValue('tzid');
      if (typeof tzid === 'string' && !isTimeZone(tzid) && !ICAL.TimezoneService.has(tzid)) {
        ICAL.TimezoneService.register(zone);
      }
    }
    const masters = new Map<string, IcalEvent>();
    const exceptions: IcalEvent[] = [];
    for (const component of calendar.getAllSubcomponents('vevent')) {
      const event = new ICAL.Event(component);
      if (!event.startDate) throw new ScheduleError(`event ${JSON.stringify(event.summary ?? event.uid)}: no DTSTART`);
      if (event.isRecurrenceException()) exceptions.push(event);
      else masters.set(event.uid ?? `#${masters.size}`, event);
    }
    for (const exception of exceptions) masters.get(exception.uid)?.relateException(exception);

    const windows: PlannedWindow[] = [];
    const add = (item: IcalEvent, start: IcalTime, end: IcalTime | null, name: string): void => {
      const from = instantOf(start, tzidOf(item, 'dtstart'), request.tz);
      // No DTEND or DURATION: a timed event is a moment (no window); ical.js gives an all-day one its day.
      const to = end ? instantOf(end, tzidOf(item, 'dtend'), request.tz) : from;
      if (to < from) throw new ScheduleError(`event ${JSON.stringify(name)}: ends before it starts`);
      if (to > request.from && from < request.to) windows.push({ start: from, end: to, possible: false });
    };
    let stamp: Date | null = null;
    for (const event of masters.values()) {
      const name = event.summary ?? event.uid ?? 'event';
      const dtstamp = event.component.getFirstPropertyValue('dtstamp');
      if (dtstamp instanceof ICAL.Time) {
        const t = dtstamp.toJSDate();
        if (stamp === null || t > stamp) stamp = t;
      }
      if (!event.isRecurring()) {
        add(event, event.startDate, event.endDate, name);
        continue;
      }
      const iterator = event.iterator();
      for (let n = 0; ; n++) {
        const next = iterator.next();
        if (!next) break;
        if (n >= MAX_OCCURRENCES)
          throw new ScheduleError(`event ${JSON.stringify(name)}: more than ${MAX_OCCURRENCES} occurrences`);
        const details = event.getOccurrenceDetails(next);
        if (instantOf(details.startDate, tzidOf(details.item, 'dtstart'), request.tz) >= request.to) break;
        add(details.item, details.startDate, details.endDate, name);
      }
    }
    return {
      group: request.group ?? 'calendar',
      format: 'ics',
      updatedAt: stamp,
      windows: normalizeWindows(windows),
      coverage: null,
      notes: [],
    };
  },
};
