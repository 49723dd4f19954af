#!/usr/bin/env node
/** Sends a test message through every configured channel (and pings the heartbeat) and reports each result. */
import { notifyTestCommand } from './cli/commands.js';
import { resolveCommon, resolveNotify } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { EXIT_FAILURE, EXIT_OK, runJob } from './cli/run-job.js';
import { sendTestAlert } from './notify/test-alert.js';

await runJob(notifyTestCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const notify = resolveNotify(cmd);
  if (!notify.webhook && !notify.telegram && !notify.ntfy && !notify.heartbeatUrl) {
    throw new UsageError(
      'nothing to test: configure --webhook-url, --telegram-token/--telegram-chat-id, --ntfy-url or --heartbeat-url',
    );
  }
  const results = await sendTestAlert(notify, config.series, job.logger(config));
  for (const r of results) {
    process.stdout.write(
      `${r.channel.padEnd(9)} ${r.target}  ${r.ok ? `ok (HTTP ${r.status})` : `FAILED: ${r.error}`}\n`,
    );
  }
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILURE;
});
