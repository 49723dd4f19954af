/**
 * `config.json` next to index.html: where the data comes from and in which zone the days are counted.
 * A missing file is the JSON layout in the browser's zone; a file that is there must make sense.
 */
import { DEFAULT_REFRESH_SECONDS, dataPaths, type WebConfig } from '../dashboard/contract.js';
import type { Series } from '../domain/keys.js';
import { isTimeZone, systemTimeZone } from '../domain/zone.js';

export interface AppConfig {
  config: WebConfig;
  /** The zone in use: the config's, else the browser's. */
  tz: string;
  refreshSeconds: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`config.json: "${key}" must be a string`);
  return value;
}

function parseSeries(raw: unknown): Series[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error('config.json: "series" must list at least one series');
  return raw.map((item) => {
    if (!isRecord(item) || typeof item.device !== 'string' || !Number.isInteger(item.pin)) {
      throw new Error('config.json: each of "series" needs a "device" (text) and a "pin" (number)');
    }
    return { device: item.device, pin: item.pin as number };
  });
}

/** The config as written, checked; throws one line naming what is wrong. */
export function parseConfig(raw: unknown): WebConfig {
  if (!isRecord(raw)) throw new Error('config.json: not a JSON object');
  const tz = optionalString(raw, 'tz');
  if (tz !== undefined && !isTimeZone(tz))
    throw new Error(`config.json: "tz" ${JSON.stringify(tz)} is not a time zone`);
  const title = optionalString(raw, 'title');
  const refreshSeconds = raw.refreshSeconds;
  if (refreshSeconds !== undefined && (typeof refreshSeconds !== 'number' || !(refreshSeconds >= 5))) {
    throw new Error('config.json: "refreshSeconds" must be a number of at least 5');
  }
  const base = {
    mode: optionalString(raw, 'mode') ?? '',
    ...(tz !== undefined ? { tz } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(refreshSeconds !== undefined ? { refreshSeconds } : {}),
  };
  const source = raw.source ?? 'json';
  if (source === 'json') return { ...base, source };
  if (source === 'dynamodb') {
    const region = optionalString(raw, 'region');
    if (!region) throw new Error('config.json: the DynamoDB mode needs "region"');
    const identityPoolId = optionalString(raw, 'identityPoolId');
    const endpoint = optionalString(raw, 'endpoint');
    const credentials = raw.credentials;
    if (
      credentials !== undefined &&
      (!isRecord(credentials) ||
        typeof credentials.accessKeyId !== 'string' ||
        typeof credentials.secretAccessKey !== 'string')
    ) {
      throw new Error('config.json: "credentials" needs "accessKeyId" and "secretAccessKey"');
    }
    return {
      ...base,
      source,
      region,
      series: parseSeries(raw.series),
      ...(identityPoolId !== undefined ? { identityPoolId } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(credentials !== undefined
        ? {
            credentials: {
              accessKeyId: String(credentials.accessKeyId),
              secretAccessKey: String(credentials.secretAccessKey),
            },
          }
        : {}),
    };
  }
  throw new Error(`config.json: "source" must be "json" or "dynamodb", not ${JSON.stringify(source)}`);
}

/** Reads `config.json` relative to `base` (the page's folder). */
export async function loadConfig(base: URL, signal?: AbortSignal): Promise<AppConfig> {
  const response = await fetch(new URL(dataPaths.config, base), { cache: 'no-cache', ...(signal ? { signal } : {}) });
  let config: WebConfig;
  if (response.status === 404) config = { source: 'json', mode: '' };
  else if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  else config = parseConfig(await response.json());
  return {
    config,
    tz: config.tz ?? systemTimeZone(undefined),
    refreshSeconds: config.refreshSeconds ?? DEFAULT_REFRESH_SECONDS,
  };
}
