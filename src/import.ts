#!/usr/bin/env node
/** Imports many readings at once (CSV, JSON lines, a buffer folder) through the flush's path into the store. */
import { importCommand } from './cli/commands.js';
import { resolveCommon } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { progressLine } from './cli/progress.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { ImportStopped, importCounts, importReadings, renderImportSummary } from './pipeline/import.js';
import { ImportInputError, openImportSource } from './pipeline/import-input.js';
import { openStore, sqliteFile } from './stores/open-store.js';
import { FileBuffer } from './utils/buffer.js';

await runJob(importCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const [file] = cmd.processedArgs;
  const { timeLimit } = cmd.opts();
  const replace = cmd.opts().replace === true;
  const log = job.logger(config);
  const deadline = AbortSignal.timeout(timeLimit * 1000);
  const progress = progressLine(job.name);
  const context = {
    path: file,
    location: config.store === 'sqlite' ? sqliteFile(config) : config.mode,
    series: config.series,
    mode: config.mode,
    replace,
  };
  try {
    const summary = await importReadings({
      source: openImportSource(file, config.series, job.now),
      series: config.series,
      buffer: new FileBuffer(config.bufferDir, config.mode),
      openStore: async () => {
        const store = await openStore(config, { signal: deadline });
        context.location = store.location;
        return store;
      },
      log,
      replace,
      ...(progress ? { onProgress: (s) => progress.update(importCounts(s, replace)) } : {}),
    });
    progress?.clear();
    process.stdout.write(renderImportSummary(summary, context));
    return EXIT_OK;
  } catch (error) {
    progress?.clear();
    if (error instanceof ImportInputError) throw new UsageError(error.message);
    if (!(error instanceof ImportStopped)) throw error;
    process.stdout.write(renderImportSummary(error.summary, { ...context, stopped: true }));
    if (!deadline.aborted) throw error;
    throw new ImportStopped(error.summary, error.where, new Error(`--time-limit ${timeLimit} s reached`));
  }
});
