/**
 * The dashboard as static files (src/dashboard/contract.ts): the web app, `config.json` and the JSON
 * layout, written into a folder any static host can serve. `blackout-publish` writes the whole folder;
 * read-pin and aggregate with `--publish-dir` refresh the parts their run changed.
 *
 * Every file is written atomically and only when its content changed, so an unchanged file keeps its
 * inode and mtime (`aws s3 sync` uploads nothing, a web server's ETag stays). The time a file was made
 * (`generatedAt` in the JSON, DTSTAMP in the calendar) is not content: a day whose minutes are the
 * same keeps the file, and the time, of the run that first wrote them.
 */
import { type Dirent, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Series } from '../domain/keys.js';
import { DAY_MS, floorToDay, parseUtcDate, utcDate } from '../domain/time.js';
import type { ScheduleSettings } from '../schedule/fetch.js';
import { bySeries, type Store } from '../stores/store.js';
import { writeFileAtomic } from '../utils/files.js';
import {
  DEFAULT_REFRESH_SECONDS,
  type DevicesJson,
  type DynamoWebConfig,
  dataPaths,
  type JsonWebConfig,
  utcDaysBetween,
  type WebConfig,
} from './contract.js';
import {
  devicesResource,
  minutesResource,
  outagesIcsResource,
  type ResourceContext,
  scheduleResource,
  statusResource,
} from './resources.js';

/** One file of the folder: its path relative to the folder (`/`-separated) and its content. */
export interface FolderFile {
  path: string;
  data: string | Uint8Array;
}

export interface FolderSummary {
  /** Paths written (new or changed). */
  written: string[];
  unchanged: number;
  /** Paths of earlier runs removed as no longer produced. */
  removed: string[];
}

/** The web app's files (`index.html` and its assets), read from a built web folder. */
export interface WebApp {
  dir: string;
  files: FolderFile[];
}

/** The built app in `dir`; undefined when there is none (no folder, or no index.html in it). */
export function readWebApp(dir: string): WebApp | undefined {
  if (!isFile(join(dir, 'index.html'))) return undefined;
  const files: FolderFile[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const rel = relative(dir, path).split(sep).join('/');
      // The data are this folder's own: a config.json or api/ left in the build is not the app.
      if (rel === dataPaths.config || rel === 'api') continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push({ path: rel, data: readFileSync(path) });
    }
  };
  walk(dir);
  return { dir, files };
}

const isFile = (path: string): boolean => {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
};

/** Content without the time it was made: what decides whether a file changed. */
function comparable(path: string, bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  if (path.endsWith('.json')) {
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const { generatedAt: _made, ...rest } = value as Record<string, unknown>;
        return JSON.stringify(rest);
      }
    } catch {
      // Not JSON (a damaged file): compared as written, so it is replaced.
    }
    return text;
  }
  if (path.endsWith('.ics')) return text.replace(/^DTSTAMP:[^\r\n]*\r?\n/gm, '');
  return text;
}

const asBytes = (data: string | Uint8Array): Buffer =>
  typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);

/** The absolute path of `path` inside `dir`; throws for a path that would leave it or name a dot folder. */
function inside(dir: string, path: string): string {
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`cannot publish ${JSON.stringify(path)}: not a plain path inside the folder`);
  }
  const full = resolve(dir, path);
  if (!full.startsWith(dir + sep)) throw new Error(`cannot publish ${JSON.stringify(path)}: outside the folder`);
  return full;
}

/** Every regular file under `dir/sub`, as folder-relative paths; none when it does not exist. */
function filesUnder(dir: string, sub: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(dir, sub), { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // A temp file of a killed run is not ours to keep either.
  // Dirent.parentPath is Node 20.12+; earlier 20.x name the same folder `path`.
  const folderOf = (entry: Dirent): string => entry.parentPath ?? (entry as Dirent & { path: string }).path;
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(folderOf(entry), entry.name)));
}

