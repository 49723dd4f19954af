/**
 * Parsers for option, argument and environment values, handed to commander (`argParser`). Each
 * returns the typed value or throws commander's InvalidArgumentError with the reason alone; the
 * one error path (run-job.ts) turns that into `invalid <flag or variable> "<value>": <reason>`.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { parseDateOrTimestamp, parseUtcDate } from '../domain/time.js';
import { DEVICE_RULE, isDeviceAlias, isMode, MODE_RULE, PIN_RULE, parsePinNumber } from '../domain/validate.js';
import { isTimeZone } from '../domain/zone.js';
import { isSensorSpec, SENSOR_RULE } from '../sensors/index.js';
import { loadSettingsFile } from './settings-file.js';

const invalid = (reason: string): never => {
  throw new InvalidArgumentError(reason);
};

export const deviceValue = (text: string): string => (isDeviceAlias(text) ? text : invalid(DEVICE_RULE));
export const pinValue = (text: string): number => parsePinNumber(text) ?? invalid(PIN_RULE);
export const modeValue = (text: string): string => (isMode(text) ? text : invalid(MODE_RULE));

/** Text that matches `re`; `reason` describes it. */
export function matching(re: RegExp, reason: string): (text: string) => string {
  return (text) => (re.test(text) ? text : invalid(reason));
}

/** A whole number from 1 to `max`. */
export function wholeNumber(max: number): (text: string) => number {
  return (text) =>
    /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= max ? Number(text) : invalid(`a whole number 1-${max}`);
}

/** A whole number from 0 to `max`. */
export function countValue(max: number): (text: string) => number {
  return (text) => (/^\d+$/.test(text) && Number(text) <= max ? Number(text) : invalid(`a whole number 0-${max}`));
}

/** One of `choices`; `reason` says them when the plain list would not read well. */
export function oneOf<T extends string>(
  choices: readonly T[],
  reason = `one of ${choices.join(', ')}`,
): (text: string) => T {
  return (text) => ((choices as readonly string[]).includes(text) ? (text as T) : invalid(reason));
}

const hasControlCharacter = (text: string): boolean => [...text].some((c) => c.charCodeAt(0) < 0x20);

/** An empty path would silently mean "the current folder" (or the default, for --db). */
export const pathValue = (text: string): string =>
  text === '' || hasControlCharacter(text) ? invalid('a non-empty path') : text;

export const endpointValue = (text: string): string =>
  /^https?:\/\/[^\s]+$/.test(text) ? text : invalid('an http:// or https:// URL');

export const regionValue = (text: string): string =>
  /^[a-z]{2}(-[a-z]+)+-\d+$/.test(text) ? text : invalid('e.g. eu-central-1');

/** An http(s) URL of a notification peer (their paths and queries are secrets: see SECRET_FLAGS). */
export function httpUrl(text: string): string {
  try {
    const url = new URL(text);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !/\s/.test(text)) return text;
  } catch {
    // Not a URL at all: said below.
  }
  return invalid('an http:// or https:// URL');
}

/** An MQTT broker URL (its password is a secret: see SECRET_FLAGS). */
export function mqttUrl(text: string): string {
  try {
    const url = new URL(text);
    if ((url.protocol === 'mqtt:' || url.protocol === 'mqtts:') && url.hostname !== '' && !/\s/.test(text)) return text;
  } catch {
    // Not a URL at all: said below.
  }
  return invalid('an mqtt:// or mqtts:// URL, e.g. mqtt://user:pass@homeassistant.local:1883');
}

/** An MQTT topic prefix: no wildcards, no empty levels. */
export const mqttTopicPrefix = (text: string): string =>
  /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(text) ? text : invalid('topic levels of A-Z a-z 0-9 _ . - split by /');

export function timeZoneValue(reason: string): (text: string) => string {
  return (text) => (isTimeZone(text) ? text : invalid(reason));
}

/**
 * Strict ISO date (`YYYY-MM-DD`, UTC midnight) or a date-time with its zone; kept as written, so a
 * later message can quote it.
 */
export const instantText = (text: string): string =>
  parseDateOrTimestamp(text)
    ? text
    : invalid('use YYYY-MM-DD or an ISO time with seconds and zone, e.g. 2025-06-21T19:00:00Z');

/** A calendar date `YYYY-MM-DD` that exists. */
export const dateValue = (text: string): string => (parseUtcDate(text) ? text : invalid('a date YYYY-MM-DD'));

export const sensorValue = (text: string): string => (isSensorSpec(text) ? text : invalid(SENSOR_RULE));

const HOST_NAME_RE =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An address to listen on: an IPv4 or IPv6 address, or a host name such as localhost. */
export const hostValue = (text: string): string =>
  // `999.1.1.1` fits the name pattern, but a name's last label is never all digits: a mistyped address.
  isIP(text) !== 0 || (HOST_NAME_RE.test(text) && !/(^|\.)\d+$/.test(text))
    ? text
    : invalid('an IP address such as 127.0.0.1 or 0.0.0.0, or a host name');

/**
 * A shared secret typed into URLs and headers: visible ASCII without URL-special characters, long
 * enough not to be guessed.
 */
export const tokenValue = (text: string): string =>
  /^[A-Za-z0-9._~-]{16,256}$/.test(text)
    ? text
    : invalid('16-256 of A-Z a-z 0-9 . _ ~ - (e.g. from: openssl rand -hex 16)');

/** `--user`: a system user name. */
export const userValue = (text: string): string =>
  /^[a-z_][a-z0-9_-]{0,31}$/.test(text) ? text : invalid('a user name');

/** Words a yes/no environment variable may hold (commander itself takes any value, even `0`, as yes). */
const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off', ''];
export const FLAG_RULE = '1/true/yes/on or 0/false/no/off';

export function flagWord(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return undefined;
}

/**
 * `--settings-file`: read as soon as commander meets it — on the command line, before any option is taken
 * from the environment, or as the first variable (the option is defined first) — so the variables it
 * sets count for every other option.
 */
export function settingsFileValue(text: string): string {
  const path = pathValue(text);
  loadSettingsFile(path);
  return path;
}
