/**
 * The dashboard's HTTP server (node:http): the web app's files and a read-only JSON API computed
 * from the store on each request, in the layout of contract.ts (what `blackout-publish` writes as
 * files), plus `/api/report` (the bytes of `blackout-report --format json`) and `/healthz`.
 *
 * GET and HEAD only. Every answer carries a Content-Security-Policy that allows no other origin, and
 * an ETag (If-None-Match → 304), so the app's re-reads of unchanged data cost a header. With a
 * token, every request but /healthz needs it: `Authorization: Bearer`, `?token=` (a calendar app
 * fetches the subscription URL without headers; a page opened so gets a cookie that lets the app's
 * own requests through), or that cookie. The clock is read per request (`now`, injectable).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { UsageError } from '../cli/errors.js';
import { reportOptions } from '../cli/options.js';
import { resolvePeriod } from '../cli/period.js';
import { requireSeries } from '../cli/series-check.js';
import { dateValue, deviceValue, pinValue } from '../cli/values.js';
import type { Series } from '../domain/keys.js';
import type { Source } from '../report/load.js';
import { createReport, renderReport } from '../report/report.js';
import type { ScheduleSettings } from '../schedule/fetch.js';
import type { Store } from '../stores/store.js';
import { explainStoreError } from '../stores/store-errors.js';
import { messageOf } from '../utils/errors.js';
import { DEFAULT_REFRESH_SECONDS, type JsonWebConfig } from './contract.js';
import { BoundedHourCache } from './hour-cache.js';
import {
  devicesResource,
  minutesResource,
  outagesIcsResource,
  type ResourceContext,
  scheduleResource,
  statusResource,
} from './resources.js';

export interface DashboardServerOptions {
  /** Opened for reading: the server never writes it. */
  store: Store;
  mode: string;
  /** The zone of days and hours when a request names none (`--tz`, else TZ or the system's). */
  tz: string;
  /** The series a request that names none is about (`[device] [pin]` of the command line). */
  defaultSeries?: { device?: string; pin?: number };
  /** Folder of the built web app (index.html and its assets). */
  webDir: string;
  /** Shared secret every request but /healthz must carry. */
  token?: string;
  /** The clock, read once per request. */
  now?: () => Date;
  /** How long one request may wait for the store. */
  timeLimitMs?: number;
  /** The user named in the explanation of a store failure (no AWS credentials for …). */
  user?: string;
  /** The outage schedule (`--schedule`): its cached plan is answered at api/schedule/…; none: 404 there. */
  schedule?: ScheduleSettings;
  /** A failure answered with 503: for the log (the answer itself is one line). */
  onError?: (error: unknown, path: string) => void;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

export const TOKEN_COOKIE = 'blackout_dashboard';
/** Browsers keep a cookie at most 400 days. */
const COOKIE_MAX_AGE_S = 400 * 86_400;

const JSON_TYPE = 'application/json; charset=utf-8';
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': JSON_TYPE,
  '.map': JSON_TYPE,
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
};

interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  /**
   * The body holds `generatedAt` (the time of the request): the ETag leaves it out and is weak, so an
   * unchanged day is still "not modified" a minute later.
   */
  stamped?: boolean;
}

/** A request the server refuses, with its status and the one line it says why. */
class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const jsonReply = (status: number, value: unknown, stamped = false): Reply => ({
  status,
  type: JSON_TYPE,
  body: `${JSON.stringify(value, null, 2)}\n`,
  stamped,
});
const errorReply = (status: number, message: string, headers?: Record<string, string>): Reply => ({
  ...jsonReply(status, { error: message }),
  ...(headers ? { headers } : {}),
});

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim() || 'failed';
const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();
/** Constant time whatever the lengths: the hashes are compared, not the texts. */
const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(sha256(given), sha256(expected));

/** The request target: its path segments (decoded) and its query; refused when it could reach outside. */
function parseTarget(url: string | undefined): { segments: string[]; query: URLSearchParams } {
  const raw = url ?? '';
  if (!raw.startsWith('/')) throw new RequestError(400, 'bad request target: a path from /');
  const mark = raw.indexOf('?');
  const path = mark < 0 ? raw : raw.slice(0, mark);
  // Encoded separators and NUL are never part of a real path here: refused before decoding.
  if (/\\|%5c|%2f|%00|\0/i.test(path)) throw new RequestError(400, 'bad path: encoded separators or NUL');
  const segments = path
    .slice(1)
    .split('/')
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new RequestError(400, 'bad path: malformed percent-encoding');
      }
      if (decoded === '.' || decoded === '..' || [...decoded].some((c) => c.charCodeAt(0) < 0x20)) {
        throw new RequestError(400, 'bad path: dot segments or control characters');
      }
      return decoded;
    });
  return { segments, query: new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1)) };
}

