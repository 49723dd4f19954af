/**
 * `blackout-import`: many readings in one run, through the flush's own path without its files.
 *
 * Each line (or buffer file) is checked by the buffer's rules (`checkBufferedRecord`: a valid item of
 * the series, not dated in the future); the readings go to the store in batches of FLUSH_BATCH_SIZE
 * with `putMinutes`, the call and the never-overwrite rule `flushBuffer` uses, under the mode's flush
 * lock as a flush runs (DynamoDB's batched put relies on it). Writing 100k buffer files only for the
 * flush to read and delete them again would add nothing but disk wear: the readings already are
 * records, and a batch is what the flush hands the store anyway.
 *
 * `--replace` sends each minute's first reading of the import through `replaceMinutes` instead: a
 * minute holding another reading is overwritten, logged with old and new value, and left pending, so
 * the next aggregate recomputes its hour and day. It also holds the aggregate lock, so no aggregate
 * run marks done a minute this import changed under it. A later reading of the same minute in the
 * input never replaces the import's own earlier one (it goes through `putMinutes`).
 *
 * Nothing is written (no store opened, no lock taken) before the first valid reading: an input of
 * nothing but bad lines leaves no trace. Importing again is harmless: stored readings count as
 * already there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { keyText, parseItemKey, type Series } from '../domain/keys.js';
import type { MinuteRecord } from '../domain/records.js';
import type { MinuteConflict, PutMinutesResult, Store } from '../stores/store.js';
import type { FileBuffer, LockName } from '../utils/buffer.js';
import { messageOf } from '../utils/errors.js';
import { type HeldLock, tryLock } from '../utils/lock.js';
import type { Logger } from '../utils/log.js';
import { FLUSH_BATCH_SIZE } from './flush.js';
import {
  FORMAT_NAMES,
  type ImportFormat,
  ImportInputError,
  type ImportSource,
  type InputItem,
} from './import-input.js';
import { DEFAULT_FLUSH_BUDGET_MS } from './read-pin.js';

/** How many conflicts, replacements and rejections the summary lists (all of them are in the log). */
export const MAX_NOTES = 100;
/** How long to wait for a lock a flush or an aggregate run holds (they take seconds). */
export const DEFAULT_LOCK_WAIT_MS = 30_000;
/** How often a held lock is refreshed: far below read-pin's take-over after twice its flush budget. */
const LOCK_REFRESH_MS = 5_000;

export interface ImportInput {
  source: ImportSource;
  series: Series;
  /** The mode's buffer: its lock files are the ones taken. */
  buffer: FileBuffer;
  openStore: () => Promise<Store>;
  log: Logger;
  /** Overwrite minutes holding another reading (`--replace`). */
  replace?: boolean;
  batchSize?: number;
  lockWaitMs?: number;
  /** After each batch: the counts so far. */
  onProgress?: (summary: ImportSummary) => void;
}

export interface ImportNote {
  /** `line 17`, or a buffer file's name. */
  where: string;
  text: string;
}

export interface ImportSummary {
  format: ImportFormat | undefined;
  /** Lines (or files) read, blank lines and a CSV header not counted. */
  read: number;
  /** Of those, valid readings. */
  readings: number;
  stored: number;
  duplicates: number;
  conflicts: number;
  replaced: number;
  rejected: number;
  /** The first MAX_NOTES of each, in input order. */
  notes: { conflicts: ImportNote[]; replaced: ImportNote[]; rejected: ImportNote[] };
}

/** The store or a lock failed part-way: `summary` says what was imported before. */
export class ImportStopped extends Error {
  override name = 'ImportStopped';
  constructor(
    readonly summary: ImportSummary,
    /** The first line (or file) of the batch that was not stored. */
    readonly where: string,
    cause: unknown,
  ) {
    super(
      `stopped at ${where}: ${messageOf(cause)}; what came before it is imported: run the import again for the rest (readings already stored count as already there)`,
      { cause },
    );
  }
}

type Reading = { where: string; record: MinuteRecord };

const state = (r: MinuteRecord): string => `${r.reading === 1 ? 'ON' : 'OFF'} (${r.ts})`;
const minuteOf = (r: MinuteRecord): string =>
  `minute ${(parseItemKey('minutes', r)?.start.toISOString() ?? r.ts).slice(0, 16)}Z`;

