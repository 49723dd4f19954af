/**
 * A real local HTTP server standing in for the webhook receiver, the Telegram Bot API, an ntfy
 * server and heartbeat services (Healthchecks.io and Uptime Kuma push URLs), on 127.0.0.1.
 *
 *   POST /hook                    webhook; checks X-Blackout-Signature (and the legacy -256) when a secret is set (401 if wrong)
 *   POST /bot<token>/sendMessage  Telegram; 401 with the path echoed in `description` for a wrong token
 *   POST /ntfy/<topic>            ntfy
 *   POST /hc/<id>[/fail]          Healthchecks-style ping
 *   GET  /api/push/<token>?…      Uptime Kuma push
 *
 * Channels can be taken "down" (the connection is dropped without an answer, as when the network is
 * out), and a hook runs on each request before it is recorded, e.g. to SIGKILL the sender mid-delivery.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Endpoint = 'webhook' | 'telegram' | 'ntfy' | 'heartbeat';

export interface Received {
  endpoint: Endpoint;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  /** Parsed JSON body (webhook, Telegram), if any. */
  json?: Record<string, unknown>;
}

export interface ReceiverOptions {
  telegramToken?: string;
  webhookSecret?: string;
}

/** What a hook tells the server to do with the request: record and answer (default), or drop it unrecorded. */
export type HookAction = 'answer' | 'drop' | 'record-and-drop';

export class Receiver {
  readonly received: Received[] = [];
  readonly rejectedSignatures: string[] = [];
  readonly down = new Set<Endpoint>();
  /** Endpoints that take the request and never answer (a stalled network path). */
  readonly hang = new Set<Endpoint>();
  /** Every request that reached an endpoint, answered or not. */
  hits = 0;
  /** Runs before a request is recorded; may kill the sender. */
  hook?: (endpoint: Endpoint, body: string) => HookAction | undefined;
  private server?: Server;
  port = 0;

  constructor(private readonly options: ReceiverOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  of(endpoint: Endpoint): Received[] {
    return this.received.filter((r) => r.endpoint === endpoint);
  }

  private endpointOf(path: string): Endpoint | undefined {
    if (path === '/hook') return 'webhook';
    if (/^\/bot[^/]+\/sendMessage$/.test(path)) return 'telegram';
    if (path.startsWith('/ntfy/')) return 'ntfy';
    if (path.startsWith('/hc/') || path.startsWith('/api/push/')) return 'heartbeat';
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.url);
    const endpoint = this.endpointOf(url.pathname);
    if (!endpoint) {
      res.writeHead(404).end('not found');
      return;
    }
    this.hits++;
    if (this.down.has(endpoint)) {
      req.socket.destroy();
      return;
    }
    if (this.hang.has(endpoint)) return;
    const action = this.hook?.(endpoint, body) ?? 'answer';
    if (action === 'drop') {
      req.socket.destroy();
      return;
    }
    if (endpoint === 'webhook' && this.options.webhookSecret) {
      // As doc/notifications.md tells a receiver: the signature covers `timestamp.body`, and a timestamp
      // more than five minutes off is a replay. The body-only legacy header must still match too.
      const sign = (text: string): string =>
        `sha256=${createHmac('sha256', this.options.webhookSecret ?? '')
          .update(text)
          .digest('hex')}`;
      const same = (given: string, expected: string): boolean =>
        given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      const timestamp = String(req.headers['x-blackout-timestamp'] ?? '');
      const given = String(req.headers['x-blackout-signature'] ?? '');
      const fresh = /^\d+$/.test(timestamp) && Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
      const ok =
        fresh &&
        same(given, sign(`${timestamp}.${body}`)) &&
        same(String(req.headers['x-blackout-signature-256'] ?? ''), sign(body));
      if (!ok) {
        this.rejectedSignatures.push(given);
        res.writeHead(401).end('bad signature');
        return;
      }
    }
    if (
      endpoint === 'telegram' &&
      this.options.telegramToken &&
      url.pathname !== `/bot${this.options.telegramToken}/sendMessage`
    ) {
      // Echo the path like a careless proxy would: the sender must not log the token from it.
      res.writeHead(401, { 'content-type': 'application/json' });
      const token = url.pathname.slice(4, -'/sendMessage'.length);
      res.end(
        JSON.stringify({ ok: false, error_code: 401, description: `Unauthorized: ${url.pathname} (token ${token})` }),
      );
      return;
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    this.received.push({
      endpoint,
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      ...(json ? { json } : {}),
    });
    if (action === 'record-and-drop') {
      req.socket.destroy();
      return;
    }
    if (endpoint === 'telegram') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, result: { message_id: this.received.length } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  }
}

/** The text each channel carried, in arrival order. */
export function textsOf(receiver: Receiver, endpoint: 'webhook' | 'telegram' | 'ntfy'): string[] {
  return receiver.of(endpoint).map((r) => (endpoint === 'ntfy' ? r.body : String(r.json?.text ?? '')));
}