/** The query parameters a route takes, each once; `token` goes with any route. */
function parameters(query: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of query) {
    if (name === 'token') continue;
    if (!allowed.includes(name)) {
      throw new RequestError(
        400,
        `unknown parameter ${JSON.stringify(name)}${allowed.length > 0 ? `: this route takes ${allowed.join(', ')}` : ''}`,
      );
    }
    if (values.has(name)) throw new RequestError(400, `parameter ${name} given twice`);
    values.set(name, value);
  }
  return values;
}

/** A value through the command line's own parser (values.ts), refused in the command line's words. */
function parsed<T>(name: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    throw new RequestError(400, `invalid ${name} ${JSON.stringify(text)}: ${messageOf(error)}`);
  }
}

/** The parser an option of the table (options.ts) was defined with. */
function optionParser<T>(option: { parseArg?: (value: string, previous: unknown) => unknown }): (text: string) => T {
  const parse = option.parseArg;
  if (!parse) throw new Error('option without a parser');
  return (text) => parse(text, undefined) as T;
}

const sourceValue = optionParser<Source>(reportOptions.source());
const mergeGapValue = optionParser<number>(reportOptions.mergeGap());
const tzValue = optionParser<string>(reportOptions.tz());

/** The period options' words (`--day`, `--from/--to`) as the query names them (`day`, `from/to`). */
const asParameters = (message: string): string => message.replace(/--(?=[a-z])/g, '');

const PERIOD_PARAMETERS = ['from', 'to', 'day', 'month', 'last'] as const;
const REPORT_PARAMETERS = ['device', 'pin', ...PERIOD_PARAMETERS, 'tz', 'source', 'merge-gap'];

