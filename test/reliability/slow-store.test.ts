/**
 * A DynamoDB endpoint that answers a byte at a time, just fast enough to keep resetting the SDK's
 * socket timeout: only the command's own deadline (--time-limit) ends the wait, by cancelling the
 * requests. aggregate leaves the work pending (exit 0, a warning); report fails with one line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/cli.js';
import { AWS_TEST_ENV } from '../support/dynalite.js';
import { logLines, runDist } from './support.js';

const tmp = tempDir('blackout-slow-');
let server: Server;
let endpoint = '';
const trickles = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': '100000' });
    const timer = setInterval(() => res.write(' '), 400);
    trickles.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      trickles.delete(timer);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  for (const timer of trickles) clearInterval(timer);
  server.closeAllConnections();
  server.close();
  tmp.cleanup();
});

const args = (name: string): string[] => [
  ...['alex_rpi', '4', 'slow', '--store', 'dynamodb', '--endpoint', endpoint, '--time-limit', '3'],
  ...(name === 'aggregate' ? ['--buffer-dir', join(tmp.dir, name, 'buffer')] : []),
  ...['--log-dir', join(tmp.dir, name, 'logs')],
];

describe('a store that trickles', () => {
  it('aggregate gives up at --time-limit, cancels its requests, leaves the rest pending, exit 0 with a warning', async () => {
    const started = Date.now();
    const run = await runDist('aggregate', args('aggregate'), { env: AWS_TEST_ENV });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const warning = logLines(join(tmp.dir, 'aggregate', 'logs')).find((l) => l.level === 40);
    expect(warning?.msg).toBe('time limit reached; the rest of the aggregation is left for the next run');
    // The cancelled requests are gone: nothing keeps trickling.
    await vi.waitFor(() => expect(trickles.size).toBe(0), { timeout: 5000 });
  });

  it('report gives up at --time-limit with one line and exit 1', async () => {
    const started = Date.now();
    const run = await runDist('report', [...args('report'), '--format', 'json'], { env: AWS_TEST_ENV });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('report: no answer from the store within --time-limit 3 s\n');
  });

  it('copy gives up at --time-limit with one line and exit 1', async () => {
    const run = await runDist(
      'copy',
      [
        ...args('copy'),
        '--target',
        'sqlite',
        '--target-db',
        join(tmp.dir, 'copy.sqlite'),
        '--from',
        '2025-06-01',
        '--to',
        '2025-06-02',
      ],
      { env: AWS_TEST_ENV },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'copy: stopped at --time-limit 3 s; run it again: what was copied stays, copying twice is a no-op\n',
    );
  });
});
