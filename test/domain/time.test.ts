import { describe, expect, it } from 'vitest';
import {
  formatTimestamp,
  nowTimestamp,
  parseDateOrTimestamp,
  parseTimestamp,
  parseUtcDate,
  timestampMicros,
} from '../../src/domain/time.js';

describe("the Python version's timestamp format", () => {
  it('formats like Python isoformat of an aware UTC time', () => {
    expect(formatTimestamp(new Date('2025-06-21T19:00:03.241Z'), 241_969)).toBe('2025-06-21T19:00:03.241969+00:00');
    expect(formatTimestamp(new Date('2025-06-21T19:00:03.241Z'))).toBe('2025-06-21T19:00:03.241000+00:00');
    expect(nowTimestamp()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
  });

  it("parses the Python version's format, also without microseconds, Z and offsets", () => {
    expect(parseTimestamp('2025-06-21T19:00:03.241969+00:00')).toEqual(new Date('2025-06-21T19:00:03.241Z'));
    expect(parseTimestamp('2025-06-21T19:00:03+00:00')).toEqual(new Date('2025-06-21T19:00:03Z'));
    expect(parseTimestamp('2025-06-21T22:00:03+03:00')).toEqual(new Date('2025-06-21T19:00:03Z'));
    expect(parseTimestamp('2025-06-21T19:00:03.5Z')).toEqual(new Date('2025-06-21T19:00:03.500Z'));
    expect(timestampMicros('2025-06-21T19:00:03.241969+00:00')).toBe(241_969);
    expect(timestampMicros('2025-06-21T19:00:03+00:00')).toBe(0);
  });

  it('rejects anything not strictly ISO with a zone', () => {
    for (const bad of [
      '2025-06-21 19:00:03',
      '2025-06-21T19:00:03',
      '2025-02-30T00:00:00Z',
      '2025-06-21T24:00:00Z',
      '2025-06-21T19:60:00Z',
      '2025-06-21T19:00:60Z',
      '21/06/2025',
      'now',
      '',
    ]) {
      expect(parseTimestamp(bad), bad).toBeUndefined();
    }
  });

  it('parses strict calendar dates', () => {
    expect(parseUtcDate('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseUtcDate('2025-02-29')).toBeUndefined();
    expect(parseUtcDate('2025-6-1')).toBeUndefined();
    expect(parseDateOrTimestamp('2025-06-01')).toEqual(new Date('2025-06-01T00:00:00Z'));
    expect(parseDateOrTimestamp('2025-06-01T10:00:00Z')).toEqual(new Date('2025-06-01T10:00:00Z'));
  });
});
