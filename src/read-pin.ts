#!/usr/bin/env node
/** Every minute from cron: read the pin, buffer the reading, flush the buffer to the store, then the outputs. */
import { readPinCommand } from './cli/commands.js';
import {
  environment,
  flag,
  localTimeZone,
  publishDirSettings,
  readingTime,
  resolveCommon,
  resolveNotify,
  resolveOutputs,
  resolveSensor,
  unplannedNotes,
} from './cli/config.js';
import { EXIT_FAILURE, EXIT_OK, runJob } from './cli/run-job.js';
import { Notifier } from './notify/notifier.js';
import { createOutputs } from './outputs/config.js';
import { minuteOutputs } from './outputs/run-outputs.js';
import { type ReadPinResult, readPin } from './pipeline/read-pin.js';
import { createSensor } from './sensors/index.js';
import { fileRegistryMemo } from './stores/dynamodb/registry-memo-file.js';
import { openStore } from './stores/open-store.js';
import { FileBuffer } from './utils/buffer.js';

await runJob(readPinCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const sensor = resolveSensor(cmd, config.series.pin);
  const at = readingTime(cmd, job.now);
  const flushOnly = flag(cmd, 'flushOnly');
  const outputsConfig = resolveOutputs(cmd);
  const outputs = createOutputs(outputsConfig, config);
  const notifyConfig = resolveNotify(cmd);
  const unplanned = unplannedNotes(cmd);
  const log = job.logger(config);
  const notifier = new Notifier(notifyConfig, config, log, undefined, {
    keepState: outputs.some((o) => o.needsPowerState),
    ...(unplanned
      ? {
          // Loaded only when an outage begins: the schedule parsers are no cost to a plain reading.
          scheduleNote: async (start) => {
            const { scheduleNote } = await import('./notify/schedule-note.js');
            const tz = notifyConfig.timeZone ?? localTimeZone(undefined, environment());
            return scheduleNote(unplanned, start, { now: job.now, tz, log });
          },
        }
      : {}),
  });
  const buffer = new FileBuffer(config.bufferDir, config.mode);
  const publishDir = publishDirSettings(cmd, config, import.meta.url);
  let result: ReadPinResult | undefined;
  try {
    result = await readPin({
      series: config.series,
      sensor: createSensor(sensor),
      buffer,
      openStore: () =>
        openStore(
          config,
          config.store === 'dynamodb'
            ? { registryMemo: fileRegistryMemo(buffer.stateFilePath('registered-series'), job.now) }
            : {},
        ),
      log,
      ...(at ? { at } : {}),
      flushOnly,
      notify: notifier,
      outputs: minuteOutputs({
        outputs,
        series: config.series,
        now: job.now,
        powerState: () => notifier.powerState(),
        bufferedReadings: () => buffer.list().length,
        budgetMs: outputsConfig.budgetMs,
        timeoutMs: outputsConfig.timeoutMs,
        log,
      }),
      ...(publishDir
        ? {
            // Loaded only when asked for: the report code is no cost to a plain reading.
            publish: async (record, deadline) => {
              const { refreshAfterReading } = await import('./dashboard/publish-dir.js');
              await refreshAfterReading(publishDir, record, deadline, log);
            },
          }
        : {}),
    });
  } finally {
    // The heartbeat says how the run went, a failed one included.
    await notifier.heartbeat(result);
  }
  return result ? EXIT_OK : EXIT_FAILURE;
});
