#!/usr/bin/env node
/** Sends a test message through every configured channel (and pings the heartbeat) and reports each result. */
import { Command } from 'commander';
import { addCommonOptions, EXIT_FAILURE, EXIT_OK, loggerFor, resolveCommon, runCli } from './cli/common.js';
import { addNotifyOptions, resolveNotifyOptions } from './cli/notify-options.js';
import { UsageError } from './domain/validate.js';
import { sendTestAlert } from './notify/test-alert.js';

const command = addNotifyOptions(addCommonOptions(new Command()))
  .description('Send a test message through every configured notification channel and report each result.')
  .addHelpText(
    'after',
    `
Uses the same options and BLACKOUT_* variables as blackout-read-pin. Prints one line per channel.
Exit codes: 0 every channel accepted the message, 1 at least one did not, 2 usage error (or nothing configured).
Example:
  BLACKOUT_TELEGRAM_TOKEN=123:abc BLACKOUT_TELEGRAM_CHAT_ID=42 blackout-notify-test alex_rpi 4 prod`,
  );

await runCli('notify-test', command, async (cmd) => {
  const config = resolveCommon(cmd);
  const notify = resolveNotifyOptions(cmd);
  if (!notify.webhook && !notify.telegram && !notify.ntfy && !notify.heartbeatUrl) {
    throw new UsageError(
      'nothing to test: configure --webhook-url, --telegram-token/--telegram-chat-id, --ntfy-url or --heartbeat-url',
    );
  }
  const log = loggerFor('notify-test', config);
  const results = await sendTestAlert(notify, config.series, log);
  for (const r of results) {
    process.stdout.write(
      `${r.channel.padEnd(9)} ${r.target}  ${r.ok ? `ok (HTTP ${r.status})` : `FAILED: ${r.error}`}\n`,
    );
  }
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILURE;
});
