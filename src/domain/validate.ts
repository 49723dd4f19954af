/**
 * Rules for the values that become part of keys, paths and table names (a device alias, a pin, a
 * mode): the command line and buffered files are held to the same ones. Pure: each rule says yes or
 * no and describes itself; what a bad value means to the user is said by the caller.
 */

// No leading `-`: a value is written into job command lines, where it must never read as an option.
const DEVICE_RE = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$/;
const MODE_RE = /^[a-z0-9_][a-z0-9_-]{0,31}$/;

export const DEVICE_RULE = 'use 1-64 of A-Z a-z 0-9 _ . - (not starting with -)';
export const PIN_RULE = 'a BCM GPIO number 0-53';
export const MODE_RULE = 'use 1-32 of a-z 0-9 _ - (not starting with -)';

export const isDeviceAlias = (value: string): boolean => DEVICE_RE.test(value);
export const isMode = (value: string): boolean => MODE_RE.test(value);

/** A BCM pin number: one or two digits, 0-53. */
export function parsePinNumber(value: string): number | undefined {
  return /^\d{1,2}$/.test(value) && Number(value) <= 53 ? Number(value) : undefined;
}

/** A clock this far ahead of another is still "now": a reading taken on one machine and checked on another. */
export const CLOCK_SKEW_MS = 60_000;

/**
 * A reading's time is never in the future: such a reading could not have been taken, and it would
 * take the minute from the real reading when that minute comes.
 */
export const isInTheFuture = (at: Date, now: Date): boolean => at.getTime() > now.getTime() + CLOCK_SKEW_MS;
