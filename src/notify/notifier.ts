/**
 * Glue between the every-minute job and notifications: turns the new reading into events (through the
 * saved state), queues them, delivers what fits in the time budget, and pings the heartbeat. Nothing
 * here throws into the job: a notification problem is logged and never fails or slows the reading
 * beyond the budget.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Series } from '../domain/keys.js';
import {
  forgetFuture,
  initialPowerState,
  observeReading,
  type PowerEvent,
  type PowerState,
} from '../domain/power-events.js';
import type { MinuteRecord } from '../domain/records.js';
import { parseTimestamp } from '../domain/time.js';
import { FileBuffer } from '../utils/buffer.js';
import { messageOf } from '../utils/errors.js';
import type { Logger } from '../utils/log.js';
import { type Redactor, secretRedactor } from '../utils/redact.js';
import type { Channel } from './channels/channel.js';
import { configSecrets, createChannels, type NotifyConfig } from './config.js';
import { deliverOutbox } from './delivery.js';
import { heartbeatStyle, pingHeartbeat } from './heartbeat.js';
import { originOf } from './http.js';
import { eventText, type ScheduleNote } from './messages.js';
import { NotifyFiles } from './outbox.js';

/**
 * How long to wait for the state lock. Updates take milliseconds; the wait outlasts the few seconds
 * utils/lock.ts gives an empty lock file (a run killed while creating it) before taking it over,
 * because readings skipped here may be flushed out of the buffer before the next run could see them.
 */
const STATE_LOCK_WAIT_MS = 6_000;
/** At most this many buffered readings are replayed in one run (a day of minutes). */
const MAX_REPLAYED_READINGS = 1440;
/** A reading stamped later than this after now came from a clock that ran ahead: not used for events. */
const FUTURE_TOLERANCE_MS = 2 * 60_000;

export interface NotifierPlace {
  bufferDir: string;
  mode: string;
  series: Series;
}

/** What the heartbeat reports about a run: undefined = the reading failed. */
export interface RunOutcome {
  record?: Pick<MinuteRecord, 'reading'>;
  storeError?: string;
  /** A store fault that needs a person: reported as a failed run, so the user hears of it. */
  storeNeedsAttention?: boolean;
  /** Flushing has been stuck for minutes (the flush lock cannot be taken): readings pile up unseen. */
  flushStuck?: boolean;
}

export interface NotifierOptions {
  /** Keep the power state even without channels (outputs report it: src/outputs). */
  keepState?: boolean;
  /**
   * `--notify-unplanned`: what the schedule says of an outage that began at `start`, for its message
   * (local files only); undefined when it cannot say.
   */
  scheduleNote?: (start: Date) => Promise<ScheduleNote | undefined>;
}

export class Notifier {
  readonly channels: Channel[];
  readonly files: NotifyFiles;
  readonly redact: Redactor;
  private readonly keepsState: boolean;
  private readonly scheduleNote: NotifierOptions['scheduleNote'];

  constructor(
    readonly config: NotifyConfig,
    readonly place: NotifierPlace,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
    options: NotifierOptions = {},
  ) {
    this.channels = createChannels(config);
    this.files = new NotifyFiles(place.bufferDir, place.mode, place.series);
    this.redact = secretRedactor(configSecrets(config, this.channels));
    this.keepsState = this.channels.length > 0 || options.keepState === true;
    this.scheduleNote = options.scheduleNote;
  }

  /** The saved power state (as the last observe left it); undefined when none is kept yet. */
  powerState(): PowerState | undefined {
    if (!this.keepsState) return undefined;
    try {
      return this.files.loadState().state;
    } catch (error) {
      this.log.warn({ error: this.redact(messageOf(error)) }, 'could not read the power state');
      return undefined;
    }
  }

  /** Records events from `record` (if any reading was taken) and delivers queued events. Never throws. */
  async afterReading(record: MinuteRecord | undefined): Promise<void> {
    await this.observe(record);
    await this.deliver();
  }

  /**
   * Records power events from `record` and any reading buffered by a run killed before this step:
   * local files only, no peer is asked. Never throws.
   */
  async observe(record: MinuteRecord | undefined): Promise<void> {
    if (!this.keepsState) return;
    try {
      await this.record(record);
    } catch (error) {
      this.log.error({ error: this.redact(messageOf(error)) }, 'could not record power events');
    }
  }

  /** Delivers queued events within the notification budget. Never throws. */
  async deliver(): Promise<void> {
    if (this.channels.length === 0) return;
    const started = Date.now();
    let release: (() => void) | undefined;
    try {
      release = this.files.lock('delivery');
      if (!release) {
        this.log.info('another run is delivering notifications; leaving them to it');
        return;
      }
      const abandoned = this.files.removeAbandonedTemps();
      if (abandoned > 0) this.log.info({ removed: abandoned }, 'removed temp files of killed runs');
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
      this.log.error({ error: this.redact(messageOf(error)) }, 'could not deliver notifications');
    } finally {
      release?.();
    }
  }

