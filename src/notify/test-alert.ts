/** The test alert: one message straight through every configured channel (no outbox), plus a heartbeat ping. */
import type { Series } from '../domain/keys.js';
import type { Logger } from '../utils/log.js';
import { secretRedactor } from '../utils/redact.js';
import { configSecrets, createChannels, type NotifyConfig } from './config.js';
import { pingHeartbeat } from './heartbeat.js';
import { originOf } from './http.js';
import { eventTitle, testText } from './messages.js';

export interface TestResult {
  channel: string;
  /** Safe to show: origin only. */
  target: string;
  ok: boolean;
  status?: number;
  /** Reason of a failure, secrets removed. */
  error?: string;
}

export async function sendTestAlert(config: NotifyConfig, series: Series, log: Logger): Promise<TestResult[]> {
  const channels = createChannels(config);
  const redact = secretRedactor(configSecrets(config, channels));
  const sentAt = new Date();
  const text = testText(series.device, series.pin, {
    lang: config.lang,
    ...(config.timeZone ? { timeZone: config.timeZone } : {}),
    sentAt,
  });
  const message = {
    device: series.device,
    pin: series.pin,
    text,
    title: eventTitle(undefined, series.device),
    delayed: false,
    sentAt,
  };
  const attempts: Promise<TestResult>[] = channels.map((channel) =>
    channel.send(message, config.timeoutMs).then(
      ({ status }) => ({ channel: channel.id, target: channel.target, ok: true, status }),
      (error: Error) => ({ channel: channel.id, target: channel.target, ok: false, error: redact(error.message) }),
    ),
  );
  const heartbeatUrl = config.heartbeatUrl;
  if (heartbeatUrl) {
    attempts.push(
      pingHeartbeat(heartbeatUrl, true, 'test alert', config.timeoutMs).then(
        (status) => ({ channel: 'heartbeat', target: originOf(heartbeatUrl), ok: true, status }),
        (error: Error) => ({
          channel: 'heartbeat',
          target: originOf(heartbeatUrl),
          ok: false,
          error: redact(error.message),
        }),
      ),
    );
  }
  const results = await Promise.all(attempts);
  for (const r of results) {
    if (r.ok) log.info({ ...r }, `test alert accepted by ${r.channel}`);
    else log.warn({ ...r }, `test alert not accepted by ${r.channel}: ${r.error}`);
  }
  return results;
}
