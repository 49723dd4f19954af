/**
 * When the last Svitlobot ping succeeded, for the doctor: one small file next to the notifier's
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

export class SvitlobotPings {
  readonly path: string;
  private readonly dir: string;

  constructor(place: PingPlace) {
    this.dir = new NotifyFiles(place.bufferDir, place.mode, place.series).dir;
    this.path = join(this.dir, `svitlobot-${place.series.device}-pin${place.series.pin}.json`);
  }

  saveSuccess(at: Date): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.path, `${JSON.stringify({ lastSuccessAt: at.toISOString() })}\n`, { mode: 0o600 });
  }

  /** The last successful ping; undefined when none was recorded (or the file is not one of ours). */
  lastSuccess(): Date | undefined {
    if (!existsSync(this.path)) return undefined;
    const content = readRegularFile(this.path, 4096);
    if (!content.ok) return undefined;
    try {
      const { lastSuccessAt } = JSON.parse(content.text) as { lastSuccessAt?: unknown };
      const at = typeof lastSuccessAt === 'string' ? new Date(lastSuccessAt) : undefined;
      return at && !Number.isNaN(at.getTime()) ? at : undefined;
    } catch {
      return undefined;
    }
  }
}
