/**
 * A schedule source (a file or an http(s) URL) read into a plan. A fetched source is cached on disk
 * (atomically, with its fetch time) once it parses; while the source is unreachable, or answers
 * with something that is not a schedule, the last good copy is used and the plan says so. The cache
 * file is named by a hash of the source, so the URL (which may carry a token) is never written there.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PLAN_MAX_AGE_MS, type Plan, type ScheduleFormat } from '../domain/schedule.js';
import { httpRequest, originOf } from '../notify/http.js';
import { messageOf } from '../utils/errors.js';
import { readRegularFile, writeFileAtomic } from '../utils/files.js';
import { type PlanRequest, parsePlan, ScheduleError } from './sources/index.js';

/** Schedules are small (a region's outage-data-ua JSON is ~100 KiB); anything past this is refused. */
export const MAX_SCHEDULE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

export interface ScheduleSettings {
  /** A file path or an http(s) URL. */
  source: string;
  group: string | undefined;
  format: ScheduleFormat | undefined;
  cacheDir: string;
  timeoutMs?: number;
}

/** A plan and where it came from: what the report says next to it. */
export interface LoadedPlan {
  plan: Plan;
  /** When the text was read from the source (the file's modification time for a file). */
  fetchedAt: Date;
  /** Why the cached copy was used instead of the source (unreachable, a bad answer); null when fresh. */
  staleReason: string | null;
}

interface CacheEntry {
  fetchedAt: string;
  text: string;
}

export const isUrl = (source: string): boolean => /^https?:\/\//i.test(source);

/** The source as it may be shown: a URL by its origin only (paths and queries may hold tokens). */
export const sourceLabel = (source: string): string => (isUrl(source) ? originOf(source) : source);

const cachePath = (cacheDir: string, source: string): string =>
  join(cacheDir, `schedule-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.json`);

function readCache(path: string): CacheEntry | undefined {
  const read = readRegularFile(path, MAX_SCHEDULE_BYTES * 2);
  if (!read.ok) return undefined;
  try {
    const entry = JSON.parse(read.text) as Partial<CacheEntry>;
    if (
      typeof entry.text === 'string' &&
      typeof entry.fetchedAt === 'string' &&
      !Number.isNaN(Date.parse(entry.fetchedAt))
    ) {
      return { text: entry.text, fetchedAt: entry.fetchedAt };
    }
  } catch {
    // A damaged cache is no cache.
  }
  return undefined;
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  let response: Awaited<ReturnType<typeof httpRequest>>;
  try {
    response = await httpRequest(
      url,
      { method: 'GET', headers: { accept: 'application/json, text/calendar, */*' }, maxBytes: MAX_SCHEDULE_BYTES },
      timeoutMs,
    );
  } catch (error) {
    const reason = messageOf(error);
    throw new ScheduleError(reason.startsWith(originOf(url)) ? reason : `${originOf(url)}: ${reason}`);
  }
  if (response.status < 200 || response.status >= 300)
    throw new ScheduleError(`${originOf(url)}: HTTP ${response.status}`);
  if (response.truncated)
    throw new ScheduleError(`${originOf(url)}: the answer is larger than ${MAX_SCHEDULE_BYTES} bytes`);
  return response.body;
}

/**
 * The plan from `settings.source` over the request's span. A file is read as it is (no cache); a URL
 * is fetched, and on success cached; when the fetch or its parse fails the cache is used, else the
 * failure is thrown as a ScheduleError. `now` stamps the fetch.
 */
export async function loadPlan(
  settings: ScheduleSettings,
  request: Omit<PlanRequest, 'group'>,
  now: Date,
): Promise<LoadedPlan> {
  const planRequest = { ...request, group: settings.group };
  if (!isUrl(settings.source)) {
    const read = readRegularFile(settings.source, MAX_SCHEDULE_BYTES, { followSymlinks: true });
    if (!read.ok) throw new ScheduleError(`schedule ${settings.source}: ${read.reason}`);
    const plan = parsePlan(read.text, planRequest, settings.format);
    return { plan, fetchedAt: statSync(settings.source).mtime, staleReason: null };
  }
  const path = cachePath(settings.cacheDir, settings.source);
  let failure: string;
  try {
    const text = await fetchText(settings.source, settings.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
    // Parsed before it is cached: a bad answer never replaces a good copy.
    const plan = parsePlan(text, planRequest, settings.format);
    mkdirSync(settings.cacheDir, { recursive: true });
    writeFileAtomic(path, JSON.stringify({ fetchedAt: now.toISOString(), text } satisfies CacheEntry), { mode: 0o600 });
    return { plan, fetchedAt: now, staleReason: null };
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    failure = error.message;
  }
  const cached = readCache(path);
  if (!cached) throw new ScheduleError(`${failure}; no cached copy of it yet`);
  return {
    plan: parsePlan(cached.text, planRequest, settings.format),
    fetchedAt: new Date(cached.fetchedAt),
    staleReason: failure,
  };
}

export type CachedPlan = { ok: true; loaded: LoadedPlan } | { ok: false; reason: string };

/**
 * The plan as it stands on this machine, without asking the source: a file is read (it is local), a
 * URL's cached copy is used only when it was fetched at most PLAN_MAX_AGE_MS before `now`. For the
 * minute job and the dashboard, which must not wait on the network; never throws for a missing,
 * stale or unreadable copy (the reason says which).
 */
export function readCachedPlan(settings: ScheduleSettings, request: Omit<PlanRequest, 'group'>, now: Date): CachedPlan {
  const planRequest = { ...request, group: settings.group };
  try {
    if (!isUrl(settings.source)) {
      const read = readRegularFile(settings.source, MAX_SCHEDULE_BYTES, { followSymlinks: true });
      if (!read.ok) return { ok: false, reason: `schedule ${settings.source}: ${read.reason}` };
      const plan = parsePlan(read.text, planRequest, settings.format);
      const fetchedAt = statSync(settings.source, { throwIfNoEntry: false })?.mtime ?? now;
      return { ok: true, loaded: { plan, fetchedAt, staleReason: null } };
    }
    const cached = readCache(cachePath(settings.cacheDir, settings.source));
    if (!cached)
      return { ok: false, reason: 'no cached copy of the schedule yet (blackout-aggregate fetches it hourly)' };
    const fetchedAt = new Date(cached.fetchedAt);
    if (now.getTime() - fetchedAt.getTime() > PLAN_MAX_AGE_MS) {
      return {
        ok: false,
        reason: `the cached schedule was fetched at ${cached.fetchedAt}, more than ${PLAN_MAX_AGE_MS / 3_600_000} h ago`,
      };
    }
    const plan = parsePlan(cached.text, planRequest, settings.format);
    return { ok: true, loaded: { plan, fetchedAt, staleReason: null } };
  } catch (error) {
    if (error instanceof ScheduleError) return { ok: false, reason: error.message };
    throw error;
  }
}
