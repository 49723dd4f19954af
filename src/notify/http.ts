/** One HTTP request with Node's fetch and a hard timeout; failures become short, loggable reasons. */
import { DeliveryError } from './channels/channel.js';

export interface HttpResponse {
  status: number;
  body: string;
  /** The answer was longer than the limit: `body` is its beginning only. */
  truncated?: boolean;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Read the answer up to this many bytes (default MAX_RESPONSE_BYTES). */
  maxBytes?: number;
}

const MAX_BODY_IN_ERROR = 200;

function describe(error: unknown, timeoutMs: number, url: string): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  // fetch refuses ports that browsers block (6000, 6667, …) before connecting.
  if (e.cause?.message === 'bad port') {
    return `${originOf(url)}: port ${new URL(url).port} is one that fetch refuses to use; give the service another port`;
  }
  if (e.cause?.code) return `${e.cause.code}${e.cause.message ? ` (${e.cause.message})` : ''}`;
  return e.cause?.message ?? e.message;
}

/** A peer's answer is read up to this much and the rest dropped: nothing a peer sends can fill memory. */
export const MAX_RESPONSE_BYTES = 8 * 1024;

async function readCapped(response: Response, maxBytes: number): Promise<{ body: string; truncated: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) return { body: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  // One byte past the limit tells a cut answer from one of exactly the limit.
  while (size <= maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return { body: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), truncated: size > maxBytes };
}

/**
 * Sends the request; throws DeliveryError on network errors, timeouts and redirects (the status is not
 * checked here). Redirects are never followed: a 302 would turn a signed POST into an empty GET, a 307
 * to another origin would hand the body and its signature to a third host.
 */
export async function httpRequest(url: string, request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  let response: Response;
  let body: string;
  let truncated: boolean;
  try {
    response = await fetch(url, {
      method: request.method ?? 'POST',
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    ({ body, truncated } = await readCapped(response, request.maxBytes ?? MAX_RESPONSE_BYTES));
  } catch (error) {
    throw new DeliveryError(describe(error, timeoutMs, url));
  }
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    let target = 'nowhere';
    try {
      if (location) target = originOf(new URL(location, url).toString());
    } catch {
      target = 'an invalid Location';
    }
    throw new DeliveryError(`HTTP ${response.status}: redirect to ${target}, not followed`, response.status);
  }
  return { status: response.status, body, ...(truncated ? { truncated } : {}) };
}

/** Accepts 2xx; anything else becomes a DeliveryError carrying a short piece of the answer. */
export function expectSuccess(response: HttpResponse): { status: number } {
  if (response.status >= 200 && response.status < 300) return { status: response.status };
  const snippet = response.body.replace(/\s+/g, ' ').trim().slice(0, MAX_BODY_IN_ERROR);
  throw new DeliveryError(`HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`, response.status);
}

/** `https://host:port` of a URL, for logs (paths and queries may hold secrets: ntfy topics, ping ids). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
