/**
 * From parsed options to the typed, frozen configuration the rest of the code takes. Precedence:
 * named option or positional argument > BLACKOUT_* environment > default. Code outside src/cli
 * never reads process.env: what it needs from the environment is resolved here.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { PublishDirSettings } from '../dashboard/publish-dir.js';
import type { Series } from '../domain/keys.js';
import type { ScheduleFormat } from '../domain/schedule.js';
import { parseDateOrTimestamp } from '../domain/time.js';
import { isInTheFuture } from '../domain/validate.js';
import { isTimeZone, systemTimeZone } from '../domain/zone.js';
import { DEFAULT_BUDGET_MS, DEFAULT_TIMEOUT_MS, type NotifyConfig } from '../notify/config.js';
import type { Language } from '../notify/messages.js';
import type { OutputsConfig } from '../outputs/config.js';
import { DEFAULT_DISCOVERY_PREFIX } from '../outputs/mqtt/discovery.js';
import { DEFAULT_SVITLOBOT_URL } from '../outputs/svitlobot/svitlobot.js';
import { isUrl, type ScheduleSettings } from '../schedule/fetch.js';
import { isGpioSensor, type SensorChoice } from '../sensors/index.js';
import type { StoreConfig } from '../stores/open-store.js';
import type { StoreKind } from '../stores/store.js';
import { defaultBufferDir, defaultDataDir, defaultLogDir } from '../utils/paths.js';
import { UsageError } from './errors.js';
import { DEFAULT_DEVICE, DEFAULT_MODE, DEFAULT_PIN } from './options.js';
import { FLAG_RULE, flagWord } from './values.js';

export interface CommonConfig extends StoreConfig {
  series: Series;
  bufferDir: string;
  logDir: string;
  logKeepDays: number;
  verbose: boolean;
}

/** The store options (withStore in commands.ts). */
type StoreOptionValues = OptionValues & {
  mode?: string;
  store?: StoreKind;
  db?: string;
  endpoint?: string;
  region?: string;
};

/** The option values every command has (withCommon in commands.ts). */
type CommonOptionValues = StoreOptionValues & {
  device?: string;
  pin?: number;
  bufferDir?: string;
  logDir?: string;
  logKeepDays?: number;
  verbose?: true;
};

type AnyCommand = Command<unknown[], OptionValues>;

/** What the process environment says beyond the options (read here only). */
export interface Environment {
  /** `TZ`, as written. */
  tz: string | undefined;
  /** `NO_COLOR` is set. */
  noColor: boolean;
  /** The user who ran sudo. */
  sudoUser: string | undefined;
  awsRegion: string | undefined;
  awsEndpointDynamodb: string | undefined;
  home: string | undefined;
}

export function environment(): Environment {
  const env = process.env;
  return {
    tz: env.TZ,
    noColor: env.NO_COLOR !== undefined,
    sudoUser: env.SUDO_USER,
    awsRegion: env.AWS_REGION,
    awsEndpointDynamodb: env.AWS_ENDPOINT_URL_DYNAMODB,
    home: env.HOME,
  };
}

/** Where an option's value came from, as the user wrote it: the flag or the variable. */
export function sourceOf(command: AnyCommand, key: string): string {
  const option = command.options.find((o) => o.attributeName() === key);
  if (!option) return key;
  return command.getOptionValueSource(key) === 'env' && option.envVar ? option.envVar : (option.long ?? key);
}

/**
 * A yes/no option given through its variable. Commander makes any value `true` (even `0`): the
 * word is read here, 1/true/yes/on or 0/false/no/off.
 */
export function flag(command: AnyCommand, key: string): boolean {
  const value = command.getOptionValue(key);
  if (command.getOptionValueSource(key) !== 'env') return Boolean(value);
  const option = command.options.find((o) => o.attributeName() === key);
  const variable = option?.envVar ?? key;
  const text = process.env[variable] ?? '';
  const word = flagWord(text);
  if (word === undefined) throw new UsageError(`invalid ${variable} ${JSON.stringify(text)}: ${FLAG_RULE}`);
  return word;
}

/** One of positional / named: both given and different is a usage error. */
function pick<T>(command: AnyCommand, positional: T | undefined, key: 'device' | 'pin' | 'mode'): T | undefined {
  const named = command.getOptionValue(key) as T | undefined;
  const fromCli = command.getOptionValueSource(key) === 'cli';
  if (positional !== undefined && fromCli && named !== positional) {
    throw new UsageError(
      `${key} given twice: ${JSON.stringify(String(positional))} and --${key} ${JSON.stringify(String(named))}`,
    );
  }
  return positional ?? named;
}

