/**
 * The monitor's own dead-man switch: a ping after every run, so a silent Pi is noticed by the service.
 * Uptime Kuma push URLs (…/api/push/<token>) get `status=up|down&msg=…`; any other URL is treated like
 * Healthchecks.io: the URL itself on success, `<url>/fail` when the reading failed, the message as body.
 */
import { expectSuccess, type HttpRequest, httpRequest } from './http.js';

export type HeartbeatStyle = 'uptime-kuma' | 'healthchecks';

export function heartbeatStyle(url: string): HeartbeatStyle {
  return new URL(url).pathname.includes('/api/push/') ? 'uptime-kuma' : 'healthchecks';
}

/** The request that reports `ok` (the run succeeded) with a short message. */
export function heartbeatRequest(url: string, ok: boolean, message: string): { url: string; request: HttpRequest } {
  const target = new URL(url);
  if (heartbeatStyle(url) === 'uptime-kuma') {
    target.searchParams.set('status', ok ? 'up' : 'down');
    target.searchParams.set('msg', message);
    return { url: target.toString(), request: { method: 'GET' } };
  }
  if (!ok) target.pathname = `${target.pathname.replace(/\/+$/, '')}/fail`;
  return {
    url: target.toString(),
    request: { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: message },
  };
}

/** Pings; resolves with the HTTP status or throws DeliveryError. */
export async function pingHeartbeat(url: string, ok: boolean, message: string, timeoutMs: number): Promise<number> {
  const { url: target, request } = heartbeatRequest(url, ok, message);
  return expectSuccess(await httpRequest(target, request, timeoutMs)).status;
}
