/**
 * Webhook: POST JSON `{device, pin, state, since, previousStateMinutes, delayed, sentAt, text, …}`.
 * With a shared secret the request is signed: `X-Blackout-Timestamp: <Unix seconds>` and
 * `X-Blackout-Signature: sha256=<hex HMAC-SHA256 of timestamp + "." + body>`, so a receiver can refuse
 * a replayed request (as Stripe and Slack sign theirs). The older `X-Blackout-Signature-256` (the body
 * alone) is still sent for receivers that verify it; it will be dropped in the next version.
 */
import { createHmac } from 'node:crypto';
import { expectSuccess, httpRequest, originOf } from '../http.js';
import type { Channel, OutgoingMessage } from './channel.js';

const SIGNATURE_HEADER = 'X-Blackout-Signature';
const TIMESTAMP_HEADER = 'X-Blackout-Timestamp';
/** The body-only signature of earlier versions (deprecated). */
const LEGACY_SIGNATURE_HEADER = 'X-Blackout-Signature-256';

export interface WebhookOptions {
  url: string;
  secret?: string;
}

function webhookPayload(message: OutgoingMessage): Record<string, unknown> {
  const { event } = message;
  return {
    id: event?.id ?? null,
    event: event ? (event.kind === 'monitor-back' ? 'monitor_back' : `power_${event.state}`) : 'test',
    device: message.device,
    pin: message.pin,
    state: event?.state ?? null,
    since: event?.since ?? null,
    previousState: event?.previousState ?? null,
    previousSince: event?.previousSince ?? null,
    previousSinceEarliest: event?.previousSinceEarliest ?? null,
    previousStateMinutes: event?.previousStateMinutes ?? null,
    previousStateMinutesMax: event?.previousStateMinutesMax ?? null,
    previousSinceKnown: event?.previousSinceKnown ?? null,
    changeWindow: event?.changeWindow ?? null,
    gaps: event?.gaps ?? [],
    gapMinutes: event?.gapMinutes ?? null,
    detectedAt: event?.detectedAt ?? null,
    delayed: message.delayed,
    // `--notify-unplanned`: {group, window: {start, end} | null (not in the schedule)}; null: not judged.
    schedule: message.schedule ?? null,
    sentAt: message.sentAt.toISOString(),
    text: message.text,
  };
}

function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The signature over `timestamp.body`: the same body replayed later carries a stale timestamp. */
export function signRequest(timestamp: number, body: string, secret: string): string {
  return signBody(`${timestamp}.${body}`, secret);
}

export class WebhookChannel implements Channel {
  readonly id = 'webhook' as const;
  readonly target: string;
  readonly secrets: readonly string[];

  constructor(private readonly options: WebhookOptions) {
    this.target = originOf(options.url);
    // The whole URL counts as secret: services like Slack or Discord put the key in the path.
    this.secrets = [options.url, ...(options.secret ? [options.secret] : [])];
  }

  async send(message: OutgoingMessage, timeoutMs: number): Promise<{ status: number }> {
    const body = JSON.stringify(webhookPayload(message));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'blackout-monitor' };
    if (message.event) headers['x-blackout-event-id'] = message.event.id;
    if (this.options.secret) {
      const timestamp = Math.floor(message.sentAt.getTime() / 1000);
      headers[TIMESTAMP_HEADER.toLowerCase()] = String(timestamp);
      headers[SIGNATURE_HEADER.toLowerCase()] = signRequest(timestamp, body, this.options.secret);
      headers[LEGACY_SIGNATURE_HEADER.toLowerCase()] = signBody(body, this.options.secret);
    }
    return expectSuccess(await httpRequest(this.options.url, { headers, body }, timeoutMs));
  }
}
