/**
 * Delivers queued events. Per channel, events of one device go out strictly in order: when the oldest
 * undelivered event fails on a channel, that channel waits (with backoff) and the others carry on.
 * The entry is rewritten after every acceptance, so a kill can at worst resend the one message whose
 * acceptance was not yet recorded. Each run stops starting requests when its time budget runs out.
 */
import { DAY_MS, MINUTE_MS } from '../domain/time.js';
import { messageOf } from '../utils/errors.js';
import type { Logger } from '../utils/log.js';
import type { Redactor } from '../utils/redact.js';
import type { Channel } from './channels/channel.js';
import { eventText, eventTitle, isDelayed, type Language } from './messages.js';
import type { Delivery, NotifyFiles, OutboxEntry, OutboxFile } from './outbox.js';

/** An event queued this long ago is dropped for a channel that never accepted it (and an error is logged). */
const GIVE_UP_AFTER_MS = 7 * DAY_MS;

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
  const { channels, log } = options;
  const report: DeliveryReport = { sent: 0, failed: 0, queued: 0, outOfTime: false };
  // Every entry is read once and shared by the channels, so each rewrite of a file carries the progress
  // of all channels.
  const queue: QueuedEntry[] = [];
  for (const file of files.list()) {
    const read = files.read(file);
    if (read.ok) {
      queue.push({ file, entry: read.entry });
      continue;
    }
    const target = files.reject(file);
    log.error(
      { file: file.name, reason: read.reason, movedTo: target },
      `unreadable notification moved aside: ${read.reason}`,
    );
  }
  // Channels run side by side, each strictly in order: a dead or hanging channel never holds back the others.
  await Promise.all(channels.map((channel) => deliverToChannel(channel, queue, files, options, report)));
  for (const { file, entry } of queue) {
    const done = channels.every((c) => {
      const d = entry.deliveries[c.id];
      return Boolean(d?.sentAt || d?.gaveUp);
    });
    if (done) files.remove(file);
    else report.queued++;
  }
  return report;
}

interface QueuedEntry {
  file: OutboxFile;
  entry: OutboxEntry;
}

/** Sends the queue, oldest first, through one channel until it refuses, is backing off, or time runs out. */
async function deliverToChannel(
  channel: Channel,
  queue: readonly QueuedEntry[],
  files: NotifyFiles,
  options: DeliveryOptions,
  report: DeliveryReport,
): Promise<void> {
  const { log, redact } = options;
  const now = options.now ?? (() => new Date());
  // Once the channel accepted something this run the network is back, so backoff no longer applies.
  let accepting = false;
  for (const { file, entry } of queue) {
    const { event } = entry;
    const delivery: Delivery = entry.deliveries[channel.id] ?? { attempts: 0 };
    if (delivery.sentAt || delivery.gaveUp) continue;
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
    // The oldest waiting event holds the later ones back: order per channel.
    if (delivery.nextAttemptAt && at.toISOString() < delivery.nextAttemptAt && !accepting) return;
    if (Date.now() + options.timeoutMs > options.deadline) {
      report.outOfTime = true;
      return;
    }
    const text = eventText(event, {
      lang: options.lang,
      timeZone: options.timeZone,
      sentAt: at,
      schedule: entry.schedule,
    });
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
          ...(entry.schedule ? { schedule: entry.schedule } : {}),
        },
        options.timeoutMs,
      );
      delivery.sentAt = at.toISOString();
      delete delivery.nextAttemptAt;
      entry.deliveries[channel.id] = delivery;
      files.update(file, entry);
      accepting = true;
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
      const reason = redact(messageOf(error));
      delivery.lastError = reason;
      delivery.nextAttemptAt = new Date(at.getTime() + backoffMinutes(delivery.attempts) * MINUTE_MS).toISOString();
      entry.deliveries[channel.id] = delivery;
      files.update(file, entry);
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
      return;
    }
  }
}
