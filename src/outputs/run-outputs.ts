/**
 * Runs the outputs side by side, each bounded by the same deadline: past it, what is still in flight
 * is aborted and left behind. Never throws: a failed output is one warning line, and the reading,
 * already stored or buffered, is unaffected.
 */
import type { MinuteRecord } from '../domain/records.js';
import { messageOf } from '../utils/errors.js';
import type { Logger } from '../utils/log.js';
import { type Redactor, secretRedactor } from '../utils/redact.js';
import type { Output, OutputName, OutputSnapshot } from './output.js';

export interface OutputResult {
  name: OutputName;
  target: string;
  ok: boolean;
  skipped?: string;
  /** Secrets removed. */
  error?: string;
}

export interface OutputRun {
  /** Epoch ms past which nothing more is waited for. */
  deadline: number;
  timeoutMs: number;
  log: Logger;
  redact: Redactor;
}

export async function runOutputs(
  outputs: readonly Output[],
  snapshot: OutputSnapshot,
  run: OutputRun,
): Promise<OutputResult[]> {
  return Promise.all(outputs.map((output) => runOne(output, snapshot, run)));
}

async function runOne(output: Output, snapshot: OutputSnapshot, run: OutputRun): Promise<OutputResult> {
  const { name, target } = output;
  const remaining = run.deadline - Date.now();
  let result: OutputResult;
  if (remaining <= 0) {
    result = { name, target, ok: false, error: 'no time left in this run' };
  } else {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The race, not only the signal, bounds the output: nothing it awaits can hold the run.
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no answer within the run's budget (${Math.round(remaining / 100) / 10} s)`));
      }, remaining);
    });
    try {
      const sent = await Promise.race([
        output.publish(snapshot, { signal: controller.signal, timeoutMs: Math.min(run.timeoutMs, remaining) }),
        expired,
      ]);
      result = { name, target, ok: true, ...sent };
    } catch (error) {
      controller.abort();
      result = { name, target, ok: false, error: run.redact(messageOf(error)) };
    } finally {
      clearTimeout(timer);
    }
  }
  if (!result.ok) {
    run.log.warn({ output: name, target, error: result.error }, `${name} output failed (the reading is unaffected)`);
  } else {
    run.log.debug(
      { output: name, target, skipped: result.skipped },
      `${name} output ${result.skipped ? 'skipped' : 'sent'}`,
    );
  }
  return result;
}

/** What the minute job hands the outputs: its reading; the rest comes from the notifier and the buffer. */
export interface MinuteOutputsInput {
  outputs: readonly Output[];
  series: OutputSnapshot['series'];
  /** The run's clock. */
  now: Date;
  /** The power state after this run's readings (the notifier's). */
  powerState: () => OutputSnapshot['power'];
  bufferedReadings: () => number;
  budgetMs: number;
  timeoutMs: number;
  log: Logger;
}

/** The step the minute job runs after its flush: the snapshot taken then, the deadline counted from then. */
export function minuteOutputs(
  input: MinuteOutputsInput,
): (result: { record?: MinuteRecord }) => Promise<OutputResult[]> {
  const redact = secretRedactor(input.outputs.flatMap((o) => o.secrets));
  return async (result) => {
    if (input.outputs.length === 0) return [];
    const deadline = Date.now() + input.budgetMs;
    const snapshot: OutputSnapshot = {
      series: input.series,
      now: input.now,
      ...(result.record ? { record: result.record } : {}),
      power: input.outputs.some((o) => o.needsPowerState) ? input.powerState() : undefined,
      bufferedReadings: input.bufferedReadings,
    };
    return runOutputs(input.outputs, snapshot, { deadline, timeoutMs: input.timeoutMs, log: input.log, redact });
  };
}
