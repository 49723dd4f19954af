/**
 * Delivers queued events. Per channel, events of one device go out strictly in order: when the oldest
 * undelivered event fails on a channel, that channel waits (with backoff) and the others carry on.
 * The entry is rewritten after every acceptance, so a kill can at worst resend the one message whose
 * acceptance was not yet recorded. Each run stops starting requests when its time budget runs out.
 */
import { DAY_MS, MINUTE_MS } from '../domain/time.js';
import type { Logger } from '../utils/log.js';
import type { Channel, ChannelId } from './channels/channel.js';
import { eventText, eventTitle, isDelayed, type Language } from './messages.js';
import type { Delivery, NotifyFiles } from './outbox.js';
import type { Redactor } from './redact.js';

/** An event queued this long ago is dropped for a channel that never accepted it (and an error is logged). */
export const GIVE_UP_AFTER_MS = 7 * DAY_MS;

/**
 * Minutes to wait after `failures` failed attempts. Cron runs every minute, so the first five retries
 * come a minute apart (a short network outage costs little delay); then 2, 4, 8, 10, 10, … minutes.
 */
export function backoffMinutes(failures: number): number {
  return failures <= 5 ? 0 : Math.min(2 ** (failures - 5), 10);
}

export interface DeliveryOptions {
  channels: readonly Channel[];
  lang: Language;
  timeZone?: string;
  /** Per request. */
  timeoutMs: number;
  /** No request starts unless it can finish (timeout) before this time, ms since epoch. */
  deadline: number;
  log: Logger;
  redact: Redactor;
  now?: () => Date;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  /** Events still queued after this run. */
  queued: number;
  /** True when the time budget stopped the run early. */
  outOfTime: boolean;
}

export async function deliverOutbox(files: NotifyFiles, options: DeliveryOptions): Promise<DeliveryReport> {
  const { channels, log, redact } = options;
  const now = options.now ?? (() => new Date());
  const report: DeliveryReport = { sent: 0, failed: 0, queued: 0, outOfTime: false };
  // Channels that must not send further events this run (their oldest pending event is waiting).
  const held = new Set<ChannelId>();
  // Channels that accepted something this run: the network is back, so backoff no longer applies.
  const accepting = new Set<ChannelId>();
  const queue = files.list();
  for (const [index, file] of queue.entries()) {
    if (report.outOfTime || held.size === channels.length) {
      report.queued += queue.length - index;
      break;
    }
    const read = files.read(file);
    if (!read.ok) {
      const target = files.reject(file);
      log.error(
        { file: file.name, reason: read.reason, movedTo: target },
        `unreadable notification moved aside: ${read.reason}`,
      );
      continue;
    }
    const { entry } = read;
    const { event } = entry;
    for (const channel of channels) {
      const delivery: Delivery = entry.deliveries[channel.id] ?? { attempts: 0 };
      if (delivery.sentAt || delivery.gaveUp || held.has(channel.id)) continue;
      const at = now();
      if (at.getTime() - Date.parse(entry.createdAt) > GIVE_UP_AFTER_MS) {
        delivery.gaveUp = `not accepted within ${GIVE_UP_AFTER_MS / DAY_MS} days`;
        entry.deliveries[channel.id] = delivery;
        files.update(file, entry);
        log.error(
          {
            channel: channel.id,
            target: channel.target,
            eventId: event.id,
            attempts: delivery.attempts,
            lastError: delivery.lastError,
          },
          `notification dropped for ${channel.id}: not accepted within ${GIVE_UP_AFTER_MS / DAY_MS} days`,
        );
        continue;
      }
      if (delivery.nextAttemptAt && at.toISOString() < delivery.nextAttemptAt && !accepting.has(channel.id)) {
        held.add(channel.id);
        continue;
      }
      if (Date.now() + options.timeoutMs > options.deadline) {
        report.outOfTime = true;
        break;
      }
      const text = eventText(event, { lang: options.lang, timeZone: options.timeZone, sentAt: at });
      const delayed = isDelayed(event, at);
      delivery.attempts++;
      delivery.lastAttemptAt = at.toISOString();
      try {
        const accepted = await channel.send(
          {
            event,
            device: event.device,
            pin: event.pin,
            text,
            title: eventTitle(event, event.device),
            delayed,
            sentAt: at,
          },
          options.timeoutMs,
        );
        delivery.sentAt = at.toISOString();
        delete delivery.nextAttemptAt;
        entry.deliveries[channel.id] = delivery;
        files.update(file, entry);
        accepting.add(channel.id);
        report.sent++;
        log.info(
          {
            channel: channel.id,
            target: channel.target,
            eventId: event.id,
            status: accepted.status,
            delayed,
            attempts: delivery.attempts,
          },
          `notification sent via ${channel.id}: ${redact(text)}`,
        );
      } catch (error) {
        const reason = redact((error as Error).message);
        delivery.lastError = reason;
        delivery.nextAttemptAt = new Date(at.getTime() + backoffMinutes(delivery.attempts) * MINUTE_MS).toISOString();
        entry.deliveries[channel.id] = delivery;
        files.update(file, entry);
        held.add(channel.id);
        report.failed++;
        log.warn(
          {
            channel: channel.id,
            target: channel.target,
            eventId: event.id,
            attempts: delivery.attempts,
            nextAttemptAt: delivery.nextAttemptAt,
            error: reason,
          },
          `notification not accepted by ${channel.id} (${reason}); kept in the outbox for the next run`,
        );
      }
    }
    const done = channels.every((c) => {
      const d = entry.deliveries[c.id];
      return Boolean(d?.sentAt || d?.gaveUp);
    });
    if (done) files.remove(file);
    else report.queued++;
  }
  return report;
}
