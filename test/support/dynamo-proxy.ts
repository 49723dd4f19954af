/**
 * A small HTTP proxy in front of dynalite that counts DynamoDB requests by operation and can inject
 * the faults dynalite never produces (throttling, 5xx, connection resets, delays, UnprocessedItems).
 * Used by tests, the chaos run and the benchmark.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to do with one request: pass it on, or answer/break it instead. */
export type FaultAction =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'throttle' }
  | { kind: 'server-error'; status?: number }
  | { kind: 'reset' }
  /** Forward, then move part of a BatchWriteItem's requests into UnprocessedItems. */
  | { kind: 'unprocessed'; fraction: number }
  /** Forward part of a BatchGetItem's keys; return the rest as UnprocessedKeys. */
  | { kind: 'unprocessed-keys'; fraction: number }
  /** Forward (the write happens), then drop the connection: the client never learns it succeeded. */
  | { kind: 'reset-after' };

/** Decides per request; `operation` is the X-Amz-Target action, e.g. `BatchWriteItem`. */
export type FaultPolicy = (operation: string, body: string) => FaultAction;

export interface DynamoProxy {
  endpoint: string;
  /** Requests seen per operation (including failed ones). */
  counts: Map<string, number>;
  totalRequests(): number;
  /** Faults injected so far, per kind. */
  faults: Map<string, number>;
  /** Requests whose client hung up before the answer: requests the client cancelled. */
  clientCancels(): number;
  setPolicy(policy: FaultPolicy | undefined): void;
  resetCounts(): void;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/x-amz-json-1.0';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

interface WriteRequestBody {
  RequestItems: Record<string, unknown[]>;
}

/** Splits a BatchWriteItem body: the kept part is forwarded, the rest returned as UnprocessedItems. */
function splitBatchWrite(body: string, fraction: number): { forward: string; unprocessed: Record<string, unknown[]> } {
  const parsed = JSON.parse(body) as WriteRequestBody;
  const forward: Record<string, unknown[]> = {};
  const unprocessed: Record<string, unknown[]> = {};
  for (const [table, requests] of Object.entries(parsed.RequestItems)) {
    const holdBack = Math.min(requests.length - 1, Math.floor(requests.length * fraction));
    if (holdBack > 0) unprocessed[table] = requests.slice(requests.length - holdBack);
    forward[table] = requests.slice(0, requests.length - holdBack);
  }
  return { forward: JSON.stringify({ ...parsed, RequestItems: forward }), unprocessed };
}

interface GetRequestBody {
  RequestItems: Record<string, { Keys: unknown[] } & Record<string, unknown>>;
}

/** Splits a BatchGetItem body: the kept keys are forwarded, the rest returned as UnprocessedKeys. */
function splitBatchGet(
  body: string,
  fraction: number,
): { forward: string; unprocessed: GetRequestBody['RequestItems'] } {
  const parsed = JSON.parse(body) as GetRequestBody;
  const forward: GetRequestBody['RequestItems'] = {};
  const unprocessed: GetRequestBody['RequestItems'] = {};
  for (const [table, request] of Object.entries(parsed.RequestItems)) {
    const keys = request.Keys;
    const holdBack = Math.min(keys.length - 1, Math.floor(keys.length * fraction));
    if (holdBack > 0) unprocessed[table] = { ...request, Keys: keys.slice(keys.length - holdBack) };
    forward[table] = { ...request, Keys: keys.slice(0, keys.length - holdBack) };
  }
  return { forward: JSON.stringify({ ...parsed, RequestItems: forward }), unprocessed };
}

export async function startDynamoProxy(target: string, policy?: FaultPolicy): Promise<DynamoProxy> {
  const targetUrl = new URL(target);
  const counts = new Map<string, number>();
  const faults = new Map<string, number>();
  let current = policy;
  let clientCancels = 0;
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const forward = (req: IncomingMessage, body: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: targetUrl.host, 'content-length': String(Buffer.byteLength(body)) };
      const upstream = request(
        { hostname: targetUrl.hostname, port: targetUrl.port, path: req.url, method: req.method, headers },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 500, text: Buffer.concat(parts).toString() }));
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server: Server = createServer(async (req, res) => {
    try {
      const body = (await readBody(req)).toString();
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      bump(counts, operation);
      const action = current?.(operation, body) ?? { kind: 'pass' };
      if (action.kind !== 'pass') bump(faults, action.kind);
      // The proxy's own resets are not the client's doing.
      if (action.kind !== 'reset' && action.kind !== 'reset-after') {
        res.on('close', () => {
          if (!res.writableFinished) clientCancels++;
        });
      }
      switch (action.kind) {
        case 'throttle':
          return sendJson(res, 400, {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'Injected throttling',
          });
        case 'server-error':
          return sendJson(res, action.status ?? 500, {
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: 'Injected server error',
          });
        case 'reset':
          req.socket.destroy();
          return;
        case 'reset-after':
          await forward(req, body);
          req.socket.destroy();
          return;
        case 'unprocessed-keys': {
          if (operation !== 'BatchGetItem') break;
          const { forward: kept, unprocessed } = splitBatchGet(body, action.fraction);
          const out = await forward(req, kept);
          if (out.status !== 200) return sendJson(res, out.status, JSON.parse(out.text));
          const parsed = JSON.parse(out.text) as { UnprocessedKeys?: GetRequestBody['RequestItems'] };
          const merged = { ...(parsed.UnprocessedKeys ?? {}) };
          for (const [table, request] of Object.entries(unprocessed)) {
            const earlier = merged[table]?.Keys ?? [];
            merged[table] = { ...request, Keys: [...earlier, ...request.Keys] };
          }
          return sendJson(res, 200, { ...parsed, UnprocessedKeys: merged });
        }
        case 'delay':
          await new Promise((r) => setTimeout(r, action.ms));
          break;
        case 'unprocessed': {
          if (operation !== 'BatchWriteItem') break;
          const { forward: kept, unprocessed } = splitBatchWrite(body, action.fraction);
          const out = await forward(req, kept);
          if (out.status !== 200) return sendJson(res, out.status, JSON.parse(out.text));
          const parsed = JSON.parse(out.text) as { UnprocessedItems?: Record<string, unknown[]> };
          const merged = { ...(parsed.UnprocessedItems ?? {}) };
          for (const [table, items] of Object.entries(unprocessed))
            merged[table] = [...(merged[table] ?? []), ...items];
          return sendJson(res, 200, { ...parsed, UnprocessedItems: merged });
        }
      }
      const out = await forward(req, body);
      res.writeHead(out.status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(out.text) });
      res.end(out.text);
    } catch {
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalFailure', message: 'proxy error' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    faults,
    clientCancels: () => clientCancels,
    totalRequests: () => [...counts.values()].reduce((a, b) => a + b, 0),
    setPolicy: (p) => {
      current = p;
    },
    resetCounts: () => {
      counts.clear();
      faults.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
