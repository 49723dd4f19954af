/** The webhook signature a receiver verifies: over `timestamp.body`, the timestamp the send time in Unix seconds. */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { WebhookChannel } from '../../src/notify/channels/webhook.js';

it('signs timestamp.body, sends the timestamp, and keeps the legacy body-only signature for one version', async () => {
  const seen: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const channel = new WebhookChannel({ url, secret: 'shh-secret' });
  const sentAt = new Date('2026-11-30T18:00:05.900Z');
  await channel.send({ device: 'flat', pin: 4, delayed: false, sentAt, title: 'Power OFF', text: 'Power OFF' }, 2000);
  server.close();
  const [request] = seen;
  const hmac = (text: string): string => `sha256=${createHmac('sha256', 'shh-secret').update(text).digest('hex')}`;
  expect(request?.headers['x-blackout-timestamp']).toBe('1796061605');
  expect(request?.headers['x-blackout-signature']).toBe(hmac(`1796061605.${request?.body}`));
  expect(request?.headers['x-blackout-signature-256']).toBe(hmac(request?.body ?? ''));
  // The same body under another timestamp does not verify: a replay with a fresh timestamp fails.
  expect(request?.headers['x-blackout-signature']).not.toBe(hmac(`1796061999.${request?.body}`));
});
