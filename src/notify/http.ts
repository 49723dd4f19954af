/** One HTTP request with Node's fetch and a hard timeout; failures become short, loggable reasons. */
import { DeliveryError } from './channels/channel.js';

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

const MAX_BODY_IN_ERROR = 200;

function describe(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  if (e.cause?.code) return `${e.cause.code}${e.cause.message ? ` (${e.cause.message})` : ''}`;
  return e.cause?.message ?? e.message;
}

/** Sends the request; throws DeliveryError on network errors and timeouts (the status is not checked here). */
export async function httpRequest(url: string, request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  try {
    const response = await fetch(url, {
      method: request.method ?? 'POST',
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    throw new DeliveryError(describe(error, timeoutMs));
  }
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
