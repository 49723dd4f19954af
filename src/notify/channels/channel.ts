/**
 * A notification channel: one HTTP endpoint that either accepts a message or does not. Channels
 * never log; they return or throw, and the caller logs with secrets removed.
 */
import type { PowerEvent } from '../../domain/power-events.js';
import type { ScheduleNote } from '../messages.js';

const CHANNEL_IDS = ['webhook', 'telegram', 'ntfy'] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];

export interface OutgoingMessage {
  /** Undefined for a test alert. */
  event?: PowerEvent;
  device: string;
  pin: number;
  text: string;
  /** Short ASCII title for channels that show one. */
  title: string;
  delayed: boolean;
  sentAt: Date;
  /** What the outage schedule said of the outage (`--notify-unplanned`), when it could say. */
  schedule?: ScheduleNote;
}

export interface Channel {
  readonly id: ChannelId;
  /** Where it sends, safe to log (no tokens, no secret paths). */
  readonly target: string;
  /** Values that must never appear in a log line. */
  readonly secrets: readonly string[];
  /** Resolves when the endpoint accepted the message; throws DeliveryError otherwise. */
  send(message: OutgoingMessage, timeoutMs: number): Promise<{ status: number }>;
}

/** The endpoint did not accept the message (refused, unreachable, timed out). */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
