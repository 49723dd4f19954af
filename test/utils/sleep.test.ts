import { describe, expect, it } from 'vitest';
import { isTransientStoreError } from '../../src/stores/store-errors.js';
import { sleep } from '../../src/utils/sleep.js';

describe("sleep (the adapter's backoff, Node and browser alike)", () => {
  it('resolves after the time', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
  });

  it('rejects at once with the reason of a signal that has fired', async () => {
    const error = await sleep(60_000, AbortSignal.abort()).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(isTransientStoreError(error)).toBe(true);
  });

  it('stops when the signal fires while sleeping: a deadline is a TimeoutError', async () => {
    const error = await sleep(60_000, AbortSignal.timeout(10)).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(isTransientStoreError(error)).toBe(true);
  });
});