/** `[device] [pin] [mode]` as given, found by name: a command may take an argument before them (import's FILE). */
function seriesArguments(command: AnyCommand): [string?, number?, string?] {
  const at = (name: string): unknown =>
    command.processedArgs[command.registeredArguments.findIndex((a) => a.name() === name)];
  return [at('device') as string | undefined, at('pin') as number | undefined, at('mode') as string | undefined];
}

/** The mode (positional or named) and the store options. */
function storeConfig(command: AnyCommand, positionalMode: string | undefined): StoreConfig {
  const o = command.opts() as StoreOptionValues;
  const env = environment();
  return {
    mode: pick(command, positionalMode, 'mode') ?? DEFAULT_MODE,
    store: o.store ?? 'sqlite',
    ...(o.db ? { db: o.db } : {}),
    // The SDK reads AWS_ENDPOINT_URL_DYNAMODB itself too; passed on so the store can name where it is.
    ...(o.endpoint || env.awsEndpointDynamodb ? { endpoint: o.endpoint || env.awsEndpointDynamodb } : {}),
    ...(o.region ? { region: o.region } : {}),
  };
}

/** The mode and store of a command about a whole store (`[mode]` and the store options: withStore in commands.ts). */
export function resolveStore<A extends unknown[], O extends StoreOptionValues>(command: Command<A, O>): StoreConfig {
  const [mode] = command.processedArgs as unknown as [string?];
  return Object.freeze(storeConfig(command as unknown as AnyCommand, mode));
}

/** The series, mode, store and folders, from `[device] [pin] [mode]` and the common options. */
export function resolveCommon<A extends unknown[], O extends CommonOptionValues>(command: Command<A, O>): CommonConfig {
  const any = command as unknown as AnyCommand;
  const [device, pin, mode] = seriesArguments(any);
  const o = command.opts();
  return Object.freeze({
    series: Object.freeze({
      device: pick(any, device, 'device') ?? DEFAULT_DEVICE,
      pin: pick(any, pin, 'pin') ?? DEFAULT_PIN,
    }),
    ...storeConfig(any, mode),
    bufferDir: o.bufferDir ?? defaultBufferDir(),
    logDir: o.logDir ?? defaultLogDir(),
    logKeepDays: o.logKeepDays ?? 30,
    verbose: flag(any, 'verbose'),
  });
}

type ScheduleOptionValues = OptionValues & {
  schedule?: string;
  scheduleGroup?: string;
  scheduleFormat?: ScheduleFormat;
  scheduleCache?: string;
};

/**
 * `--schedule` and its companions (withSchedule in commands.ts); undefined when no schedule is given.
 * `mustExist: false` (the minute job): a schedule file gone missing is no reason to lose a reading.
 */
export function resolveSchedule<A extends unknown[], O extends ScheduleOptionValues>(
  command: Command<A, O>,
  options: { mustExist?: boolean } = {},
): ScheduleSettings | undefined {
  const o = command.opts();
  const any = command as unknown as AnyCommand;
  if (o.schedule === undefined) {
    for (const key of ['scheduleGroup', 'scheduleFormat'] as const) {
      if (o[key] !== undefined) throw new UsageError(`${sourceOf(any, key)} needs --schedule (or BLACKOUT_SCHEDULE)`);
    }
    return undefined;
  }
  const source = o.schedule;
  if (isUrl(source)) {
    // Only the kind of mistake is said: the URL may carry a token.
    if (!URL.canParse(source)) throw new UsageError(`invalid ${sourceOf(any, 'schedule')}: not a valid URL`);
  } else if (options.mustExist !== false && !existsSync(source)) {
    throw new UsageError(
      `invalid ${sourceOf(any, 'schedule')} ${JSON.stringify(source)}: no such file (or give an http(s) URL)`,
    );
  }
  return Object.freeze({
    source: isUrl(source) ? source : resolve(source),
    group: o.scheduleGroup,
    format: o.scheduleFormat,
    cacheDir: o.scheduleCache ?? join(defaultDataDir(), 'schedule'),
  });
}

/**
 * `--notify-unplanned`: the schedule to judge outages by, or undefined when not asked for. It needs
 * `--schedule`; a missing file is left to the message (which then says nothing of the schedule).
 */