export async function importReadings(input: ImportInput): Promise<ImportSummary> {
  const summary: ImportSummary = {
    format: undefined,
    read: 0,
    readings: 0,
    stored: 0,
    duplicates: 0,
    conflicts: 0,
    replaced: 0,
    rejected: 0,
    notes: { conflicts: [], replaced: [], rejected: [] },
  };
  const run = new ImportRun(input, summary);
  const size = input.batchSize ?? FLUSH_BATCH_SIZE;
  let batch: Reading[] = [];
  let at = 'the start';
  try {
    for await (const item of input.source.items()) {
      summary.format ??= input.source.format();
      summary.read++;
      if (!('record' in item)) {
        reject(input.log, summary, item);
        continue;
      }
      summary.readings++;
      batch.push(item);
      if (batch.length < size) continue;
      at = batch[0]?.where ?? at;
      await run.store(batch);
      batch = [];
      input.onProgress?.(summary);
    }
    if (batch.length > 0) {
      at = batch[0]?.where ?? at;
      await run.store(batch);
      input.onProgress?.(summary);
    }
  } catch (error) {
    if (!run.started && error instanceof ImportInputError) throw error;
    throw new ImportStopped(summary, at, error);
  } finally {
    await run.close();
  }
  summary.format ??= input.source.format();
  if (summary.readings === 0) throw new ImportInputError(nothingMessage(input.source.path, summary));
  input.log.info(
    {
      file: input.source.path,
      format: summary.format,
      read: summary.read,
      stored: summary.stored,
      duplicates: summary.duplicates,
      conflicts: summary.conflicts,
      replaced: summary.replaced,
      rejected: summary.rejected,
    },
    'import done',
  );
  return summary;
}

function nothingMessage(path: string, summary: ImportSummary): string {
  const [first] = summary.notes.rejected;
  if (!first) return `nothing to import: ${path} holds no readings`;
  const more = summary.rejected > 1 ? ` (and ${summary.rejected - 1} more rejected)` : '';
  return `nothing to import from ${path}: no ${summary.format === 'buffer-folder' ? 'file' : 'line'} is a reading; ${first.where}: ${first.text}${more}`;
}

function note(list: ImportNote[], where: string, text: string): void {
  if (list.length < MAX_NOTES) list.push({ where, text });
}

function reject(log: Logger, summary: ImportSummary, item: InputItem & { problem: string }): void {
  summary.rejected++;
  note(summary.notes.rejected, item.where, item.problem);
  log.warn({ where: item.where, reason: item.problem }, `rejected ${item.where}: ${item.problem}`);
}

/** The store and the locks, taken at the first batch and given back at the end. */
class ImportRun {
  started = false;
  private opened: Store | undefined;
  private readonly locks: HeldLock[] = [];
  private refresher: NodeJS.Timeout | undefined;
  /** With --replace: where each minute of the import came first, so a later line never replaces it. */
  private readonly first = new Map<string, string>();

  constructor(
    private readonly input: ImportInput,
    private readonly summary: ImportSummary,
  ) {}

  private async start(): Promise<Store> {
    this.started = true;
    const { buffer, log } = this.input;
    const wait = this.input.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    // read-pin's rule: a flush lock held past twice its budget is stuck (this run refreshes its own).
    this.locks.push(await waitForLock(buffer, 'flush', { maxHoldMs: 2 * DEFAULT_FLUSH_BUDGET_MS }, wait, log));
    if (this.input.replace) this.locks.push(await waitForLock(buffer, 'aggregate', {}, wait, log));
    this.refresher = setInterval(() => {
      for (const lock of this.locks) {
        try {
          lock.refresh();
        } catch (error) {
          log.warn({ err: error, lock: lock.path }, 'cannot refresh the lock file');
        }
      }
    }, LOCK_REFRESH_MS);
    this.refresher.unref();
    this.opened = await this.input.openStore();
    return this.opened;
  }

  async store(batch: readonly Reading[]): Promise<void> {
    const store = this.opened ?? (await this.start());
    const whereOf = new Map(batch.map((r) => [r.record, r.where]));
    if (!this.input.replace) {
      this.tally(await store.putMinutes(batch.map((r) => r.record)), whereOf);
      return;
    }
    const firsts: MinuteRecord[] = [];
    const repeats: MinuteRecord[] = [];
    for (const { where, record } of batch) {
      const key = keyText(record);
      if (this.first.has(key)) repeats.push(record);
      else {
        this.first.set(key, where);
        firsts.push(record);
      }
    }
    const replaced = await store.replaceMinutes(firsts);
    this.tally({ stored: replaced.stored, duplicates: replaced.duplicates, conflicts: [] }, whereOf);
    for (const change of replaced.replaced) this.replacedOne(change, whereOf.get(change.incoming) ?? '?');
    if (repeats.length > 0) this.tally(await store.putMinutes(repeats), whereOf);
  }

