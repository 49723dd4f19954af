/** ntfy-style push: a plain-text POST to a topic URL (ntfy.sh, a self-hosted ntfy, or anything alike). */
import { expectSuccess, httpRequest, originOf } from '../http.js';
import type { Channel, OutgoingMessage } from './channel.js';

export interface NtfyOptions {
  /** Topic URL, e.g. https://ntfy.sh/my-flat-power. */
  url: string;
  /** Access token for protected topics (sent as a Bearer token). */
  token?: string;
}

function tags(message: OutgoingMessage): string {
  if (!message.event) return 'white_check_mark';
  if (message.event.kind === 'monitor-back') return 'electric_plug';
  return message.event.state === 'off' ? 'red_circle' : 'green_circle';
}

export class NtfyChannel implements Channel {
  readonly id = 'ntfy' as const;
  readonly target: string;
  readonly secrets: readonly string[];

  constructor(private readonly options: NtfyOptions) {
    this.target = originOf(options.url);
    // Anyone who knows the topic can read it, so the topic URL is treated as a secret too.
    this.secrets = [options.url, ...(options.token ? [options.token] : [])];
  }

  async send(message: OutgoingMessage, timeoutMs: number): Promise<{ status: number }> {
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      title: message.title,
      tags: tags(message),
      priority: message.event?.kind === 'power' && message.event.state === 'off' ? 'high' : 'default',
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    return expectSuccess(await httpRequest(this.options.url, { headers, body: message.text }, timeoutMs));
  }
}
