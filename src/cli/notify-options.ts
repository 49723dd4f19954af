/**
 * Notification and heartbeat options (issue 8), shared by read-pin and notify-test. Secrets are best
 * given through the environment (BLACKOUT_*): command lines are visible to every user in `ps`.
 * Error messages name the option but never echo a value that may be secret.
 */
import { type Command, Option } from 'commander';
import { parseChoice, parsePositiveInt, UsageError } from '../domain/validate.js';
import { isTimeZone } from '../domain/zone.js';
import {
  DEFAULT_BUDGET_MS,
  DEFAULT_DEBOUNCE,
  DEFAULT_GAP_MINUTES,
  DEFAULT_TIMEOUT_MS,
  type NotifyConfig,
} from '../notify/config.js';
import { LANGUAGES, type Language } from '../notify/messages.js';

interface NotifyOptionValues {
  webhookUrl?: string;
  webhookSecret?: string;
  telegramToken?: string;
  telegramChatId?: string;
  telegramApiUrl?: string;
  ntfyUrl?: string;
  ntfyToken?: string;
  heartbeatUrl?: string;
  lang: string;
  timeZone?: string;
  debounce: string;
  gapMinutes: string;
  notifyTimeout: string;
}

export function addNotifyOptions(command: Command): Command {
  return command
    .addOption(new Option('--webhook-url <url>', 'POST power events as JSON to this URL').env('BLACKOUT_WEBHOOK_URL'))
    .addOption(
      new Option('--webhook-secret <secret>', 'sign webhook bodies: X-Blackout-Signature-256 HMAC-SHA256').env(
        'BLACKOUT_WEBHOOK_SECRET',
      ),
    )
    .addOption(new Option('--telegram-token <token>', 'Telegram bot token').env('BLACKOUT_TELEGRAM_TOKEN'))
    .addOption(new Option('--telegram-chat-id <id>', 'Telegram chat id').env('BLACKOUT_TELEGRAM_CHAT_ID'))
    .addOption(
      new Option('--telegram-api-url <url>', 'Telegram Bot API base URL (default https://api.telegram.org)').env(
        'BLACKOUT_TELEGRAM_API_URL',
      ),
    )
    .addOption(new Option('--ntfy-url <url>', 'ntfy topic URL, e.g. https://ntfy.sh/<topic>').env('BLACKOUT_NTFY_URL'))
    .addOption(new Option('--ntfy-token <token>', 'ntfy access token').env('BLACKOUT_NTFY_TOKEN'))
    .addOption(
      new Option('--heartbeat-url <url>', 'ping after every run (Healthchecks.io or Uptime Kuma push URL)').env(
        'BLACKOUT_HEARTBEAT_URL',
      ),
    )
    .addOption(new Option('--lang <lang>', 'message language: en or uk').env('BLACKOUT_LANG').default('en'))
    .addOption(
      new Option('--time-zone <zone>', "time zone for times in messages (default: the system's)").env(
        'BLACKOUT_TIME_ZONE',
      ),
    )
    .addOption(
      new Option('--debounce <n>', 'consecutive readings that confirm a power change')
        .env('BLACKOUT_DEBOUNCE')
        .default(String(DEFAULT_DEBOUNCE)),
    )
    .addOption(
      new Option('--gap-minutes <n>', "report the monitor's own gaps of at least this many minutes")
        .env('BLACKOUT_GAP_MINUTES')
        .default(String(DEFAULT_GAP_MINUTES)),
    )
    .addOption(
      new Option('--notify-timeout <seconds>', 'timeout of each notification or heartbeat request')
        .env('BLACKOUT_NOTIFY_TIMEOUT')
        .default(String(DEFAULT_TIMEOUT_MS / 1000)),
    );
}

function source(command: Command, option: string, flag: string, env: string): string {
  return command.getOptionValueSource(option) === 'env' ? env : flag;
}

function checkUrl(command: Command, value: string | undefined, option: string, flag: string, env: string): void {
  if (value === undefined) return;
  let ok = false;
  try {
    const url = new URL(value);
    ok = (url.protocol === 'http:' || url.protocol === 'https:') && !/\s/.test(value);
  } catch {
    ok = false;
  }
  // The value itself is not shown: URLs of webhooks, topics and pings are secrets.
  if (!ok) throw new UsageError(`invalid ${source(command, option, flag, env)}: an http:// or https:// URL`);
}

