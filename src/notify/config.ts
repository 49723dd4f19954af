/** What the notifier needs to know, resolved from options and environment by src/cli/notify-options.ts. */
import type { Channel } from './channels/channel.js';
import { NtfyChannel, type NtfyOptions } from './channels/ntfy.js';
import { TelegramChannel, type TelegramOptions } from './channels/telegram.js';
import { WebhookChannel, type WebhookOptions } from './channels/webhook.js';
import type { Language } from './messages.js';

export interface NotifyConfig {
  webhook?: WebhookOptions;
  telegram?: TelegramOptions;
  ntfy?: NtfyOptions;
  heartbeatUrl?: string;
  lang: Language;
  /** IANA zone for times in messages; undefined = the system's. */
  timeZone?: string;
  debounce: number;
  gapMinutes: number;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Total time one run may spend delivering queued events. */
  budgetMs: number;
}

export const DEFAULT_DEBOUNCE = 1;
export const DEFAULT_GAP_MINUTES = 10;
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_BUDGET_MS = 15_000;

export function createChannels(config: NotifyConfig): Channel[] {
  const channels: Channel[] = [];
  if (config.webhook) channels.push(new WebhookChannel(config.webhook));
  if (config.telegram) channels.push(new TelegramChannel(config.telegram));
  if (config.ntfy) channels.push(new NtfyChannel(config.ntfy));
  return channels;
}

/** Every configured value that must never reach a log. */
export function configSecrets(config: NotifyConfig, channels: readonly Channel[]): string[] {
  return [...channels.flatMap((c) => c.secrets), ...(config.heartbeatUrl ? [config.heartbeatUrl] : [])];
}
