/**
 * The registry memo of the minute job, in a small file of its buffer folder: which series this machine
 * saw registered in which DynamoDB tables, and when. Without it every read-pin run (a fresh process
 * each minute) asked DynamoDB with a GetItem: 720 read units a device-day, three quarters of all reads.
 * An entry is trusted for a day, then asked again; a registry item lost meanwhile is put back by the
 * hourly aggregate (its month counts). Node only: the adapter itself stays loadable in a browser.
 */
import { DAY_MS } from '../../domain/time.js';
import { readRegularFile, writeFileAtomic } from '../../utils/files.js';
import type { RegistryMemo } from './dynamodb-store.js';

/** A few hundred bytes per series; anything larger is not this file. */
const MAX_MEMO_BYTES = 64 * 1024;

function load(path: string): Record<string, string> {
  const content = readRegularFile(path, MAX_MEMO_BYTES);
  if (!content.ok) return {};
  try {
    const parsed: unknown = JSON.parse(content.text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    // A damaged memo only costs one lookup: it is rewritten by the next registration.
    return {};
  }
}

export function fileRegistryMemo(path: string, now: Date, maxAgeMs = DAY_MS): RegistryMemo {
  const fresh = (seen: string | undefined): boolean => {
    const t = seen === undefined ? Number.NaN : Date.parse(seen);
    return t <= now.getTime() && now.getTime() - t < maxAgeMs;
  };
  return {
    has: (key) => fresh(load(path)[key]),
    remember: (key) => {
      const kept = Object.fromEntries(Object.entries(load(path)).filter(([, seen]) => fresh(seen)));
      try {
        writeFileAtomic(path, `${JSON.stringify({ ...kept, [key]: now.toISOString() })}\n`, { mode: 0o600 });
      } catch {
        // Never a reason to fail a reading: the next run asks DynamoDB again.
      }
    },
  };
}