function withDeadline<T>(work: Promise<T>, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer from the store within --time-limit ${limitMs / 1000} s`)),
      limitMs,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function etagOf(reply: Reply): string {
  const body = reply.body;
  if (!reply.stamped || typeof body !== 'string') return `"${sha256(body).toString('base64url').slice(0, 27)}"`;
  const unstamped = body.replace(/"generatedAt": "[^"]*"/, '');
  return `W/"${sha256(unstamped).toString('base64url').slice(0, 27)}"`;
}

/** If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" match. */
function notModified(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** True for an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(host);
}

export function createDashboardServer(options: DashboardServerOptions): Server {
  const { store, mode, webDir, token } = options;
  const now = options.now ?? (() => new Date());
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  // Finished hours' minutes, kept between requests. SQLite only: DynamoDB answers which minutes are
  // pending from its status index, a global secondary index read eventually consistent, so an hour
  // it calls complete may have new minutes all the same.
  const hourCache = store.kind === 'sqlite' ? new BoundedHourCache() : undefined;
  // The cookie holds a value derived from the token, not the token: it cannot be replayed as ?token=.
  const cookieSecret = token
    ? createHmac('sha256', token).update('blackout-dashboard cookie').digest('base64url')
    : undefined;

  /** How the request proved it knows the token; undefined when it did not. */
  function credential(
    req: IncomingMessage,
    query: URLSearchParams,
  ): 'no token set' | 'header' | 'query' | 'cookie' | undefined {
    if (!token || !cookieSecret) return 'no token set';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && sameSecret(bearer, token)) return 'header';
    const inQuery = query.getAll('token');
    if (inQuery.length === 1 && sameSecret(inQuery[0] ?? '', token)) return 'query';
    const cookie = cookieValue(req.headers.cookie, TOKEN_COOKIE);
    if (cookie !== undefined && sameSecret(cookie, cookieSecret)) return 'cookie';
    return undefined;
  }

  function seriesOf(values: Map<string, string>): Series {
    const deviceText = values.get('device');
    const pinText = values.get('pin');
    const device = deviceText !== undefined ? parsed('device', deviceText, deviceValue) : options.defaultSeries?.device;
    const pin = pinText !== undefined ? parsed('pin', pinText, pinValue) : options.defaultSeries?.pin;
    if (device === undefined) throw new RequestError(400, 'missing device: give ?device=<alias>&pin=<bcm>');
    if (pin === undefined) throw new RequestError(400, 'missing pin: give ?device=<alias>&pin=<bcm>');
    return { device, pin };
  }

  /** A series named in the path: `<device>/<pin><suffix>`. */
  function seriesInPath(device: string, pinFile: string, suffix: string): Series {
    if (!pinFile.endsWith(suffix)) throw new RequestError(404, `not found: expected <pin>${suffix}`);
    return {
      device: parsed('device', device, deviceValue),
      pin: parsed('pin', pinFile.slice(0, -suffix.length), pinValue),
    };
  }

  // Series found to hold readings: readings are never removed, so each is looked up once (counting a
  // year of minutes costs more than the status itself).
  const known = new Set<string>();
  /** The series must hold readings, as for `blackout-report`; 404 saying what the store holds. */
  async function held(series: Series): Promise<Series> {
    const key = `${series.device}\u0000${series.pin}`;
    if (known.has(key)) return series;
    try {
      await requireSeries(store, series);
      known.add(key);
      return series;
    } catch (error) {
      if (error instanceof UsageError) throw new RequestError(404, error.message);
      throw error;
    }
  }

  const zoneOf = (values: Map<string, string>): string => {
    const tz = values.get('tz');
    return tz === undefined ? options.tz : parsed('tz', tz, tzValue);
  };

  async function report(values: Map<string, string>, at: Date): Promise<Reply> {
    const series = seriesOf(values);
    const tz = zoneOf(values);
    const source = values.has('source') ? parsed('source', values.get('source') ?? '', sourceValue) : 'auto';
    const mergeGapText = values.get('merge-gap');
    const mergeGap = mergeGapText === undefined ? undefined : parsed('merge-gap', mergeGapText, mergeGapValue);
    const period = resolvePeriod(
      Object.fromEntries(
        PERIOD_PARAMETERS.flatMap((p) => {
          const value = values.get(p);
          return value === undefined ? [] : [[p, value]];
        }),
      ),
      tz,
      at,
    );
    await held(series);
    const { report: built } = await createReport(store, {
      line: series,
      mode,
      period,
      source,
      now: at,
      ...(mergeGap !== undefined ? { mergeGap } : {}),
      ...(hourCache ? { hourCache } : {}),
    });
    return { status: 200, type: JSON_TYPE, body: renderReport(built, 'json') };
  }

  async function api(segments: string[], query: URLSearchParams, at: Date): Promise<Reply> {
    const ctx: ResourceContext = { store, mode, now: at, ...(hourCache ? { hourCache } : {}) };
    const [, route, a, b, c, ...rest] = segments;
    if (rest.length > 0) throw new RequestError(404, 'not found');
    if ((route === 'devices' || route === 'devices.json') && a === undefined) {
      parameters(query, []);
      return jsonReply(200, await devicesResource(ctx), true);
    }
    if (route === 'status' && a === undefined) {
      const values = parameters(query, ['device', 'pin', 'tz']);
      const series = await held(seriesOf(values));
      return jsonReply(200, await statusResource(ctx, series, zoneOf(values)), true);
    }
    if (route === 'status' && a !== undefined && b !== undefined && c === undefined) {
      const values = parameters(query, ['tz']);
      const series = await held(seriesInPath(a, b, '.json'));
      return jsonReply(200, await statusResource(ctx, series, zoneOf(values)), true);
    }
    if (route === 'report' && a === undefined) {
      const values = parameters(query, REPORT_PARAMETERS);
      try {
        return await report(values, at);
      } catch (error) {
        throw error instanceof UsageError ? new RequestError(400, asParameters(error.message)) : error;
      }
    }
    const ics = async (series: Series, values: Map<string, string>): Promise<Reply> => ({
      status: 200,
      type: 'text/calendar; charset=utf-8',
      body: await outagesIcsResource(ctx, await held(series), zoneOf(values)),
    });
    if (route === 'outages.ics' && a === undefined) {
      const values = parameters(query, ['device', 'pin', 'tz']);
      return ics(seriesOf(values), values);
    }
    if (route === 'outages' && a !== undefined && b !== undefined && c === undefined) {
      return ics(seriesInPath(a, b, '.ics'), parameters(query, ['tz']));
    }
    if (route === 'schedule' && a !== undefined && b !== undefined && c === undefined) {
      const values = parameters(query, ['tz']);
      const series = seriesInPath(a, b, '.json');
      if (!options.schedule) throw new RequestError(404, 'no schedule configured: blackout-serve --schedule SOURCE');
      await held(series);
      return jsonReply(200, scheduleResource(ctx, series, options.schedule, zoneOf(values)), true);
    }
    if (route === 'minutes' && a !== undefined && b !== undefined && c !== undefined) {
      parameters(query, []);
      if (!c.endsWith('.json')) throw new RequestError(404, 'not found: expected <YYYY-MM-DD>.json');
      const day = parsed('day', c.slice(0, -'.json'.length), dateValue);
      const series = await held({ device: parsed('device', a, deviceValue), pin: parsed('pin', b, pinValue) });
      return jsonReply(200, await minutesResource(ctx, series, day), true);
    }
    throw new RequestError(404, 'not found');
  }

  async function healthz(): Promise<Reply> {
    const { reachable } = await store.check();
    return jsonReply(200, { ok: true, store: reachable.status });
  }

  function webConfig(query: URLSearchParams): Reply {
    parameters(query, []);
    const config: JsonWebConfig = { source: 'json', mode, tz: options.tz, refreshSeconds: DEFAULT_REFRESH_SECONDS };
    return jsonReply(200, config);
  }

  /** A file of the web folder; nothing outside it (a link pointing out is not followed out). */
  function staticFile(segments: string[]): Reply {
    const wanted = segments.length === 1 && segments[0] === '' ? ['index.html'] : segments;
    const isPage = wanted.length === 1 && wanted[0] === 'index.html';
    let root: string;
    try {
      root = realpathSync(webDir);
    } catch {
      return isPage ? notBuilt() : errorReply(404, 'not found');
    }
    // Dot files (.env, .git) are not part of an app.
    if (wanted.some((segment) => segment === '' || segment.startsWith('.'))) return errorReply(404, 'not found');
    let file: string;
    try {
      file = realpathSync(join(root, ...wanted));
      if (!file.startsWith(root + sep) || !statSync(file).isFile()) return errorReply(404, 'not found');
    } catch {
      return isPage ? notBuilt() : errorReply(404, 'not found');
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return { status: 200, type, body: readFileSync(file) };
  }

  function notBuilt(): Reply {
    const page = [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><title>Dashboard not built</title></head><body>',
      '<h1>The dashboard app is not built</h1>',
      '<p>There is no index.html in the web folder. Run <code>npm run build</code> (it writes dist/web/), or give',
      '<code>--web-dir</code>. The API answers meanwhile: <a href="api/devices.json">api/devices.json</a>.</p>',
      '</body></html>',
      '',
    ].join('\n');
    return { status: 503, type: 'text/html; charset=utf-8', body: page };
  }

  async function answer(req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      return errorReply(405, `method ${method} not allowed: GET or HEAD`, { Allow: 'GET, HEAD' });
    }
    const { segments, query } = parseTarget(req.url);
    const first = segments[0];
    // Open without the token: a monitor (systemd, Uptime Kuma) asks it, and it tells nothing about the data.
    if (first === 'healthz' && segments.length === 1) return healthz();
    const proof = credential(req, query);
    if (!proof) {
      return errorReply(401, 'missing or wrong token: send Authorization: Bearer <token>, or add ?token=<token>', {
        'WWW-Authenticate': 'Bearer realm="blackout-dashboard"',
      });
    }
    const reply =
      first === 'api'
        ? await withDeadline(api(segments, query, now()), timeLimitMs)
        : first === 'config.json' && segments.length === 1
          ? webConfig(query)
          : staticFile(segments);
    if (proof === 'query' && cookieSecret) {
      reply.headers = {
        ...reply.headers,
        'Set-Cookie': `${TOKEN_COOKIE}=${cookieSecret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}`,
      };
    }
    return reply;
  }

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Cache-Control': 'no-cache',
      ...reply.headers,
    };
    if (reply.status === 200) {
      const etag = etagOf(reply);
      headers.ETag = etag;
      if (notModified(req.headers['if-none-match'], etag)) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
    }
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    res.writeHead(reply.status, { ...headers, 'Content-Type': reply.type, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return createServer((req, res) => {
    answer(req)
      .catch((error: unknown): Reply => {
        if (error instanceof RequestError) return errorReply(error.status, error.message);
        options.onError?.(error, (req.url ?? '').split('?')[0] ?? '');
        return errorReply(503, oneLine(explainStoreError(error, options.user ?? 'the server') ?? messageOf(error)));
      })
      .then((reply) => send(req, res, reply))
      .catch(() => res.destroy());
  });
}

/** Listens on host:port; rejects with one line when it cannot (port taken, no permission). */
export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolveListen, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'the port is in use (another blackout-serve?)'
          : error.code === 'EACCES'
            ? 'not allowed (ports below 1024 need root)'
            : error.code === 'EADDRNOTAVAIL'
              ? 'no such address on this machine'
              : messageOf(error);
      reject(new Error(`cannot listen on ${host}:${port}: ${why}`));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolveListen(server.address() as AddressInfo);
    });
  });
}

/** Stops taking requests and ends open connections (keep-alive ones too). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}
