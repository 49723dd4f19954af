/**
 * Values as they go into the job command lines: cron treats % as a newline and splits on blanks,
 * sh and systemd read $ and quotes, and the jobs run in another folder. So paths are made absolute
 * and plain, and the endpoint plain; anything else is a usage error naming the option.
 */
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../cli/errors.js';

const SAFE_PATH_RE = /^\/[A-Za-z0-9_./@+-]*$/;

export function jobPath(value: string, flag: string): string {
  const path = isAbsolute(value) ? value : resolve(value);
  if (!SAFE_PATH_RE.test(path)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: an absolute path of A-Z a-z 0-9 _ . / @ + -`);
  }
  return path;
}

/** The endpoint goes into the job command lines: no % (cron), $ or quotes (sh, systemd). */
export function jobEndpoint(value: string): string {
  // The job files are world-readable and command lines show in `ps`: no credentials in them.
  if (/^https?:\/\/[^/]*@/.test(value)) {
    throw new UsageError(
      'invalid --endpoint: credentials in the URL would be written into the job lines for everyone to read; put AWS_ENDPOINT_URL_DYNAMODB in /etc/default/blackout-monitor instead',
    );
  }
  if (!/^https?:\/\/[A-Za-z0-9._~:/@+-]+$/.test(value)) {
    throw new UsageError(
      `invalid --endpoint ${JSON.stringify(value)}: in the jobs, a URL of A-Z a-z 0-9 . _ ~ : / @ + -`,
    );
  }
  return value;
}

/** Another URL in the job lines (`--svitlobot-url`): plain, without credentials. */
export function jobUrl(value: string, flag: string): string {
  if (/^https?:\/\/[^/]*@/.test(value)) {
    throw new UsageError(
      `invalid ${flag}: credentials in the URL would be written into the job lines for everyone to read; put it in /etc/default/blackout-monitor instead`,
    );
  }
  if (!/^https?:\/\/[A-Za-z0-9._~:/@+-]+$/.test(value)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: in the jobs, a URL of A-Z a-z 0-9 . _ ~ : / @ + -`);
  }
  return value;
}

/** The MQTT URL in the job lines: a user name is fine, a password is not (world-readable files, `ps`). */
export function jobMqttUrl(value: string, flag: string): string {
  if (new URL(value).password !== '') {
    throw new UsageError(
      `invalid ${flag}: the broker password would be written into the job lines for everyone to read; put BLACKOUT_MQTT_URL=… in /etc/default/blackout-monitor instead`,
    );
  }
  if (!/^mqtts?:\/\/[A-Za-z0-9._~:/@+-]+$/.test(value)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: in the jobs, a URL of A-Z a-z 0-9 . _ ~ : / @ + -`);
  }
  return value;
}

/** A secret option is never written into the job lines: it goes into the settings file, as `variable`. */
export function jobSecret(variable: string): (value: string, flag: string) => string {
  return (_value, flag) => {
    throw new UsageError(
      `${flag} is a secret and would be written into the job lines for everyone to read; put ${variable}=… in /etc/default/blackout-monitor instead`,
    );
  };
}

/** `file:PATH` goes into the job command lines: a plain absolute path (the jobs run elsewhere). */
export const jobSensor = (spec: string): string =>
  spec.startsWith('file:') ? `file:${jobPath(spec.slice(5), '--sensor file:')}` : spec;

/** `--schedule` in the job lines: a file as a plain absolute path, a URL plain (no token in a query: see jobUrl). */
export const jobSchedule = (value: string, flag: string): string =>
  /^https?:\/\//i.test(value) ? jobUrl(value, flag) : jobPath(value, flag);

/** A word in the job lines (`--schedule-group 2.1`): cron and systemd split on blanks. */
export function jobWord(value: string, flag: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(value)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: in the jobs, A-Z a-z 0-9 . _ - without blanks`);
  }
  return value;
}
