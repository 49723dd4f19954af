/**
 * Text for numbers and lengths of time, shared by reports, messages and storage keys. Pure, and
 * zone-free: clock times in a zone are in `zone.ts`.
 */

/** `value` with leading zeros to `width` digits: `zeroPad(7)` → `07`, `zeroPad(42, 6)` → `000042`. */
export function zeroPad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** The words after each number of a duration. */
export interface DurationUnits {
  day: string;
  hour: string;
  minute: string;
}

export const ENGLISH_UNITS: DurationUnits = { day: 'd', hour: 'h', minute: 'min' };

/**
 * - `compact` (report lists): `47 min`, `2 h 05 min`, `26 h 00 min`; hours never become days and
 *   minutes keep two digits, so a column of them lines up.
 * - `hours` (report totals): `0 h 47 min`, always with the hours.
 * - `clock` (report columns headed "h"): `0:47`, `26:00`.
 * - `words` (messages): `45 min`, `3 h 43 min`, `1 h`, `2 d 4 h`; the two largest units, a zero left out.
 */
export type DurationStyle = 'compact' | 'hours' | 'clock' | 'words';

export interface DurationOptions {
  style?: DurationStyle;
  units?: DurationUnits;
  /** The length is a lower bound (an edge fell where nothing was recorded): `≥ 47 min`. */
  atLeast?: boolean;
}

/** A length of time given in whole minutes. */
export function formatDuration(minutes: number, options: DurationOptions = {}): string {
  const { style = 'compact', units = ENGLISH_UNITS, atLeast = false } = options;
  const text = durationText(minutes, style, units);
  return atLeast ? `≥ ${text}` : text;
}

function durationText(total: number, style: DurationStyle, units: DurationUnits): string {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  switch (style) {
    case 'clock':
      return `${hours}:${zeroPad(minutes)}`;
    case 'hours':
      return `${hours} ${units.hour} ${zeroPad(minutes)} ${units.minute}`;
    case 'compact':
      return hours === 0 ? `${minutes} ${units.minute}` : `${hours} ${units.hour} ${zeroPad(minutes)} ${units.minute}`;
    case 'words': {
      const days = Math.floor(total / 1440);
      const hoursOfDay = hours % 24;
      if (days > 0) return hoursOfDay > 0 ? `${days} ${units.day} ${hoursOfDay} ${units.hour}` : `${days} ${units.day}`;
      if (hours > 0)
        return minutes > 0 ? `${hours} ${units.hour} ${minutes} ${units.minute}` : `${hours} ${units.hour}`;
      return `${minutes} ${units.minute}`;
    }
  }
}
