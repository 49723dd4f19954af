/**
 * Glue between the every-minute job and notifications: turns the new reading into events (through the
 * saved state), queues them, delivers what fits in the time budget, and pings the heartbeat. Nothing
 * here throws into the job: a notification problem is logged and never fails or slows the reading
 * beyond the budget.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Series } from '../domain/keys.js';
import { initialPowerState, observeReading } from '../domain/power-events.js';
import type { MinuteRecord } from '../domain/records.js';
import { parseTimestamp } from '../domain/time.js';
import type { Logger } from '../utils/log.js';
import type { Channel } from './channels/channel.js';
import { configSecrets, createChannels, type NotifyConfig } from './config.js';
import { deliverOutbox } from './delivery.js';
import { heartbeatStyle, pingHeartbeat } from './heartbeat.js';
import { originOf } from './http.js';
import { eventText } from './messages.js';
import { NotifyFiles } from './outbox.js';
import { type Redactor, secretRedactor } from './redact.js';

/** How long to wait for another run to finish updating the state. */
const STATE_LOCK_WAIT_MS = 3_000;

export interface NotifierPlace {
  bufferDir: string;
  mode: string;
  series: Series;
}

/** What the heartbeat reports about a run: undefined = the reading failed. */
export interface RunOutcome {
  record?: Pick<MinuteRecord, 'reading'>;
  storeError?: string;
}

export class Notifier {
  readonly channels: Channel[];
  readonly files: NotifyFiles;
  readonly redact: Redactor;

  constructor(
    readonly config: NotifyConfig,
    readonly place: NotifierPlace,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.channels = createChannels(config);
    this.files = new NotifyFiles(place.bufferDir, place.mode, place.series);
    this.redact = secretRedactor(configSecrets(config, this.channels));
  }

  /** Records events from `record` (if any reading was taken) and delivers queued events. Never throws. */
  async afterReading(record: MinuteRecord | undefined): Promise<void> {
    if (this.channels.length === 0) return;
    const started = Date.now();
    try {
      if (record) await this.record(record);
    } catch (error) {
      this.log.error({ error: this.redact((error as Error).message) }, 'could not record power events');
    }
    let release: (() => void) | undefined;
    try {
      release = this.files.lock('delivery');
      if (!release) {
        this.log.info('another run is delivering notifications; leaving them to it');
        return;
      }
      const report = await deliverOutbox(this.files, {
        channels: this.channels,
        lang: this.config.lang,
        ...(this.config.timeZone ? { timeZone: this.config.timeZone } : {}),
        timeoutMs: this.config.timeoutMs,
        deadline: started + this.config.budgetMs,
        log: this.log,
        redact: this.redact,
        now: this.now,
      });
      if (report.sent + report.failed + report.queued > 0) this.log.info({ ...report }, 'notification outbox');
    } catch (error) {
      this.log.error({ error: this.redact((error as Error).message) }, 'could not deliver notifications');
    } finally {
      release?.();
    }
  }

  private async record(record: MinuteRecord): Promise<void> {
    const at = parseTimestamp(record.ts);
    if (!at) return;
    let release = this.files.lock('state');
    for (let waited = 0; !release && waited < STATE_LOCK_WAIT_MS; waited += 100) {
      await sleep(100);
      release = this.files.lock('state');
    }
    if (!release) {
      this.log.warn('notification state is locked by another run; this reading is not checked for power changes');
      return;
    }
    try {
      const loaded = this.files.loadState();
      if (loaded.problem) this.log.warn(loaded.problem);
      // A lost state must not reuse the number of an event still queued.
      const state = loaded.state ?? initialPowerState(this.files.maxQueuedSeq() + 1);
      const { series } = this.place;
      const observed = observeReading(state, at, record.reading, {
        device: series.device,
        pin: series.pin,
        debounce: this.config.debounce,
        gapMinutes: this.config.gapMinutes,
      });
      if (observed.ignored) {
        this.log.debug({ reason: observed.ignored }, 'reading not used for power events');
        return;
      }
      const created = this.now();
      // Queue first, then save the state: a kill in between re-derives the event next run, and the
      // already queued one (same number) is kept.
      for (const event of observed.events) {
        const added = this.files.add(event, created);
        this.log.info(
          {
            eventId: event.id,
            seq: event.seq,
            kind: event.kind,
            state: event.state,
            since: event.since,
            queued: added,
          },
          `power event: ${eventText(event, { lang: 'en', ...(this.config.timeZone ? { timeZone: this.config.timeZone } : {}), sentAt: new Date(event.detectedAt) })}`,
        );
      }
      this.files.saveState(observed.state);
    } finally {
      release();
    }
  }

  /** Pings the heartbeat URL, if configured, with the run's outcome. Never throws. */
  async heartbeat(outcome: RunOutcome | undefined): Promise<void> {
    const url = this.config.heartbeatUrl;
    if (!url) return;
    const ok = outcome !== undefined;
    const message = !outcome
      ? 'reading failed'
      : `${outcome.record ? `reading ${outcome.record.reading === 1 ? 'ON' : 'OFF'}` : 'flush only'}${outcome.storeError ? '; store unreachable, readings buffered' : ''}`;
    try {
      const status = await pingHeartbeat(url, ok, message, this.config.timeoutMs);
      this.log.debug({ target: originOf(url), style: heartbeatStyle(url), ok, status }, 'heartbeat sent');
    } catch (error) {
      this.log.warn(
        { target: originOf(url), ok, error: this.redact((error as Error).message) },
        'heartbeat not accepted (the reading itself is unaffected)',
      );
    }
  }
}
