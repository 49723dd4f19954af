import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';

const fakeStream = (isTTY: boolean) => {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
};

describe('progress line', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is rewritten in place on a terminal, at most every 200 ms, and cleared at the end', () => {
    const { stream, written } = fakeStream(true);
    vi.useFakeTimers({ now: new Date('2025-06-21T12:00:00Z') });
    const line = progressLine('import', stream);
    line?.update('1000 lines read');
    vi.advanceTimersByTime(199);
    line?.update('2000 lines read');
    vi.advanceTimersByTime(1);
    line?.update('3000 lines read');
    line?.clear();
    expect(written).toEqual(['\r\x1b[Kimport: 1000 lines read', '\r\x1b[Kimport: 3000 lines read', '\r\x1b[K']);
  });

  it('is none when stderr is not a terminal (cron, a pipe, a log file)', () => {
    expect(progressLine('import', fakeStream(false).stream)).toBeUndefined();
  });
});
