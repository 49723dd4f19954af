/**
 * Svitlobot (svitlobot.in.ua): a device pings its channel every minute while it has power, and the
 * service infers an outage from the missing pings. So one GET per fresh ON reading, and nothing
 * while OFF (a Pi on a UPS would otherwise report power all through the outage) or for an old reading
 * (a backlog flush or an `--at` backfill is no news about the power now).
 */
import { expectSuccess, httpRequest, originOf } from '../../notify/http.js';
import { messageOf } from '../../utils/errors.js';
import { secretRedactor } from '../../utils/redact.js';
import { isFreshReading, type Output, type OutputLimits, type OutputSnapshot } from '../output.js';
import { SvitlobotPings } from './ping-state.js';

export const DEFAULT_SVITLOBOT_URL = 'https://api.svitlobot.in.ua';

export interface SvitlobotOptions {
  /** The channel key (a secret: anyone holding it can report power for the channel). */
  key: string;
  /** API base URL; `channelPing` is appended. */
  url: string;
}

/** `<base>/channelPing?channel_key=KEY`; a base with a path keeps it. */
export function pingUrl(options: SvitlobotOptions): string {
  const base = new URL(options.url);
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  const url = new URL('channelPing', base);
  url.searchParams.set('channel_key', options.key);
  return url.toString();
}

/** One ping, as the minute job and blackout-notify-test send it; resolves with the HTTP status. */
export async function pingSvitlobot(options: SvitlobotOptions, timeoutMs: number): Promise<number> {
  return expectSuccess(await httpRequest(pingUrl(options), { method: 'GET' }, timeoutMs)).status;
}

export class SvitlobotOutput implements Output {
  readonly name = 'svitlobot' as const;
  readonly target: string;
  readonly secrets: readonly string[];
  readonly needsPowerState = false;
  private readonly pings: SvitlobotPings;

  constructor(
    private readonly options: SvitlobotOptions,
    place: ConstructorParameters<typeof SvitlobotPings>[0],
  ) {
    this.target = originOf(options.url);
    this.secrets = [options.key, pingUrl(options)];
    this.pings = new SvitlobotPings(place);
  }

  async publish(snapshot: OutputSnapshot, limits: OutputLimits): Promise<{ skipped?: string }> {
    const { record, now } = snapshot;
    if (!record) return { skipped: 'no reading taken' };
    if (record.reading !== 1) return { skipped: 'power is off' };
    if (!isFreshReading(record.ts, now)) return { skipped: 'the reading is older than two minutes' };
    try {
      await pingSvitlobot(this.options, limits.timeoutMs);
    } catch (error) {
      // Kept for the doctor, which would otherwise only know the last success.
      this.pings.saveFailure(now, secretRedactor(this.secrets)(messageOf(error)));
      throw error;
    }
    this.pings.saveSuccess(now);
    return {};
  }
}
