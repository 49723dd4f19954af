/**
 * Fetching a schedule from a real HTTP server on 127.0.0.1: the copy cached with its fetch time, the
 * cache used (and said) while the server is down or answers badly, nothing invented without a cache.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/schedule/fetch.js';
import { tempDir } from '../support/cli.js';
import { FIXTURES, TZ } from './week-data.js';

const SPAN = { from: new Date('2025-10-25T00:00:00Z'), to: new Date('2025-10-28T00:00:00Z'), tz: TZ };
const FIRST_FETCH = new Date('2025-10-26T09:00:00Z');
const LATER_FETCH = new Date('2025-10-26T10:00:00Z');
const good = readFileSync(join(FIXTURES, 'kyiv-outage-data-ua.json'), 'utf8');

let answer: { status: number; body: string } = { status: 200, body: good };
let server: Server;
let url: string;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir('blackout-schedule-fetch-');
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kyiv.json?token=secret`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  temp.cleanup();
});

const settings = (cacheDir: string, source = url) => ({
  source,
  group: '2.1',
  format: undefined,
  cacheDir,
  timeoutMs: 2000,
});

describe('a schedule from a URL', () => {
  it('is fetched, parsed and cached atomically with its fetch time; the URL is not in the cache', async () => {
    const cache = join(temp.dir, 'cache-a');
    answer = { status: 200, body: good };
    const loaded = await loadPlan(settings(cache), SPAN, FIRST_FETCH);
    expect(loaded.staleReason).toBeNull();
    expect(loaded.fetchedAt).toEqual(FIRST_FETCH);
    expect(loaded.plan.windows).toHaveLength(5);
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    const cached = readFileSync(join(cache, files[0] ?? ''), 'utf8');
    expect(JSON.parse(cached)).toEqual({ fetchedAt: FIRST_FETCH.toISOString(), text: good });
    expect(cached).not.toContain('secret');
    expect(statSync(join(cache, files[0] ?? '')).mode & 0o777).toBe(0o600);
  });

  it('comes from the cache, said and dated, when the server answers badly or not at all', async () => {
    const cache = join(temp.dir, 'cache-b');
    answer = { status: 200, body: good };
    await loadPlan(settings(cache), SPAN, FIRST_FETCH);

    answer = { status: 503, body: 'busy' };
    const busy = await loadPlan(settings(cache), SPAN, LATER_FETCH);
    expect(busy.staleReason).toMatch(/^http:\/\/127\.0\.0\.1:\d+: HTTP 503$/);
    expect(busy.fetchedAt).toEqual(FIRST_FETCH);
    expect(busy.plan.windows).toHaveLength(5);

    // A payload that is not a schedule never replaces the good copy.
    answer = { status: 200, body: '{"fact":{"data":{"1761426000":{"GPV2.1":{"1":"dunno"}}}}}' };
    const bad = await loadPlan(settings(cache), SPAN, LATER_FETCH);
    expect(bad.staleReason).toContain('hour 1: unknown value "dunno"');
    expect(bad.fetchedAt).toEqual(FIRST_FETCH);

    const down = join(temp.dir, 'down');
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/kyiv.json`;
    await new Promise((done) => closed.close(done));
    answer = { status: 200, body: good };
    await loadPlan(settings(down, deadUrl), SPAN, FIRST_FETCH).catch(() => undefined);
    await expect(loadPlan(settings(down, deadUrl), SPAN, FIRST_FETCH)).rejects.toThrow(
      /ECONNREFUSED.*; no cached copy of it yet$/,
    );
  });

  it('says what is wrong, inventing nothing, when there is no cached copy', async () => {
    answer = { status: 200, body: '<html>maintenance</html>' };
    await expect(loadPlan(settings(join(temp.dir, 'cache-c')), SPAN, FIRST_FETCH)).rejects.toThrow(
      'not a schedule format this tool reads (iCalendar, Yasno JSON or outage-data-ua JSON); see --schedule-format; no cached copy of it yet',
    );
  });

  it('uses the cache after the server is gone', async () => {
    const cache = join(temp.dir, 'cache-d');
    const own = createServer((_req, res) => res.end(good));
    await new Promise<void>((done) => own.listen(0, '127.0.0.1', done));
    const ownUrl = `http://127.0.0.1:${(own.address() as AddressInfo).port}/kyiv.json`;
    await loadPlan(settings(cache, ownUrl), SPAN, FIRST_FETCH);
    await new Promise((done) => own.close(done));
    const stale = await loadPlan(settings(cache, ownUrl), SPAN, LATER_FETCH);
    expect(stale.staleReason).toContain('ECONNREFUSED');
    expect(stale.fetchedAt).toEqual(FIRST_FETCH);
    expect(stale.plan.windows).toHaveLength(5);
  });
});
