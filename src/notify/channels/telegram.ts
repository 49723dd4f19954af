/** Telegram Bot API `sendMessage`; the API base URL can point at a self-hosted Bot API server. */

import { httpRequest, originOf } from '../http.js';
import type { Channel, OutgoingMessage } from './channel.js';
import { DeliveryError } from './channel.js';

const TELEGRAM_API_URL = 'https://api.telegram.org';

export interface TelegramOptions {
  token: string;
  chatId: string;
  apiUrl?: string;
}

export class TelegramChannel implements Channel {
  readonly id = 'telegram' as const;
  readonly target: string;
  readonly secrets: readonly string[];
  private readonly url: string;

  constructor(private readonly options: TelegramOptions) {
    const base = (options.apiUrl ?? TELEGRAM_API_URL).replace(/\/+$/, '');
    this.url = `${base}/bot${options.token}/sendMessage`;
    this.target = originOf(base);
    this.secrets = [options.token];
  }

  async send(message: OutgoingMessage, timeoutMs: number): Promise<{ status: number }> {
    const body = JSON.stringify({
      chat_id: this.options.chatId,
      text: message.text,
      disable_web_page_preview: true,
    });
    const response = await httpRequest(this.url, { headers: { 'content-type': 'application/json' }, body }, timeoutMs);
    let answer: { ok?: unknown; description?: unknown } = {};
    try {
      answer = JSON.parse(response.body) as typeof answer;
    } catch {
      // Not JSON (a proxy's error page): reported below with the status.
    }
    if (response.status === 200 && answer.ok === true) return { status: response.status };
    const reason = typeof answer.description === 'string' ? answer.description : response.body.slice(0, 200);
    throw new DeliveryError(`HTTP ${response.status}: ${reason}`, response.status);
  }
}
