/**
 * The one HTTP client of notifications and heartbeats against hostile peers on 127.0.0.1: redirects
 * are failed attempts that say where they pointed (never followed: the signed body must not go
 * elsewhere), and a huge answer is read only up to a small cap.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/notify/channels/channel.js';
import { httpRequest, MAX_RESPONSE_BYTES } from '../../src/notify/http.js';

let server: Server;
let third: Server;
let base = '';
let thirdUrl = '';
const seenByThird: string[] = [];
let streamedBytes = 0;

const listen = (s: Server): Promise<string> =>
  new Promise((done) => s.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

beforeAll(async () => {
  third = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      seenByThird.push(`${req.method} ${req.url} ${body} ${req.headers['x-blackout-signature-256'] ?? ''}`);
      res.end('ok');
    });
  });
  thirdUrl = await listen(third);
  server = createServer((req, res) => {
    if (req.url === '/302') res.writeHead(302, { location: '/elsewhere' }).end();
    else if (req.url === '/307') res.writeHead(307, { location: `${thirdUrl}/steal?x=secret-path` }).end();
    else if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Up to 50 MB, one chunk at a time while the client still reads.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const push = (): void => {
        while (streamedBytes < 50_000_000) {
          streamedBytes += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', push);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => undefined);
      push();
    } else res.end('fine');
  });
  base = await listen(server);
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
  third.close();
});

describe('httpRequest', () => {
  it('a 302 is a failed attempt naming where it pointed; nothing follows it', async () => {
    const error = await httpRequest(`${base}/302`, { body: 'signed' }, 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toBe(`HTTP 302: redirect to ${base}, not followed`);
  });

  it('a 307 to another origin does not hand the body and its signature to that host', async () => {
    const error = await httpRequest(
      `${base}/307`,
      { headers: { 'x-blackout-signature-256': 'sha256=abc' }, body: '{"event":"off"}' },
      2000,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`HTTP 307: redirect to ${thirdUrl}, not followed`);
    expect((error as Error).message).not.toContain('secret-path');
    expect(seenByThird).toEqual([]);
  });

  it('reads a huge answer only up to the cap and stops the transfer', async () => {
    const response = await httpRequest(`${base}/huge`, { method: 'GET' }, 5000);
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(MAX_RESPONSE_BYTES);
    // The server was stopped long before its 50 MB (socket buffers hold a few MB at most).
    await new Promise((done) => setTimeout(done, 200));
    expect(streamedBytes).toBeLessThan(20_000_000);
  });
});

describe('a port fetch refuses', () => {
  it('is named with the origin, not "bad port"', async () => {
    const error = await httpRequest('http://127.0.0.1:6000/hook/secret-path', { body: 'x' }, 2000).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      'http://127.0.0.1:6000: port 6000 is one that fetch refuses to use; give the service another port',
    );
  });
});
