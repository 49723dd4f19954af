/**
 * Which store failures are passing faults (the next run will get through) and which need a
 * person: a busy SQLite file, throttling, a 5xx, a reset or a timeout are expected on a Pi whose
 * router shares its power supply; a wrong credential or a corrupt database is not.
 */

const TRANSIENT_CODES = new Set([
  // SQLite: another connection holds the write lock past the busy timeout.
  'SQLITE_BUSY',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  'SQLITE_LOCKED_SHAREDCACHE',
  // Network.
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionConflictException',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** True for faults that retrying later can cure: busy database, throttling, 5xx, network. */
export function isTransientStoreError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const e = error as ErrorLike;
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.$retryable !== undefined || e.$fault === 'server') return true;
  const status = Number(e.$metadata?.httpStatusCode);
  if (status >= 500 || status === 429) return true;
  // Items the service kept handing back after every retry (UnprocessedItems / UnprocessedKeys).
  if (typeof e.message === 'string' && /still unprocessed|socket hang up|database is locked/i.test(e.message)) {
    return true;
  }
  return isTransientStoreError(e.cause, depth + 1);
}

/**
 * A sentence for the store failures a person can fix, in place of the library's words: the SDK says
 * "Region is missing" and "Could not load credentials from any providers".
 */
export function explainStoreError(error: unknown, user: string): string | undefined {
  for (let e = error as ErrorLike | undefined, depth = 0; e && depth < 5; e = e.cause as ErrorLike, depth++) {
    const message = typeof e.message === 'string' ? e.message : '';
    if (/region is missing/i.test(message)) return 'no AWS region: set --region or AWS_REGION (or run aws configure)';
    if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
      return `no AWS credentials for user ${user}: run aws configure as ${user} (or set AWS_PROFILE or AWS_ACCESS_KEY_ID)`;
    }
  }
  return undefined;
}
