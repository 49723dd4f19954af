/**
 * What the dashboard suites share: the known data set written into a store, and a plain static file
 * server (node:http) over a folder that can stop answering for the data, as when the network is down.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { minuteRecord } from '../../src/domain/records.js';
import { formatTimestamp } from '../../src/domain/time.js';
import type { Store } from '../../src/stores/store.js';
import { generateMinutes, SERIES } from '../support/data.js';
import { WEB_FIRST_READING, WEB_GAP, WEB_NOW, WEB_OUTAGE, WEB_SECOND } from './dashboard-checks.js';

const inside = ([a, b]: [Date, Date], t: Date): boolean => t >= a && t < b;

/** The known data set of dashboard-checks.ts: both series up to the reading of now's minute (taken 3 s into it). */
export async function putKnownData(store: Store): Promise<void> {
  const minutes = Math.floor((WEB_NOW.getTime() - WEB_FIRST_READING.getTime()) / 60_000) + 1;
  await store.putMinutes(
    generateMinutes(SERIES, WEB_FIRST_READING, minutes, (_i, at) =>
      inside(WEB_GAP, at) ? null : inside(WEB_OUTAGE, at) ? 0 : 1,
    ),
  );
  await store.putMinutes(generateMinutes(WEB_SECOND, WEB_FIRST_READING, minutes, () => 1));
}

/** The OFF reading of the minute `at` (taken 3.241 s into it), as read-pin stores it. */
export const offReadingAt = (at: Date) => minuteRecord(SERIES, formatTimestamp(new Date(at.getTime() + 3_241)), 0);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ics': 'text/calendar; charset=utf-8',
};

export interface StaticServer {
  baseUrl: string;
  /** While false, requests under /api/ get no answer at all (the connection is dropped). */
  setDataReachable(reachable: boolean): void;
  close(): Promise<void>;
}

export async function startStaticServer(folder: string): Promise<StaticServer> {
  let reachable = true;
  const root = resolve(folder);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!reachable && path.startsWith('/api/')) {
      req.socket.destroy();
      return;
    }
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (!file.startsWith(root + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    setDataReachable(value) {
      reachable = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

export interface Gate {
  /** `http://127.0.0.1:<port>`: the target, through the gate. */
  url: string;
  /** While false, every connection (open ones too) is dropped: the network is down. */
  setOpen(open: boolean): void;
  close(): Promise<void>;
}

/** A TCP pass-through to `target` (byte for byte: CORS and every header reach the browser) that can go dark. */
export async function startGate(target: string): Promise<Gate> {
  const { hostname, port } = new URL(target);
  let open = true;
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setOpen(value) {
      open = value;
      if (!open) for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** An iCalendar of group 2.1 with these windows (UTC), for a site's --schedule. */
export function scheduleCalendar(windows: [string, string][]): string {
  const stamp = (iso: string): string => `${iso.replace(/[-:]/g, '').slice(0, 15)}Z`;
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//blackout-monitor tests//web//EN',
    ...windows.flatMap(([start, end], i) => [
      'BEGIN:VEVENT',
      `UID:window-${i}@test`,
      'DTSTAMP:20260329T120000Z',
      `DTSTART:${stamp(start)}`,
      `DTEND:${stamp(end)}`,
      'SUMMARY:Group 2.1 outage',
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** 18:00–21:00 Kyiv on the data set's day: the next window at its now (10:00 local). */
export const EVENING_WINDOW: [string, string] = ['2026-03-30T15:00:00Z', '2026-03-30T18:00:00Z'];
