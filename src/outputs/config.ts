/** What the outputs need to know, resolved from options and environment by src/cli/config.ts. */
import type { Series } from '../domain/keys.js';
import { type MqttOptions, MqttOutput } from './mqtt/mqtt.js';
import type { Output } from './output.js';
import { PrometheusOutput } from './prometheus/prometheus.js';
import { type SvitlobotOptions, SvitlobotOutput } from './svitlobot/svitlobot.js';

export interface OutputsConfig {
  svitlobot?: SvitlobotOptions;
  mqtt?: MqttOptions;
  /** Absolute path of the node_exporter textfile. */
  prometheusFile?: string;
  /** Per request. */
  timeoutMs: number;
  /** Total time the outputs may take after the flush. */
  budgetMs: number;
}

/** Where outputs keep their own small state: next to the notifier's (src/notify/outbox.ts). */
export interface OutputPlace {
  bufferDir: string;
  mode: string;
  series: Series;
}

export function createOutputs(config: OutputsConfig, place: OutputPlace): Output[] {
  const outputs: Output[] = [];
  if (config.svitlobot) outputs.push(new SvitlobotOutput(config.svitlobot, place));
  if (config.mqtt) outputs.push(new MqttOutput(config.mqtt));
  if (config.prometheusFile) outputs.push(new PrometheusOutput(config.prometheusFile));
  return outputs;
}
