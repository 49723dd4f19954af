/**
 * Home Assistant over MQTT (MQTT.js): connect, publish the discovery configs and the states, all
 * retained with QoS 1, disconnect cleanly. The configs go out every run, so a Home Assistant that
 * restarted (`homeassistant/status` = `online`) or lost its retained messages has them again at the
 * latest a minute later. A broker that is down costs this run its update and nothing more: no
 * reconnect, nothing queued (only the newest state matters).
 */
import type { MqttClient } from 'mqtt';
import { isFreshReading, type Output, type OutputLimits, type OutputSnapshot } from '../output.js';
import { discoveryMessages, type MqttMessage, stateMessages, uniqueId } from './discovery.js';

export interface MqttOptions {
  /** mqtt:// or mqtts://, with the user and password if the broker wants them. */
  url: string;
  discoveryPrefix: string;
}

/**
 * `host:port`, for logs: no user, no password. Not the URL: the whole URL is a secret value (it may
 * carry the password), so a log line holding it would be blanked.
 */
export function brokerOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.protocol === 'mqtts:' ? ' (TLS)' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

export class MqttOutput implements Output {
  readonly name = 'mqtt' as const;
  readonly target: string;
  readonly secrets: readonly string[];
  readonly needsPowerState = true;

  constructor(private readonly options: MqttOptions) {
    this.target = brokerOf(options.url);
    const password = new URL(options.url).password;
    this.secrets = [options.url, ...(password ? [password, decodeURIComponent(password)] : [])];
  }

  async publish(snapshot: OutputSnapshot, limits: OutputLimits): Promise<{ skipped?: string }> {
    // A backfilled reading says nothing about now: the retained state must not go back in time.
    if (snapshot.record && !isFreshReading(snapshot.record.ts, snapshot.now)) {
      return { skipped: 'the reading is older than two minutes' };
    }
    const messages: MqttMessage[] = [
      ...discoveryMessages(snapshot.series, this.options.discoveryPrefix),
      ...stateMessages(snapshot.series, snapshot.power),
    ];
    // Loaded only when configured: most runs never read MQTT.js (a CommonJS package: bundled, its
    // exports arrive as `default`).
    const mqtt = await import('mqtt');
    const connect = typeof mqtt.connect === 'function' ? mqtt.connect : mqtt.default.connect;
    // Options rather than the URL string: MQTT.js parses a string with url.parse(), which Node 24
    // deprecates with a warning on stderr (a cron job must stay silent).
    const url = new URL(this.options.url);
    const secure = url.protocol === 'mqtts:';
    const client = connect({
      protocol: secure ? 'mqtts' : 'mqtt',
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 8883 : 1883,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      clientId: `${uniqueId(snapshot.series)}_${process.pid}`,
      clean: true,
      connectTimeout: limits.timeoutMs,
      reconnectPeriod: 0,
      queueQoSZero: false,
    });
    const drop = () => client.end(true);
    limits.signal.addEventListener('abort', drop, { once: true });
    try {
      await connected(client, limits.signal);
      await Promise.all(messages.map((m) => client.publishAsync(m.topic, m.payload, { qos: 1, retain: true })));
      await client.endAsync();
    } catch (error) {
      client.end(true);
      throw error;
    } finally {
      limits.signal.removeEventListener('abort', drop);
    }
    return {};
  }
}

/** Resolves on CONNACK; rejects on a refusal, a closed connection or the end of the budget. */
function connected(client: MqttClient, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onConnect = () => done();
    const onError = (error: Error) => done(new Error(`broker refused or failed: ${error.message}`));
    const onClose = () => done(new Error('connection closed before the broker answered'));
    const onAbort = () => done(new Error('no answer from the broker in time'));
    client.once('connect', onConnect);
    client.once('error', onError);
    client.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