export function unplannedNotes<A extends unknown[], O extends ScheduleOptionValues & { notifyUnplanned?: true }>(
  command: Command<A, O>,
): ScheduleSettings | undefined {
  const any = command as unknown as AnyCommand;
  const schedule = resolveSchedule(command, { mustExist: false });
  if (!flag(any, 'notifyUnplanned')) return undefined;
  if (!schedule) throw new UsageError(`${sourceOf(any, 'notifyUnplanned')} needs --schedule (or BLACKOUT_SCHEDULE)`);
  return schedule;
}

type SensorOptionValues = OptionValues & {
  sensor: string;
  activeLow?: true;
  sysfsRoot?: string;
  gpioget?: string;
};

export function resolveSensor<A extends unknown[], O extends SensorOptionValues>(
  command: Command<A, O>,
  pin: number,
): SensorChoice {
  const o = command.opts();
  const any = command as unknown as AnyCommand;
  const activeLow = flag(any, 'activeLow');
  // A file or the simulation gives the power state itself: inverting it would store every minute wrong.
  if (activeLow && !isGpioSensor(o.sensor)) {
    throw new UsageError(
      `${sourceOf(any, 'activeLow')} inverts a GPIO pin (sensors gpio, onoff, gpiod), not ${sourceOf(any, 'sensor')} ${o.sensor}`,
    );
  }
  return Object.freeze({
    spec: o.sensor,
    pin,
    activeLow,
    ...(o.sysfsRoot ? { sysfsRoot: o.sysfsRoot } : {}),
    ...(o.gpioget ? { gpioget: o.gpioget } : {}),
  });
}

type NotifyOptionValues = OptionValues & {
  webhookUrl?: string;
  webhookSecret?: string;
  telegramToken?: string;
  telegramChatId?: string;
  telegramApiUrl?: string;
  ntfyUrl?: string;
  ntfyToken?: string;
  heartbeatUrl?: string;
  lang: Language;
  timeZone?: string;
  debounce: number;
  gapMinutes: number;
  notifyTimeout: number;
};

/** The notification settings; options that only make sense together are checked here. */
export function resolveNotify<A extends unknown[], O extends NotifyOptionValues>(command: Command<A, O>): NotifyConfig {
  const o = command.opts();
  if (o.webhookSecret !== undefined && o.webhookUrl === undefined) {
    throw new UsageError('--webhook-secret needs --webhook-url');
  }
  if (o.ntfyToken !== undefined && o.ntfyUrl === undefined) throw new UsageError('--ntfy-token needs --ntfy-url');
  if ((o.telegramToken === undefined) !== (o.telegramChatId === undefined)) {
    throw new UsageError('Telegram needs both --telegram-token and --telegram-chat-id');
  }
  const timeoutMs = o.notifyTimeout * 1000;
  return Object.freeze({
    ...(o.webhookUrl !== undefined
      ? { webhook: { url: o.webhookUrl, ...(o.webhookSecret !== undefined ? { secret: o.webhookSecret } : {}) } }
      : {}),
    ...(o.telegramToken !== undefined && o.telegramChatId !== undefined
      ? {
          telegram: {
            token: o.telegramToken,
            chatId: o.telegramChatId,
            ...(o.telegramApiUrl !== undefined ? { apiUrl: o.telegramApiUrl } : {}),
          },
        }
      : {}),
    ...(o.ntfyUrl !== undefined
      ? { ntfy: { url: o.ntfyUrl, ...(o.ntfyToken !== undefined ? { token: o.ntfyToken } : {}) } }
      : {}),
    ...(o.heartbeatUrl !== undefined ? { heartbeatUrl: o.heartbeatUrl } : {}),
    lang: o.lang,
    ...(o.timeZone !== undefined ? { timeZone: o.timeZone } : {}),
    debounce: o.debounce,
    gapMinutes: o.gapMinutes,
    timeoutMs,
    // The budget never goes below two request timeouts, so at least one event per run can go out.
    budgetMs: Math.max(DEFAULT_BUDGET_MS, 2 * timeoutMs),
  });
}

type OutputOptionValues = OptionValues & {
  svitlobotKey?: string;
  svitlobotUrl?: string;
  mqttUrl?: string;
  mqttDiscoveryPrefix?: string;
  prometheusFile?: string;
  notifyTimeout?: number;
};

