#!/usr/bin/env node
/** The dashboard: the web app and a read-only JSON API computed from the store, until SIGTERM or SIGINT. */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveCommand } from './cli/commands.js';
import { environment, localTimeZone, resolveCommon, resolveSchedule } from './cli/config.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { missingDatabase } from './cli/series-check.js';
import { closeServer, createDashboardServer, isLoopbackHost, listen } from './dashboard/server.js';
import { openStore, sqliteFile } from './stores/open-store.js';
import { messageOf } from './utils/errors.js';

await runJob(serveCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const o = cmd.opts();
  const tz = localTimeZone(o.tz, environment());
  const schedule = resolveSchedule(cmd);
  // The API's default series is the one typed ([device] [pin] or --device/--pin), not resolveCommon's fallback.
  const [device, pin] = cmd.processedArgs;
  const defaultSeries = {
    ...((device ?? o.device) !== undefined ? { device: device ?? o.device } : {}),
    ...((pin ?? o.pin) !== undefined ? { pin: pin ?? o.pin } : {}),
  };
  const webDir = o.webDir !== undefined ? resolve(o.webDir) : join(dirname(fileURLToPath(import.meta.url)), 'web');
  const store = job.closeLater(await openStore(config, { access: 'read' }));
  // Served all the same: the series appear with the first reading (a mistyped mode is said here).
  if (config.store === 'sqlite' && !existsSync(sqliteFile(config))) {
    process.stderr.write(
      `${job.name}: warning: ${await missingDatabase(config, { command: 'serve', perSeries: true })}\n`,
    );
  }
  if (!isLoopbackHost(o.host) && o.token === undefined) {
    process.stderr.write(
      `${job.name}: warning: --host ${o.host} without --token: anyone who can reach this machine can read the dashboard (set BLACKOUT_DASHBOARD_TOKEN)\n`,
    );
  }
  const server = createDashboardServer({
    store,
    mode: config.mode,
    tz,
    defaultSeries,
    webDir,
    ...(o.token !== undefined ? { token: o.token } : {}),
    timeLimitMs: o.timeLimit * 1000,
    ...(schedule ? { schedule } : {}),
    user: userInfo().username,
    onError: (error, path) => job.logger(config).error({ err: error, path }, `${path}: ${messageOf(error)}`),
  });
  // Listening for the signals before the address is printed: whoever reads that line may stop us at once.
  const stopped = new Promise<void>((stop) => {
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const address = await listen(server, o.host, o.port);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // The token itself is never printed: this line ends up in the journal.
  process.stderr.write(`dashboard: http://${host}:${address.port}/${o.token !== undefined ? '?token=…' : ''}\n`);
  await stopped;
  await closeServer(server);
  return EXIT_OK;
});
