/**
 * When the last Svitlobot ping succeeded, and the last that failed (with why, secrets removed), for the doctor: one small file next to the notifier's
 * state, `<buffer-dir>/<mode>/notify/svitlobot-<device>-pin<pin>.json`, written atomically.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Series } from '../../domain/keys.js';
import { NotifyFiles } from '../../notify/outbox.js';
import { readRegularFile, writeFileAtomic } from '../../utils/files.js';

export interface PingPlace {
  bufferDir: string;
  mode: string;
  series: Series;
}

interface PingFile {
  lastSuccessAt?: unknown;
  lastFailureAt?: unknown;
  lastFailure?: unknown;
}

function dateOf(value: unknown): Date | undefined {
  const at = typeof value === 'string' ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

export class SvitlobotPings {
  readonly path: string;
  private readonly dir: string;

  constructor(place: PingPlace) {
    this.dir = new NotifyFiles(place.bufferDir, place.mode, place.series).dir;
    this.path = join(this.dir, `svitlobot-${place.series.device}-pin${place.series.pin}.json`);
  }

  saveSuccess(at: Date): void {
    this.save({ ...this.read(), lastSuccessAt: at.toISOString() });
  }

  /** `reason` must hold no secret (the caller redacts it). */
  saveFailure(at: Date, reason: string): void {
    this.save({ ...this.read(), lastFailureAt: at.toISOString(), lastFailure: reason.slice(0, 300) });
  }

  /** The last successful ping; undefined when none was recorded (or the file is not one of ours). */
  lastSuccess(): Date | undefined {
    return dateOf(this.read().lastSuccessAt);
  }

  /** The last failed ping and why; undefined when none was recorded. */
  lastFailure(): { at: Date; reason: string } | undefined {
    const state = this.read();
    const at = dateOf(state.lastFailureAt);
    return at ? { at, reason: typeof state.lastFailure === 'string' ? state.lastFailure : 'failed' } : undefined;
  }

  private save(state: PingFile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.path, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  }

  private read(): PingFile {
    if (!existsSync(this.path)) return {};
    const content = readRegularFile(this.path, 4096);
    if (!content.ok) return {};
    try {
      const parsed: unknown = JSON.parse(content.text);
      return parsed !== null && typeof parsed === 'object' ? (parsed as PingFile) : {};
    } catch {
      return {};
    }
  }
}