/** The outputs of the minute job (src/outputs); each is off unless configured. */
export function resolveOutputs<A extends unknown[], O extends OutputOptionValues>(
  command: Command<A, O>,
): OutputsConfig {
  const o = command.opts();
  const any = command as unknown as AnyCommand;
  if (o.svitlobotUrl !== undefined && o.svitlobotKey === undefined) {
    throw new UsageError(`${sourceOf(any, 'svitlobotUrl')} needs --svitlobot-key`);
  }
  const timeoutMs = (o.notifyTimeout ?? DEFAULT_TIMEOUT_MS / 1000) * 1000;
  return Object.freeze({
    ...(o.svitlobotKey !== undefined
      ? { svitlobot: { key: o.svitlobotKey, url: o.svitlobotUrl ?? DEFAULT_SVITLOBOT_URL } }
      : {}),
    ...(o.mqttUrl !== undefined
      ? { mqtt: { url: o.mqttUrl, discoveryPrefix: o.mqttDiscoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX } }
      : {}),
    ...(o.prometheusFile !== undefined ? { prometheusFile: resolve(o.prometheusFile) } : {}),
    timeoutMs,
    // As the notifications': the outputs run beside them, after the flush.
    budgetMs: Math.max(DEFAULT_BUDGET_MS, 2 * timeoutMs),
  });
}

/** `--at`: the time a reading is stamped with, never in the future. */
export function readingTime<A extends unknown[], O extends OptionValues & { at?: string }>(
  command: Command<A, O>,
  now: Date,
): Date | undefined {
  const text = command.opts().at;
  const at = text === undefined ? undefined : parseDateOrTimestamp(text);
  if (text === undefined || at === undefined) return undefined;
  if (isInTheFuture(at, now)) {
    throw new UsageError(
      `invalid ${sourceOf(command as unknown as AnyCommand, 'at')} ${JSON.stringify(text)}: in the future (the clock says ${now.toISOString()}); readings can only be backfilled`,
    );
  }
  return at;
}

/** `--out FILE`, absolute; its folder must exist. */
export function outFile<A extends unknown[], O extends OptionValues & { out?: string }>(
  command: Command<A, O>,
): string | undefined {
  const text = command.opts().out;
  if (text === undefined) return undefined;
  const out = resolve(text);
  const folder = dirname(out);
  if (!existsSync(folder))
    throw new UsageError(`invalid --out ${JSON.stringify(text)}: folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory())
    throw new UsageError(`invalid --out ${JSON.stringify(text)}: ${folder} is not a folder`);
  return out;
}

/**
 * The zone for local days and hours: `--tz`, else `TZ`, else the system's. A `TZ` that names an
 * unknown zone (`Mars/Olympus`) is a usage error, not a silent UTC; a file form (`:/etc/localtime`)
 * means the system's zone.
 */
export function localTimeZone(tzOption: string | undefined, env: Environment): string {
  if (tzOption !== undefined) return tzOption;
  const named = env.tz?.replace(/^:/, '');
  // Only an Area/Location name is judged: POSIX rules (`CET-1CEST,M3.5.0,M10.5.0/3`) and file forms are
  // the system's business.
  if (named && /^[A-Za-z_+-]+\/[A-Za-z0-9_+/-]+$/.test(named) && !isTimeZone(named)) {
    throw new UsageError(`invalid TZ ${JSON.stringify(env.tz)}: an IANA time zone such as Europe/Kyiv or UTC`);
  }
  return systemTimeZone(env.tz);
}

/** The built web app next to the running bundle: `dist/web` beside `dist/<command>.js` (`entryUrl`). */
export const defaultWebDir = (entryUrl: string): string => fileURLToPath(new URL('web', entryUrl));

/**
 * `--publish-dir` of read-pin and aggregate: the folder, the app of this installation (`entryUrl` is the
 * entrypoint's import.meta.url), the zone of a new folder (TZ or the system's), the store and series.
 */
export function publishDirSettings<A extends unknown[], O extends OptionValues & { publishDir?: string }>(
  command: Command<A, O>,
  config: CommonConfig,
  entryUrl: string,
  schedule?: ScheduleSettings,
): PublishDirSettings | undefined {
  const dir = command.opts().publishDir;
  if (dir === undefined) return undefined;
  return Object.freeze({
    dir: resolve(dir),
    webDir: defaultWebDir(entryUrl),
    tz: localTimeZone(undefined, environment()),
    store: {
      store: config.store,
      mode: config.mode,
      ...(config.db ? { db: config.db } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.region ? { region: config.region } : {}),
    },
    series: config.series,
    ...(schedule ? { schedule } : {}),
  });
}
