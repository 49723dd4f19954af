/**
 * A mistyped device, pin or mode is a usage error, not an empty report: the commands that read one
 * series check the store holds it before anything else happens (no log, no buffer folder, no
 * database created), and say what the store does hold.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Series } from '../domain/keys.js';
import { isMode } from '../domain/validate.js';
import { openStore, type StoreConfig, sqliteFile } from '../stores/open-store.js';
import type { SeriesSummary, Store } from '../stores/store.js';
import { defaultDataDir } from '../utils/paths.js';
import { commandLine, shownPath, storeArguments } from './command-line.js';
import { UsageError } from './errors.js';

/** How readings get into a store, for the message about one that holds none. */
export const HOW_READINGS_GET_THERE =
  'blackout-read-pin stores a reading every minute; blackout-copy brings them from another store';

/** Series named in one message at most; the rest are counted. */
const NAMED = 10;
/** Other databases named in one message at most. */
const OTHERS = 5;

export const seriesName = (series: Series): string => `${series.device} pin ${series.pin}`;

/** `data/prod.sqlite`, or the DynamoDB tables and endpoint. */
const shownLocation = (store: Store): string => (store.kind === 'sqlite' ? shownPath(store.location) : store.location);

/** `it holds: alex_rpi pin 4, garage pin 17`, or that it holds none and how readings get there. */
function holdings(held: readonly SeriesSummary[]): string {
  if (held.length === 0) return `it holds none yet (${HOW_READINGS_GET_THERE})`;
  const named = held.slice(0, NAMED).map(seriesName).join(', ');
  return `it holds: ${named}${held.length > NAMED ? ` and ${held.length - NAMED} more` : ''}`;
}

/** A UsageError naming what the store holds when it has no reading of `series`. */
export async function requireSeries(store: Store, series: Series, signal?: AbortSignal): Promise<void> {
  const options = signal ? { signal } : {};
  if (await store.hasReadings(series, options)) return;
  const held = await store.listSeries(options);
  throw new UsageError(
    `no readings for device ${JSON.stringify(series.device)} pin ${series.pin} in ${shownLocation(store)}; ${holdings(held)}`,
  );
}

export interface MissingDatabaseOptions {
  /** The command the hints run (`report` → `blackout-report …`). */
  command: string;
  /** Whether the command takes `device pin` before the mode. */
  perSeries: boolean;
  /** The default database folder (data/ of the project). */
  dataDir?: string;
  cwd?: string;
}

/**
 * The message for a SQLite file that does not exist: the other databases in its folder, each with the
 * command that reads it (`there is data/demo.sqlite (try: blackout-report demo 4 demo)`). Opens them
 * read-only, changing nothing.
 */
export async function missingDatabase(config: StoreConfig, options: MissingDatabaseOptions): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const file = resolve(cwd, sqliteFile(config));
  const folder = dirname(file);
  const inDataDir = folder === resolve(options.dataDir ?? defaultDataDir());
  const lead = `no database ${shownPath(file, cwd)}`;
  const names = isFolder(folder)
    ? readdirSync(folder)
        .filter((name) => name.endsWith('.sqlite') && join(folder, name) !== file)
        .sort()
    : [];
  if (names.length === 0) {
    return `${lead}, and no other in ${shownPath(folder, cwd)} (blackout-read-pin creates it with the first reading)`;
  }
  const hints: string[] = [];
  for (const name of names.slice(0, OTHERS)) {
    const path = join(folder, name);
    const mode = basename(name, '.sqlite');
    // In data/ the file is the mode's own; elsewhere (or named unlike a mode) it is given with --db.
    const other: StoreConfig = {
      store: 'sqlite',
      mode: isMode(mode) ? mode : config.mode,
      ...(inDataDir && isMode(mode) ? {} : { db: path }),
    };
    const first = await firstSeries(path);
    const args = options.perSeries ? (first ? storeArguments(other, first, cwd) : undefined) : storeArguments(other);
    const hint = args
      ? ` (try: ${commandLine([`blackout-${options.command}`, ...args])})`
      : first === null
        ? ' (no readings yet)'
        : '';
    hints.push(`${shownPath(path, cwd)}${hint}`);
  }
  const more = names.length > OTHERS ? ` and ${names.length - OTHERS} more` : '';
  return `${lead}; there ${names.length === 1 ? 'is' : 'are'} ${hints.join(', ')}${more}`;
}

const isFolder = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/** The first series a database holds; null when it holds none, undefined when it cannot be read. */
async function firstSeries(file: string): Promise<Series | null | undefined> {
  try {
    const store = await openStore({ store: 'sqlite', mode: 'dev', db: file }, { access: 'read' });
    try {
      const [first] = await store.listSeries();
      return first ? { device: first.device, pin: first.pin } : null;
    } finally {
      await store.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Opens `config`'s store for reading, having checked it holds `series`: a SQLite file that does not
 * exist, or a series without readings, is a UsageError saying what there is instead. Nothing is
 * created either way.
 */
export async function openSeriesReader(
  command: string,
  config: StoreConfig & { series: Series },
  signal?: AbortSignal,
): Promise<Store> {
  if (config.store === 'sqlite' && !existsSync(sqliteFile(config))) {
    throw new UsageError(await missingDatabase(config, { command, perSeries: true }));
  }
  const store = await openStore(config, { access: 'read', ...(signal ? { signal } : {}) });
  try {
    await requireSeries(store, config.series, signal);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
