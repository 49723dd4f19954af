/**
 * Home Assistant MQTT discovery for one series: a `binary_sensor` (device_class power) and two duration
 * sensors in one device, and their states. Pure: the topics and payloads only.
 *
 * Every message is retained: Home Assistant reads the config and the last state when it (re)starts.
 * `expire_after` makes the entities unavailable when the Pi stops reporting: a cron run disconnects
 * cleanly every minute, so a last-will message would never fire.
 */
import type { Series } from '../../domain/keys.js';
import { lastOutageMinutes, type PowerState } from '../../domain/power-events.js';
import { MINUTE_MS } from '../../domain/time.js';

export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';
/** Three missed minutes: one late cron run is not an outage of the monitor. */
export const EXPIRE_AFTER_SECONDS = 180;
/** Where the states go (outside the discovery prefix, as Home Assistant recommends). */
export const STATE_ROOT = 'blackout';

export interface MqttMessage {
  topic: string;
  payload: string;
}

/** `blackout_<device>_pin<pin>`: [a-zA-Z0-9_-], so it is a valid topic level, unique_id and object_id. */
export function uniqueId(series: Series): string {
  return `blackout_${series.device.replace(/[^A-Za-z0-9_-]/g, '_')}_pin${series.pin}`.toLowerCase();
}

/** The state topic of each entity. */
export function stateTopics(series: Series) {
  const base = `${STATE_ROOT}/${uniqueId(series)}`;
  return {
    power: `${base}/power`,
    minutesSinceChange: `${base}/minutes_since_change`,
    lastOutageMinutes: `${base}/last_outage_minutes`,
  };
}

/** The retained discovery configs: the power binary_sensor first. */
export function discoveryMessages(series: Series, prefix: string): MqttMessage[] {
  const id = uniqueId(series);
  const topics = stateTopics(series);
  const device = {
    identifiers: [id],
    name: `Blackout Monitor ${series.device} pin ${series.pin}`,
    manufacturer: 'Blackout Monitor',
    model: 'GPIO grid power monitor',
  };
  const origin = { name: 'Blackout Monitor' };
  const common = { expire_after: EXPIRE_AFTER_SECONDS, device, origin };
  const config = (component: string, objectId: string, body: Record<string, unknown>): MqttMessage => ({
    topic: `${prefix}/${component}/${objectId}/config`,
    payload: JSON.stringify({ unique_id: objectId, object_id: objectId, ...body, ...common }),
  });
  return [
    config('binary_sensor', id, {
      name: 'Grid power',
      device_class: 'power',
      state_topic: topics.power,
      payload_on: 'ON',
      payload_off: 'OFF',
    }),
    config('sensor', `${id}_minutes_since_change`, {
      name: 'Minutes since last power change',
      device_class: 'duration',
      unit_of_measurement: 'min',
      state_class: 'measurement',
      state_topic: topics.minutesSinceChange,
    }),
    config('sensor', `${id}_last_outage`, {
      name: 'Last outage duration',
      device_class: 'duration',
      unit_of_measurement: 'min',
      state_topic: topics.lastOutageMinutes,
    }),
  ];
}

/**
 * The retained states: power as confirmed (debounced, as the notifications say it), the minutes since
 * it began (only when its start was seen) and the length of the last ended outage (once there is one).
 */
export function stateMessages(series: Series, power: PowerState | undefined): MqttMessage[] {
  const topics = stateTopics(series);
  const confirmed = power?.confirmed;
  if (!power || !confirmed) return [];
  const messages: MqttMessage[] = [{ topic: topics.power, payload: confirmed.state === 'on' ? 'ON' : 'OFF' }];
  if (confirmed.sinceKnown && power.lastMinute !== undefined) {
    const minutes = Math.max(0, Math.round((Date.parse(power.lastMinute) - Date.parse(confirmed.since)) / MINUTE_MS));
    messages.push({ topic: topics.minutesSinceChange, payload: String(minutes) });
  }
  const lastOutage = lastOutageMinutes(power);
  if (lastOutage !== undefined) messages.push({ topic: topics.lastOutageMinutes, payload: String(lastOutage) });
  return messages;
}
