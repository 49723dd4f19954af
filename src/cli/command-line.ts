/**
 * Command lines this program prints for the user to run next (the quick start's, the "try:" of a
 * message): exact and copy-pasteable — the same device, pin, mode and store — with paths as they would
 * be typed from the current folder.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { Series } from '../domain/keys.js';
import { type StoreConfig, sqliteFile } from '../stores/open-store.js';

/** A path as typed from `cwd`: relative when it is inside it, absolute otherwise. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

/** One word for a POSIX shell: as it is when it needs no quoting, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export const commandLine = (words: readonly string[]): string => words.map(shellWord).join(' ');

/**
 * The arguments selecting `config`'s store: `[device pin] mode`, then `--db` when it is not the mode's
 * default file, or `--store dynamodb` with its endpoint and region.
 */
export function storeArguments(config: StoreConfig, series?: Series, cwd = process.cwd()): string[] {
  const words = series ? [series.device, String(series.pin), config.mode] : [config.mode];
  if (config.store === 'sqlite') {
    const file = resolve(cwd, sqliteFile(config));
    if (file !== resolve(sqliteFile({ mode: config.mode }))) words.push('--db', shownPath(file, cwd));
    return words;
  }
  words.push('--store', config.store);
  if (config.endpoint) words.push('--endpoint', config.endpoint);
  if (config.region) words.push('--region', config.region);
  return words;
}
