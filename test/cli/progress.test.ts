import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';

const fakeStream = (isTTY: boolean) => {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
};

describe('progress line', () => {
  it('is rewritten in place on a terminal, at most every 200 ms, and cleared at the end', () => {
    const { stream, written } = fakeStream(true);
    const line = progressLine('import', stream);
    line?.update('1000 lines read');
    line?.update('2000 lines read');
    line?.clear();
    expect(written).toEqual(['\r\x1b[Kimport: 1000 lines read', '\r\x1b[K']);
  });

  it('is none when stderr is not a terminal (cron, a pipe, a log file)', () => {
    expect(progressLine('import', fakeStream(false).stream)).toBeUndefined();
  });
});