/**
 * Writes `files` into `dir` (created if needed), each only when its content differs from what is there,
 * and removes the files under `ownedFolders` (folder-relative, e.g. `api`) that this run did not produce,
 * with the folders left empty.
 */
export function syncFolder(
  dir: string,
  files: readonly FolderFile[],
  ownedFolders: readonly string[] = [],
): FolderSummary {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const summary: FolderSummary = { written: [], unchanged: 0, removed: [] };
  const produced = new Set<string>();
  for (const file of files) {
    const full = inside(root, file.path);
    produced.add(file.path);
    const bytes = asBytes(file.data);
    let old: Buffer | undefined;
    try {
      old = readFileSync(full);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (old && (old.equals(bytes) || comparable(file.path, old) === comparable(file.path, bytes))) {
      summary.unchanged++;
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileAtomic(full, bytes);
    summary.written.push(file.path);
  }
  for (const folder of ownedFolders) {
    for (const path of filesUnder(root, folder)) {
      if (produced.has(path)) continue;
      unlinkSync(join(root, path));
      summary.removed.push(path);
    }
    removeEmptyFolders(root, folder);
  }
  return summary;
}

function removeEmptyFolders(root: string, rel: string): boolean {
  const full = join(root, rel);
  let entries: Dirent[];
  try {
    entries = readdirSync(full, { withFileTypes: true });
  } catch {
    return false;
  }
  let empty = true;
  for (const entry of entries) {
    if (!entry.isDirectory() || !removeEmptyFolders(root, `${rel}/${entry.name}`)) empty = false;
  }
  if (empty) rmdirSync(full);
  return empty;
}

const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

/** The UTC days ending with `now`'s, `count` of them, oldest first. */
export function lastUtcDays(count: number, now: Date): string[] {
  const tomorrow = floorToDay(now).getTime() + DAY_MS;
  return utcDaysBetween(new Date(tomorrow - count * DAY_MS), new Date(tomorrow));
}

/** The days of `days` from the series' first reading on: a day before it needs no file. */
function monitoredDays(days: readonly string[], devices: DevicesJson, series: Series): string[] {
  const found = devices.series.find((s) => s.device === series.device && s.pin === series.pin);
  if (!found) return [];
  const first = utcDate(new Date(found.firstReading));
  return days.filter((day) => day >= first);
}

/** The per-series files: status, calendar and the given days' minutes. */
async function seriesFiles(
  ctx: ResourceContext,
  series: Series,
  what: { tz: string; days: readonly string[]; status: boolean; calendar: boolean; schedule?: ScheduleSettings },
): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  if (what.schedule) {
    files.push({ path: dataPaths.schedule(series), data: json(scheduleResource(ctx, series, what.schedule, what.tz)) });
  }
  if (what.status) {
    files.push({ path: dataPaths.status(series), data: json(await statusResource(ctx, series, what.tz)) });
  }
  if (what.calendar) {
    files.push({ path: dataPaths.outagesIcs(series), data: await outagesIcsResource(ctx, series, what.tz) });
  }
  for (const day of what.days) {
    files.push({ path: dataPaths.minutes(series, day), data: json(await minutesResource(ctx, series, day)) });
  }
  return files;
}

const seriesFolder = (series: Series): string => dirname(dataPaths.minutes(series, '2000-01-01'));

/** Where the browser reads DynamoDB (everything of DynamoWebConfig but the mode, zone and series). */
export type DynamoTarget = Pick<
  DynamoWebConfig,
  'region' | 'identityPoolId' | 'guestRoleArn' | 'endpoint' | 'credentials'
>;

export interface PublishRequest {
  /** The store to read; not needed for DynamoDB mode with the series given. */
  store?: Store;
  outDir: string;
  app: WebApp;
  mode: string;
  tz: string;
  now: Date;
  /** UTC days of minute files, ending today. */
  days: number;
  /** Only this series; default every series the store holds. */
  series?: Series;
  /** Absent: the JSON layout. */
  dynamodb?: DynamoTarget;
  /** The outage schedule: its cached plan goes into api/schedule/ (JSON layout only). */
  schedule?: ScheduleSettings;
  signal?: AbortSignal;
}

export interface PublishSummary extends FolderSummary {
  series: number;
}

/**
 * The whole folder: the app, `config.json`, and (JSON mode) the layout for every series or the one
 * given. Minute files of days before a series' first reading are not written (the app takes a missing
 * day as no data, and the day of the first reading says where monitoring began). What a previous run
 * wrote and this one does not — minute days past `days`, a series the store no longer holds, all of
 * `api/` in DynamoDB mode — is removed; with one series given, only that series' old days are, and
 * the other series `api/devices.json` already lists stay listed.
 */
export async function publishFolder(request: PublishRequest): Promise<PublishSummary> {
  const { now, mode, tz } = request;
  const files: FolderFile[] = [...request.app.files];
  if (request.dynamodb) {
    const series = request.series
      ? [request.series]
      : (await requireStore(request).listSeries(signalOf(request))).map(({ device, pin }) => ({ device, pin }));
    const config: DynamoWebConfig = {
      source: 'dynamodb',
      ...request.dynamodb,
      mode,
      tz,
      refreshSeconds: DEFAULT_REFRESH_SECONDS,
      series,
    };
    files.push({ path: dataPaths.config, data: json(config) });
    return { ...syncFolder(request.outDir, files, ['api']), series: series.length };
  }
  const store = requireStore(request);
  const ctx: ResourceContext = { store, mode, now, ...(request.signal ? { signal: request.signal } : {}) };
  const config: JsonWebConfig = { source: 'json', mode, tz, refreshSeconds: DEFAULT_REFRESH_SECONDS };
  files.push({ path: dataPaths.config, data: json(config) });
  const all = await devicesResource(ctx);
  const listed = request.series ? keepListed(all, [request.series, ...listedSeries(request.outDir, mode)]) : all;
  files.push({ path: dataPaths.devices, data: json(listed) });
  const chosen = request.series ? [request.series] : all.series;
  const days = lastUtcDays(request.days, now);
  for (const series of chosen) {
    const seriesDays = monitoredDays(days, all, series);
    files.push(
      ...(await seriesFiles(ctx, series, {
        tz,
        days: seriesDays,
        status: true,
        calendar: true,
        ...(request.schedule ? { schedule: request.schedule } : {}),
      })),
    );
  }
  const owned = request.series ? [seriesFolder(request.series)] : ['api'];
  return { ...syncFolder(request.outDir, files, owned), series: chosen.length };
}

function requireStore(request: { store?: Store }): Store {
  if (!request.store) throw new Error('publishing this needs the store');
  return request.store;
}

const signalOf = (request: { signal?: AbortSignal }) => (request.signal ? { signal: request.signal } : {});

/** The series a published folder's `api/devices.json` lists (of `mode`); none when there is no such file. */
function listedSeries(dir: string, mode: string): Series[] {
  try {
    const devices = JSON.parse(readFileSync(join(dir, dataPaths.devices), 'utf8')) as {
      mode?: unknown;
      series?: unknown;
    };
    if (devices.mode !== mode || !Array.isArray(devices.series)) return [];
    return (devices.series as Partial<Series>[]).flatMap((s) =>
      typeof s?.device === 'string' && Number.isInteger(s?.pin) ? [{ device: s.device, pin: s.pin as number }] : [],
    );
  } catch {
    return [];
  }
}

/** `devices` with only the series in `wanted` (those the store holds). */
function keepListed(devices: DevicesJson, wanted: readonly Series[]): DevicesJson {
  const keys = new Set(wanted.map((s) => `${s.device}\u0000${s.pin}`));
  return { ...devices, series: devices.series.filter((s) => keys.has(`${s.device}\u0000${s.pin}`)).sort(bySeries) };
}

/** The folder's `config.json`, when it is one. */
function readConfig(dir: string): WebConfig | undefined {
  try {
    const config = JSON.parse(readFileSync(join(dir, dataPaths.config), 'utf8')) as Partial<WebConfig>;
    return config.source === 'json' || config.source === 'dynamodb' ? (config as WebConfig) : undefined;
  } catch {
    return undefined;
  }
}

export interface UpdateRequest {
  store: Store;
  dir: string;
  /** The built app; undefined when it is not built (the data are still updated). */
  app: WebApp | undefined;
  mode: string;
  series: Series;
  now: Date;
  /** The zone for a new folder's config.json; an existing config.json's zone wins. */
  tz: string;
  /** UTC days (`YYYY-MM-DD`) whose minute files to refresh. */
  days: readonly string[];
  /** Also the calendar (hourly, by aggregate). */
  calendar?: boolean;
  /** Remove this series' minute files of days before the last `keepDays` UTC days. */
  keepDays?: number;
  /** Also the series' schedule file (hourly, by aggregate, after it refreshed the cache). */
  schedule?: ScheduleSettings;
  signal?: AbortSignal;
}

/**
 * What one run of read-pin or aggregate changed: `api/devices.json` (this series and the others the
 * folder already lists), the series' status, the given days' minutes and, if asked, the calendar; the
 * app and `config.json` when the folder has none yet or the app changed. A folder whose config.json
 * says DynamoDB needs no data files: only the app is kept current there.
 */
export async function updatePublished(request: UpdateRequest): Promise<PublishSummary> {
  const { store, dir, mode, series, now } = request;
  const files: FolderFile[] = [...(request.app?.files ?? [])];
  const config = readConfig(dir);
  if (config?.source === 'dynamodb') return { ...syncFolder(dir, files), series: 0 };
  const tz = config?.tz ?? request.tz;
  if (!config) {
    const fresh: JsonWebConfig = { source: 'json', mode, tz, refreshSeconds: DEFAULT_REFRESH_SECONDS };
    files.push({ path: dataPaths.config, data: json(fresh) });
  }
  const ctx: ResourceContext = { store, mode, now, ...signalOf(request) };
  const all = await devicesResource(ctx);
  files.push({ path: dataPaths.devices, data: json(keepListed(all, [series, ...listedSeries(dir, mode)])) });
  const wanted = [...new Set(request.days)].filter((day) => parseUtcDate(day) && day <= utcDate(now));
  const days = monitoredDays(wanted, all, series);
  files.push(
    ...(await seriesFiles(ctx, series, {
      tz,
      days,
      status: true,
      calendar: request.calendar === true,
      ...(request.schedule ? { schedule: request.schedule } : {}),
    })),
  );
  const result = syncFolder(dir, files);
  if (request.keepDays !== undefined)
    result.removed.push(...removeOldDays(dir, series, lastUtcDays(request.keepDays, now)[0] ?? ''));
  return { ...result, series: 1 };
}

/** Removes `series`' minute files of days before `firstKept`. */
function removeOldDays(dir: string, series: Series, firstKept: string): string[] {
  const folder = seriesFolder(series);
  const removed: string[] = [];
  for (const path of filesUnder(resolve(dir), folder)) {
    const day = path.slice(folder.length + 1).replace(/\.json$/, '');
    if (parseUtcDate(day) && day < firstKept) {
      unlinkSync(join(resolve(dir), path));
      removed.push(path);
    }
  }
  return removed;
}

/** The UTC days a reading run refreshes: today's, and in the first minutes after UTC midnight yesterday's too. */
export function daysAfterReading(now: Date, reading?: Date): string[] {
  const days = new Set([utcDate(now)]);
  // A reading of 23:59 may be flushed after midnight (or by the next run): yesterday still changes then.
  if (now.getTime() - floorToDay(now).getTime() < YESTERDAY_WINDOW_MS)
    days.add(utcDate(new Date(now.getTime() - DAY_MS)));
  if (reading) days.add(utcDate(reading));
  return [...days].sort();
}

const YESTERDAY_WINDOW_MS = 10 * 60_000;