  private tally(put: PutMinutesResult, whereOf: Map<MinuteRecord, string>): void {
    const { log } = this.input;
    this.summary.stored += put.stored.length;
    this.summary.duplicates += put.duplicates.length;
    for (const { incoming, existing } of put.conflicts) {
      const where = whereOf.get(incoming) ?? '?';
      const earlier = this.first.get(keyText(incoming));
      const text = earlier
        ? `${minuteOf(incoming)}, already given by ${earlier} of this import, holds ${state(existing)}; this has ${state(incoming)}: kept it`
        : `${minuteOf(incoming)} is stored as ${state(existing)}, the import has ${state(incoming)}: kept the stored reading`;
      this.summary.conflicts++;
      note(this.summary.notes.conflicts, where, text);
      log.warn(
        {
          where,
          key: keyText(incoming),
          storedTs: existing.ts,
          storedReading: existing.reading,
          importedTs: incoming.ts,
          importedReading: incoming.reading,
        },
        `${where}: ${text}`,
      );
    }
  }

  private replacedOne({ incoming, existing }: MinuteConflict, where: string): void {
    const text = `${minuteOf(incoming)} was ${state(existing)}, now ${state(incoming)}`;
    this.summary.replaced++;
    note(this.summary.notes.replaced, where, text);
    this.input.log.warn(
      {
        where,
        key: keyText(incoming),
        oldTs: existing.ts,
        oldReading: existing.reading,
        newTs: incoming.ts,
        newReading: incoming.reading,
      },
      `replaced a stored reading: ${where}: ${text}`,
    );
  }

  async close(): Promise<void> {
    if (this.refresher) clearInterval(this.refresher);
    await this.opened?.close().catch(() => undefined);
    for (const lock of this.locks.reverse()) lock.release();
  }
}

const WHO: Record<LockName, string> = {
  flush: 'another run is flushing the buffer',
  aggregate: 'an aggregate run is rolling up this mode',
};

/** Takes the lock, waiting up to `waitMs` for a live holder (a flush or an aggregate run) to finish. */
async function waitForLock(
  buffer: FileBuffer,
  name: LockName,
  options: { maxHoldMs?: number },
  waitMs: number,
  log: Logger,
): Promise<HeldLock> {
  const path = buffer.lockPath(name);
  const until = Date.now() + waitMs;
  for (;;) {
    const attempt = tryLock(path, options);
    if (attempt.acquired) {
      if (attempt.lock.tookOverFrom) {
        log.warn({ staleHolder: attempt.lock.tookOverFrom }, `took over the ${name} lock of a dead run`);
      }
      return attempt.lock;
    }
    if (Date.now() >= until) {
      const holder = attempt.holder === 'unreadable' ? '' : ` (pid ${attempt.holder.pid})`;
      throw new Error(`${WHO[name]}${holder}: ${path} is held; try again when it is done`);
    }
    await sleep(Math.min(250, Math.max(0, until - Date.now())));
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `1203 lines read: 1100 stored, 90 already there, 3 conflicting, 10 rejected`. */
export function importCounts(summary: ImportSummary, replace: boolean): string {
  const unit = summary.format === 'buffer-folder' ? 'file' : 'line';
  return [
    `${plural(summary.read, unit)} read: ${summary.stored} stored`,
    `${summary.duplicates} already there`,
    ...(replace ? [`${summary.replaced} replaced`] : []),
    `${summary.conflicts} conflicting`,
    `${summary.rejected} rejected`,
  ].join(', ');
}

export interface SummaryContext {
  path: string;
  /** The store's location. */
  location: string;
  series: Series;
  mode: string;
  replace: boolean;
  /** The import stopped part-way (ImportStopped): the counts are of what came before. */
  stopped?: boolean;
}

/** The summary printed on stdout: counts, then each conflict, replacement and rejection (the first MAX_NOTES). */
export function renderImportSummary(summary: ImportSummary, context: SummaryContext): string {
  const format = summary.format ? ` (${FORMAT_NAMES[summary.format]})` : '';
  const { device, pin } = context.series;
  const out = [
    `Imported ${context.path}${format} into ${context.location}, device ${device} pin ${pin} mode ${context.mode}${context.stopped ? ', until it stopped' : ''}:`,
    `  ${importCounts(summary, context.replace)}`,
  ];
  const section = (title: string, notes: readonly ImportNote[], total: number): void => {
    if (total === 0) return;
    out.push(title, ...notes.map((n) => `  ${n.where}: ${n.text}`));
    if (total > notes.length) out.push(`  … and ${total - notes.length} more (each in the log)`);
  };
  section(
    context.replace
      ? 'Conflicting, kept (a minute this import already gave another reading):'
      : 'Conflicting, kept the stored reading (--replace replaces it):',
    summary.notes.conflicts,
    summary.conflicts,
  );
  section(
    'Replaced (the next blackout-aggregate recomputes their hours and days):',
    summary.notes.replaced,
    summary.replaced,
  );
  section('Rejected:', summary.notes.rejected, summary.rejected);
  if (summary.stored + summary.replaced > 0) {
    out.push('The next blackout-aggregate run (hourly at :05) rolls the new readings up into hours and days.');
  }
  return `${out.join('\n')}\n`;
}
