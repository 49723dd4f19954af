/** The test alert: one message straight through every configured channel (no outbox), plus a heartbeat ping. */
import type { Series } from '../domain/keys.js';
import { pingSvitlobot, pingUrl, type SvitlobotOptions } from '../outputs/svitlobot/svitlobot.js';
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

/**
 * Sends the test message; `svitlobot`, when given, gets one ping (it carries no message: a ping says
 * "power now", which a test run on a powered Pi is).
 */
export async function sendTestAlert(
  config: NotifyConfig,
  series: Series,
  log: Logger,
  svitlobot?: SvitlobotOptions,
): Promise<TestResult[]> {
  const channels = createChannels(config);
  const redact = secretRedactor([
    ...configSecrets(config, channels),
    ...(svitlobot ? [svitlobot.key, pingUrl(svitlobot)] : []),
  ]);
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
  if (svitlobot) {
    const target = originOf(svitlobot.url);
    attempts.push(
      pingSvitlobot(svitlobot, config.timeoutMs).then(
        (status) => ({ channel: 'svitlobot', target, ok: true, status }),
        (error: Error) => ({ channel: 'svitlobot', target, ok: false, error: redact(error.message) }),
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
