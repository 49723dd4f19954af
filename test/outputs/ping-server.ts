/**
 * A local Svitlobot stand-in on 127.0.0.1: counts `GET /channelPing?channel_key=…`. `hang` makes it
 * take requests and never answer (a stalled network path).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class PingServer {
  readonly keys: string[] = [];
  hang = false;
  private server?: Server;
  private readonly held: ServerResponse[] = [];
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (this.hang) {
        this.held.push(res);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/channelPing') {
        this.keys.push(url.searchParams.get('channel_key') ?? '');
        res.end('OK');
        return;
      }
      res.statusCode = 404;
      res.end(`no such path ${url.pathname}${url.search}`);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
