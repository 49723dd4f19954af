/**
 * The node_exporter textfile for one series, in the Prometheus text exposition format. Pure. The
 * counters come from the power state the notifier keeps (no scan of the store each minute): they
 * count from the state's first reading and may reset if it is lost, which Prometheus' rate() expects.
 */
import type { Series } from '../../domain/keys.js';
import { outageMinutesSoFar, outagesSoFar, type PowerState } from '../../domain/power-events.js';

interface Metric {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  value: number;
}

const seconds = (iso: string): number => Date.parse(iso) / 1000;

/** `\`, `"` and newlines escaped, as the format wants in label values. */
const labelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function metricsOf(power: PowerState | undefined, bufferedReadings: number): Metric[] {
  const metrics: Metric[] = [];
  const confirmed = power?.confirmed;
  if (power && confirmed) {
    metrics.push({
      name: 'blackout_grid_power_up',
      type: 'gauge',
      help: 'Grid power as last confirmed by the readings: 1 on, 0 off.',
      value: confirmed.state === 'on' ? 1 : 0,
    });
  }
  if (power?.lastMinute !== undefined) {
    metrics.push({
      name: 'blackout_last_reading_timestamp_seconds',
      type: 'gauge',
      help: 'Minute of the newest reading, as a Unix time.',
      value: seconds(power.lastMinute),
    });
  }
  if (power && confirmed) {
    metrics.push(
      {
        name: 'blackout_last_change_timestamp_seconds',
        type: 'gauge',
        help: 'When the current power state began (the first reading, if no change was seen yet), as a Unix time.',
        value: seconds(confirmed.since),
      },
      {
        name: 'blackout_outages_total',
        type: 'counter',
        help: 'Outages seen since monitoring began, the current one included.',
        value: outagesSoFar(power),
      },
      {
        name: 'blackout_outage_seconds_total',
        type: 'counter',
        help: 'Time without grid power since monitoring began, the current outage included.',
        value: outageMinutesSoFar(power) * 60,
      },
    );
  }
  metrics.push({
    name: 'blackout_buffered_readings',
    type: 'gauge',
    help: 'Readings waiting in the buffer for the store.',
    value: bufferedReadings,
  });
  return metrics;
}

export function renderTextfile(series: Series, power: PowerState | undefined, bufferedReadings: number): string {
  const labels = `{device="${labelValue(series.device)}",pin="${series.pin}"}`;
  return metricsOf(power, bufferedReadings)
    .map((m) => `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${m.name}${labels} ${m.value}\n`)
    .join('');
}
