#!/usr/bin/env node
/**
 * `npm start` on a fresh clone: no Pi, no AWS. Records three simulated days through the real path
 * (simulated sensor → buffer → SQLite), aggregates them and prints what was recorded.
 */
import { quickstartCommand } from './cli/commands.js';
import { environment, localTimeZone, resolveCommon } from './cli/config.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { runQuickstart } from './pipeline/quickstart.js';
import { openStore } from './stores/open-store.js';

await runJob(quickstartCommand(), async (cmd, job) => {
  // The demo gets its own device and mode so it never mixes with real readings.
  if (!cmd.getOptionValueSource('device') && !cmd.processedArgs[0]) cmd.setOptionValue('device', 'demo');
  if (!cmd.getOptionValueSource('mode') && !cmd.processedArgs[2]) cmd.setOptionValue('mode', 'demo');
  const config = resolveCommon(cmd);
  const env = environment();
  const store = job.closeLater(await openStore(config));
  process.stdout.write(
    await runQuickstart({
      config,
      store,
      log: job.logger(config),
      days: cmd.opts().days,
      ...(cmd.opts().until ? { today: cmd.opts().until } : {}),
      tz: localTimeZone(undefined, env),
      colour: process.stdout.isTTY === true && !env.noColor,
      now: job.now,
    }),
  );
  return EXIT_OK;
});
