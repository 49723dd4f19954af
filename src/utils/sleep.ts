/**
 * An abortable sleep that runs wherever the DynamoDB adapter runs (Node and the browser), so the
 * adapter needs no `node:timers/promises`.
 */

/**
 * Resolves after `ms`; rejects with the signal's reason (an `AbortError` or `TimeoutError`, as a
 * cancelled request does) as soon as `signal` fires, and at once when it already has.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
