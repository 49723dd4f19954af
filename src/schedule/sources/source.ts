/**
 * One small interface for every schedule format: does this text look like it, and the plan it holds
 * for one outage group over a span of time. Adapters throw ScheduleError with a message a user can act
 * on; they never invent windows for what they cannot read.
 */
import type { Plan, ScheduleFormat } from '../../domain/schedule.js';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

export interface PlanRequest {
  /** The outage group (`2.1`); a calendar of one group needs none. */
  group: string | undefined;
  /** Recurring events are expanded over [from, to). */
  from: Date;
  to: Date;
  /** The zone of times given without one (a floating calendar time). */
  tz: string;
}

export interface ScheduleAdapter {
  format: ScheduleFormat;
  /** True when `text` is in this format (cheap: a look at its shape, not a full parse). */
  recognizes(text: string): boolean;
  parse(text: string, request: PlanRequest): Plan;
}

/** JSON or undefined. */
export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `the groups there are: 1.1, 1.2, …` for an unknown group. */
export function unknownGroup(group: string | undefined, known: readonly string[]): ScheduleError {
  const list = known.length > 0 ? known.join(', ') : 'none';
  return new ScheduleError(
    group === undefined
      ? `the schedule holds several groups: give --schedule-group (one of ${list})`
      : `no group ${JSON.stringify(group)} in the schedule; it has ${list}`,
  );
}