/** Validates the notification options; throws UsageError before anything is written. */
export function resolveNotifyOptions(command: Command): NotifyConfig {
  const o = command.opts<NotifyOptionValues>();
  checkUrl(command, o.webhookUrl, 'webhookUrl', '--webhook-url', 'BLACKOUT_WEBHOOK_URL');
  checkUrl(command, o.telegramApiUrl, 'telegramApiUrl', '--telegram-api-url', 'BLACKOUT_TELEGRAM_API_URL');
  checkUrl(command, o.ntfyUrl, 'ntfyUrl', '--ntfy-url', 'BLACKOUT_NTFY_URL');
  checkUrl(command, o.heartbeatUrl, 'heartbeatUrl', '--heartbeat-url', 'BLACKOUT_HEARTBEAT_URL');
  if (o.webhookSecret !== undefined && o.webhookUrl === undefined) {
    throw new UsageError('--webhook-secret needs --webhook-url');
  }
  if (o.ntfyToken !== undefined && o.ntfyUrl === undefined) throw new UsageError('--ntfy-token needs --ntfy-url');
  if ((o.telegramToken === undefined) !== (o.telegramChatId === undefined)) {
    throw new UsageError('Telegram needs both --telegram-token and --telegram-chat-id');
  }
  if (o.telegramToken !== undefined && !/^[A-Za-z0-9:_-]+$/.test(o.telegramToken)) {
    throw new UsageError(
      `invalid ${source(command, 'telegramToken', '--telegram-token', 'BLACKOUT_TELEGRAM_TOKEN')}: a bot token like 123456:ABC-def`,
    );
  }
  if (o.telegramChatId !== undefined && !/^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/.test(o.telegramChatId)) {
    throw new UsageError(
      `invalid ${source(command, 'telegramChatId', '--telegram-chat-id', 'BLACKOUT_TELEGRAM_CHAT_ID')}: a numeric chat id or @channelname`,
    );
  }
  const lang: Language = parseChoice(o.lang, LANGUAGES, source(command, 'lang', '--lang', 'BLACKOUT_LANG'));
  if (o.timeZone !== undefined && !isTimeZone(o.timeZone)) {
    throw new UsageError(
      `invalid ${source(command, 'timeZone', '--time-zone', 'BLACKOUT_TIME_ZONE')} ${JSON.stringify(o.timeZone)}: an IANA zone like Europe/Kyiv`,
    );
  }
  const debounce = parsePositiveInt(o.debounce, source(command, 'debounce', '--debounce', 'BLACKOUT_DEBOUNCE'), 60);
  const gapMinutes = parsePositiveInt(
    o.gapMinutes,
    source(command, 'gapMinutes', '--gap-minutes', 'BLACKOUT_GAP_MINUTES'),
    10_080,
  );
  const timeoutSeconds = parsePositiveInt(
    o.notifyTimeout,
    source(command, 'notifyTimeout', '--notify-timeout', 'BLACKOUT_NOTIFY_TIMEOUT'),
    10,
  );
  return {
    ...(o.webhookUrl !== undefined
      ? { webhook: { url: o.webhookUrl, ...(o.webhookSecret !== undefined ? { secret: o.webhookSecret } : {}) } }
      : {}),
    ...(o.telegramToken !== undefined && o.telegramChatId !== undefined
      ? {
          telegram: {
            token: o.telegramToken,
            chatId: o.telegramChatId,
            ...(o.telegramApiUrl !== undefined ? { apiUrl: o.telegramApiUrl } : {}),
          },
        }
      : {}),
    ...(o.ntfyUrl !== undefined
      ? { ntfy: { url: o.ntfyUrl, ...(o.ntfyToken !== undefined ? { token: o.ntfyToken } : {}) } }
      : {}),
    ...(o.heartbeatUrl !== undefined ? { heartbeatUrl: o.heartbeatUrl } : {}),
    lang,
    ...(o.timeZone !== undefined ? { timeZone: o.timeZone } : {}),
    debounce,
    gapMinutes,
    timeoutMs: timeoutSeconds * 1000,
    // The budget never goes below two request timeouts, so at least one event per run can go out.
    budgetMs: Math.max(DEFAULT_BUDGET_MS, 2 * timeoutSeconds * 1000),
  };
}
