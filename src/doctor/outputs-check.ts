/** The minute job's outputs: which are configured, and whether they have been working. */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Series } from '../domain/keys.js';
import { formatLocalIso } from '../domain/zone.js';
import { originOf } from '../notify/http.js';
import type { OutputsConfig } from '../outputs/config.js';
import { brokerOf } from '../outputs/mqtt/mqtt.js';
import { SvitlobotPings } from '../outputs/svitlobot/ping-state.js';
import { type CheckResult, fail, formatAge, ok, warn } from './check.js';

export interface OutputsCheckInput {
  outputs: OutputsConfig;
  bufferDir: string;
  mode: string;
  series: Series;
  now: Date;
  tz: string;
  /** Older than this, a ping or file is not recent. */
  staleMs: number;
}

const LOG_FIX = 'see the warnings of blackout-read-pin in logs/ (or run it with --verbose)';

export function checkSvitlobot(input: OutputsCheckInput): CheckResult {
  const { svitlobot } = input.outputs;
  if (!svitlobot) return ok('svitlobot', 'not configured (--svitlobot-key)');
  const where = `configured (${originOf(svitlobot.url)})`;
  const pings = new SvitlobotPings(input);
  const last = pings.lastSuccess();
  const failed = pings.lastFailure();
  if (failed && (!last || failed.at > last)) {
    const since = last ? `last success ${formatAge(input.now.getTime() - last.getTime())} ago` : 'no success yet';
    return warn(
      'svitlobot',
      `${where}; the last ping failed ${formatAge(input.now.getTime() - failed.at.getTime())} ago: ${failed.reason} (${since})`,
      `check the network and the key; ${LOG_FIX}`,
    );
  }
  if (!last) {
    return warn(
      'svitlobot',
      `${where}; no successful ping recorded yet`,
      `run blackout-notify-test with the same settings; ${LOG_FIX}`,
    );
  }
  const age = input.now.getTime() - last.getTime();
  const message = `${where}; last ping succeeded ${formatAge(age)} ago (${formatLocalIso(last, input.tz)})`;
  if (age <= input.staleMs) return ok('svitlobot', message);
  return warn('svitlobot', `${message}: normal while the power is off`, LOG_FIX);
}

export function checkMqtt(input: OutputsCheckInput): CheckResult | undefined {
  const { mqtt } = input.outputs;
  if (!mqtt) return undefined;
  return ok('mqtt', `configured: broker ${brokerOf(mqtt.url)}, discovery prefix ${mqtt.discoveryPrefix}`);
}

export function checkPrometheus(input: OutputsCheckInput): CheckResult | undefined {
  const file = input.outputs.prometheusFile;
  if (!file) return undefined;
  const folder = dirname(file);
  if (!existsSync(folder)) {
    return fail(
      'prometheus',
      `folder ${folder} of --prometheus-file does not exist`,
      "install prometheus-node-exporter (its textfile folder) or create the folder, writable by the job's user",
    );
  }
  if (!existsSync(file)) return warn('prometheus', `${file} not written yet`, LOG_FIX);
  const age = input.now.getTime() - statSync(file).mtimeMs;
  const message = `${file} updated ${formatAge(age)} ago`;
  return age <= input.staleMs ? ok('prometheus', message) : warn('prometheus', message, LOG_FIX);
}