  /**
   * Readings to feed: the new one plus any buffered reading of this series newer than the last one
   * the state saw (a run killed after buffering its reading but before this step). Without a state,
   * only the new reading: the buffer's history is not replayed as news.
   */
  private readingsToObserve(record: MinuteRecord | undefined, lastMinute: string | undefined): MinuteRecord[] {
    const byMinute = new Map<string, MinuteRecord>();
    if (lastMinute !== undefined) {
      const after = lastMinute.slice(0, 16);
      const buffer = new FileBuffer(this.place.bufferDir, this.place.mode);
      const newer = buffer.list().filter((f) => f.name.slice(0, 16) > after);
      for (const file of newer.slice(-MAX_REPLAYED_READINGS)) {
        const read = buffer.read(file, this.place.series);
        if (read.ok && !byMinute.has(read.record.ts.slice(0, 16)))
          byMinute.set(read.record.ts.slice(0, 16), read.record);
      }
    }
    if (record && !byMinute.has(record.ts.slice(0, 16))) byMinute.set(record.ts.slice(0, 16), record);
    return [...byMinute.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
  }

  private async record(record: MinuteRecord | undefined): Promise<void> {
    let release = this.files.lock('state');
    for (let waited = 0; !release && waited < STATE_LOCK_WAIT_MS; waited += 100) {
      await sleep(100);
      release = this.files.lock('state');
    }
    if (!release) {
      this.log.warn('notification state is locked by another run; readings are checked for power changes next run');
      return;
    }
    try {
      const loaded = this.files.loadState();
      if (loaded.problem) this.log.warn(loaded.problem);
      // A lost state must not reuse the number of an event still queued.
      const fresh = loaded.state ?? initialPowerState(this.files.maxQueuedSeq() + 1);
      const horizon = this.now().getTime() + FUTURE_TOLERANCE_MS;
      let state = forgetFuture(fresh, new Date(horizon));
      if (state !== fresh)
        this.log.warn(
          { lastMinute: fresh.lastMinute },
          'power-event state was ahead of the clock; forgot the future part',
        );
      const { series } = this.place;
      const options = {
        device: series.device,
        pin: series.pin,
        debounce: this.config.debounce,
        gapMinutes: this.config.gapMinutes,
      };
      const events: PowerEvent[] = [];
      const readings = this.readingsToObserve(record, state.lastMinute);
      for (const reading of readings) {
        const at = parseTimestamp(reading.ts);
        if (!at) continue;
        if (at.getTime() > horizon) {
          this.log.warn({ ts: reading.ts }, 'reading stamped in the future (clock ahead?): not used for power events');
          continue;
        }
        const observed = observeReading(state, at, reading.reading, options);
        if (observed.ignored) this.log.debug({ reason: observed.ignored }, 'reading not used for power events');
        state = observed.state;
        events.push(...observed.events);
      }
      if (readings.length > 1)
        this.log.info({ readings: readings.length }, 'checked buffered readings a killed run left');
      const created = this.now();
      const zone = this.config.timeZone ? { timeZone: this.config.timeZone } : {};
      // Queue first, then save the state: a kill in between re-derives the events next run, and those
      // already queued (same numbers) are kept as they are.
      // Without channels the state is kept for the outputs only: no outbox that nobody would empty.
      const queue = this.channels.length > 0;
      for (const event of events) {
        const schedule = queue ? await this.noteFor(event) : undefined;
        const added = queue && this.files.add(event, created, schedule);
        const text = eventText(event, { lang: 'en', ...zone, sentAt: new Date(event.detectedAt), schedule });
        this.log.info(
          {
            eventId: event.id,
            seq: event.seq,
            kind: event.kind,
            state: event.state,
            since: event.since,
            queued: added,
          },
          `power event: ${text}`,
        );
      }
      if (state !== loaded.state) this.files.saveState(state);
    } finally {
      release();
    }
  }

  /** The schedule's word on an outage that just began; never throws (no note then). */
  private async noteFor(event: PowerEvent): Promise<ScheduleNote | undefined> {
    if (!this.scheduleNote || event.kind !== 'power' || event.state !== 'off') return undefined;
    try {
      return await this.scheduleNote(new Date(event.since));
    } catch (error) {
      this.log.warn({ error: this.redact(messageOf(error)) }, 'could not read the schedule for the outage message');
      return undefined;
    }
  }

  /** Pings the heartbeat URL, if configured, with the run's outcome. Never throws. */
  async heartbeat(outcome: RunOutcome | undefined): Promise<void> {
    const url = this.config.heartbeatUrl;
    if (!url) return;
    // Readings piling up in the buffer because of a store fault that will not pass by itself (wrong
    // credentials or region, a corrupt database) are a failure the user must hear of, like a failed reading.
    const ok = outcome !== undefined && !outcome.storeNeedsAttention && !outcome.flushStuck;
    const storeNote = !outcome?.storeError
      ? ''
      : outcome.storeNeedsAttention
        ? `; store failing, readings buffered: ${this.redact(outcome.storeError).slice(0, 200)}`
        : '; store unreachable, readings buffered';
    const stuckNote = outcome?.flushStuck
      ? '; flushing stuck for minutes (the flush lock is held), readings buffered'
      : '';
    const message = !outcome
      ? 'reading failed'
      : `${outcome.record ? `reading ${outcome.record.reading === 1 ? 'ON' : 'OFF'}` : 'flush only'}${storeNote}${stuckNote}`;
    try {
      const status = await pingHeartbeat(url, ok, message, this.config.timeoutMs);
      this.log.debug({ target: originOf(url), style: heartbeatStyle(url), ok, status }, 'heartbeat sent');
    } catch (error) {
      this.log.warn(
        { target: originOf(url), ok, error: this.redact(messageOf(error)) },
        'heartbeat not accepted (the reading itself is unaffected)',
      );
    }
  }
}
