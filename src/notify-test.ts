#!/usr/bin/env node
/** Sends a test message through every configured channel (and pings the heartbeat) and reports each result. */
import { notifyTestCommand } from './cli/commands.js';
import { resolveCommon, resolveNotify, resolveOutputs } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { EXIT_FAILURE, EXIT_OK, runJob } from './cli/run-job.js';
import { sendTestAlert } from './notify/test-alert.js';

await runJob(notifyTestCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const notify = resolveNotify(cmd);
  const { svitlobot } = resolveOutputs(cmd);
  if (!notify.webhook && !notify.telegram && !notify.ntfy && !notify.heartbeatUrl && !svitlobot) {
    throw new UsageError(
      'nothing to test: configure --webhook-url, --telegram-token/--telegram-chat-id, --ntfy-url, --heartbeat-url or --svitlobot-key',
    );
  }
  const results = await sendTestAlert(notify, config.series, job.logger(config), svitlobot);
  for (const r of results) {
    process.stdout.write(
      `${r.channel.padEnd(9)} ${r.target}  ${r.ok ? `ok (HTTP ${r.status})` : `FAILED: ${r.error}`}\n`,
    );
  }
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILURE;
});
