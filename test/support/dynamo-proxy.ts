/**
 * A small HTTP proxy in front of dynalite that counts DynamoDB requests by operation and can inject
 * the faults dynalite never produces (throttling, 5xx, connection resets, delays, UnprocessedItems).
 * Used by tests, the chaos run and the benchmark.
 *
 * For the benchmark it can also play a network (`latencyMs`: every request waits that long before it
 * is forwarded, as a round trip to a region would), record when each request was in flight (the
 * critical path in round trips, `criticalPath`), and account the capacity DynamoDB would bill
 * (`capacity`), without the client asking for it.
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

/** Request units DynamoDB would bill, by table and for the status index. */
export interface ConsumedUnits {
  /** Read request units (strongly consistent reads of up to 4 KB: 1; index reads are eventually consistent: ½ per 4 KB). */
  read: number;
  /** Write request units on the tables themselves. */
  write: number;
  /** Of `read`: reads of the status index (Query with IndexName). */
  indexRead: number;
  /** Write request units on the status index (added to nothing else: bill `write + indexWrite`). */
  indexWrite: number;
}

export interface DynamoProxyOptions {
  /** Delay every request by this much before forwarding it (a fixed round-trip time). */
  latencyMs?: number;
  /**
   * Account consumed capacity: ask dynalite for it (`ReturnConsumedCapacity: INDEXES`, removed again
   * from the answer when the client did not ask), and work out the index writes dynalite does not
   * report from the item before and after each write (read directly from dynalite, not counted).
   */
  capacity?: boolean;
}

/** When one request was in flight at the proxy (ms, performance.now()). */
export interface RequestSpan {
  operation: string;
  start: number;
  end: number;
}

export interface DynamoProxy {
  endpoint: string;
  /** Capacity consumed since the last reset (only with `capacity`). */
  units: ConsumedUnits;
  /** Requests in flight since the last reset, in arrival order. */
  spans: RequestSpan[];
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

/**
 * The critical path of a set of requests in round trips: the longest chain of requests of which
 * each started only after the one before it had been answered. Requests that overlapped did not
 * wait for each other, so a pool of 8 sending 16 requests is 2 round trips, a pagination of 3 pages
 * is 3. With a fixed latency L per request, no run can take less than criticalPath × L.
 */
export function criticalPath(spans: readonly RequestSpan[]): number {
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  const byEnd = byStart.map((span, i) => ({ end: span.end, i })).sort((a, b) => a.end - b.end);
  const chain = new Array<number>(byStart.length).fill(0);
  let done = 0;
  let longestDone = 0;
  let longest = 0;
  for (const [i, span] of byStart.entries()) {
    // Every request answered before this one started has a known chain (it also started earlier).
    while (done < byEnd.length && (byEnd[done] as { end: number }).end <= span.start) {
      longestDone = Math.max(longestDone, chain[(byEnd[done] as { i: number }).i] as number);
      done++;
    }
    chain[i] = longestDone + 1;
    longest = Math.max(longest, longestDone + 1);
  }
  return longest;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

interface CapacityEntry {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

type AttributeMap = Record<string, unknown>;

/** Index entries written for one item write under an ALL-projection index on `pk_status`. */
function indexWrites(before: AttributeMap | undefined, after: AttributeMap | undefined): number {
  const was = before?.pk_status;
  const is = after?.pk_status;
  if (was === undefined && is === undefined) return 0;
  if (was === undefined || is === undefined) return 1;
  // The index key changed: the old entry is deleted and a new one put (AWS: two writes).
  if (JSON.stringify(was) !== JSON.stringify(is)) return 2;
  // Same key: one write when any projected attribute changed, none for an identical rewrite.
  return JSON.stringify(before) === JSON.stringify(after) ? 0 : 1;
}

/** The project's tables are keyed by `pk` and `sk`. */
const keyOfItem = (item: AttributeMap): AttributeMap => ({ pk: item.pk, sk: item.sk });
const keyText = (table: string, key: AttributeMap): string =>
  `${table}\u0000${JSON.stringify(key.pk)}\u0000${JSON.stringify(key.sk)}`;

/** The items a write request touches: table, key and (for puts) the new item. */
function writeTargets(
  operation: string,
  body: AttributeMap,
): { table: string; key: AttributeMap; put?: AttributeMap }[] {
  if (operation === 'PutItem') {
    const item = body.Item as AttributeMap;
    return [{ table: String(body.TableName), key: keyOfItem(item), put: item }];
  }
  if (operation === 'UpdateItem' || operation === 'DeleteItem') {
    return [{ table: String(body.TableName), key: body.Key as AttributeMap }];
  }
  const out: { table: string; key: AttributeMap; put?: AttributeMap }[] = [];
  for (const [table, requests] of Object.entries((body.RequestItems ?? {}) as Record<string, AttributeMap[]>)) {
    for (const r of requests) {
      const put = (r.PutRequest as { Item: AttributeMap } | undefined)?.Item;
      if (put) out.push({ table, key: keyOfItem(put), put });
      else out.push({ table, key: (r.DeleteRequest as { Key: AttributeMap }).Key });
    }
  }
  return out;
}

export async function startDynamoProxy(
  target: string,
  policy?: FaultPolicy,
  proxyOptions: DynamoProxyOptions = {},
): Promise<DynamoProxy> {
  const targetUrl = new URL(target);
  const latencyMs = proxyOptions.latencyMs ?? 0;
  const units: ConsumedUnits = { read: 0, write: 0, indexRead: 0, indexWrite: 0 };
  const spans: RequestSpan[] = [];
  const counts = new Map<string, number>();
  const faults = new Map<string, number>();
  let current = policy;
  let clientCancels = 0;
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const forward = (req: IncomingMessage, body: string, operation?: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const headers = {
        ...req.headers,
        host: targetUrl.host,
        'content-length': String(Buffer.byteLength(body)),
        // dynalite checks no signature: a lookup of the proxy's own can reuse the client's headers.
        ...(operation ? { 'x-amz-target': `DynamoDB_20120810.${operation}` } : {}),
      };
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

  /** The items stored under `keys` now, read straight from dynalite (not counted, not delayed). */
  const lookup = async (
    req: IncomingMessage,
    keys: { table: string; key: AttributeMap }[],
  ): Promise<Map<string, AttributeMap>> => {
    const found = new Map<string, AttributeMap>();
    const unique = new Map(keys.map((k) => [keyText(k.table, k.key), k]));
    const all = [...unique.values()];
    for (let i = 0; i < all.length; i += 100) {
      const requestItems: Record<string, { Keys: AttributeMap[]; ConsistentRead: boolean }> = {};
      for (const { table, key } of all.slice(i, i + 100)) {
        const entry = requestItems[table] ?? { Keys: [], ConsistentRead: true };
        entry.Keys.push(key);
        requestItems[table] = entry;
      }
      let pending: typeof requestItems | undefined = requestItems;
      while (pending && Object.keys(pending).length > 0) {
        const out = await forward(req, JSON.stringify({ RequestItems: pending }), 'BatchGetItem');
        if (out.status !== 200) throw new Error(`capacity lookup failed: ${out.text}`);
        const parsed = JSON.parse(out.text) as {
          Responses?: Record<string, AttributeMap[]>;
          UnprocessedKeys?: typeof requestItems;
        };
        for (const [table, items] of Object.entries(parsed.Responses ?? {}))
          for (const item of items) found.set(keyText(table, keyOfItem(item)), item);
        pending = parsed.UnprocessedKeys;
      }
    }
    return found;
  };

  /** Sums the units of a successful answer; the index writes from the items before and after. */
  const account = async (
    req: IncomingMessage,
    operation: string,
    request: AttributeMap,
    answer: AttributeMap,
    before: Map<string, AttributeMap> | undefined,
  ): Promise<void> => {
    const entries = ([] as CapacityEntry[]).concat((answer.ConsumedCapacity as CapacityEntry | CapacityEntry[]) ?? []);
    for (const entry of entries) {
      const table = entry.Table?.CapacityUnits ?? entry.CapacityUnits ?? 0;
      const index = Object.values(entry.GlobalSecondaryIndexes ?? {}).reduce((a, i) => a + (i.CapacityUnits ?? 0), 0);
      if (READS.has(operation)) {
        const onIndex = request.IndexName !== undefined;
        // DynamoDB bills a Query or Scan that reads nothing half a unit (one when consistent); dynalite 0.
        const least = operation === 'Query' || operation === 'Scan' ? (request.ConsistentRead ? 1 : 0.5) : 0;
        const read = Math.max(least, table + index);
        units.read += read;
        if (onIndex) units.indexRead += read;
      } else units.write += table;
    }
    if (!before) return;
    const targets = writeTargets(operation, request);
    const updated = operation === 'UpdateItem' ? await lookup(req, targets) : undefined;
    for (const t of targets) {
      const k = keyText(t.table, t.key);
      const after = operation === 'UpdateItem' ? updated?.get(k) : t.put;
      units.indexWrite += indexWrites(before.get(k), after);
    }
  };

  const server: Server = createServer(async (req, res) => {
    const span: RequestSpan = { operation: '', start: performance.now(), end: 0 };
    res.on('close', () => {
      span.end = performance.now();
    });
    try {
      let body = (await readBody(req)).toString();
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      span.operation = operation;
      spans.push(span);
      bump(counts, operation);
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const accounting = proxyOptions.capacity === true && (READS.has(operation) || WRITES.has(operation));
      if (accounting && !current) {
        const request = JSON.parse(body) as AttributeMap;
        const asked = request.ReturnConsumedCapacity !== undefined && request.ReturnConsumedCapacity !== 'NONE';
        const before = WRITES.has(operation) ? await lookup(req, writeTargets(operation, request)) : undefined;
        body = JSON.stringify({ ...request, ReturnConsumedCapacity: 'INDEXES' });
        const out = await forward(req, body);
        let text = out.text;
        if (out.status === 200) {
          const answer = JSON.parse(out.text) as AttributeMap;
          await account(req, operation, request, answer, before);
          if (!asked) {
            delete answer.ConsumedCapacity;
            text = JSON.stringify(answer);
          }
        } else if (/ConditionalCheckFailed/.test(out.text)) {
          // DynamoDB bills a write whose condition failed (1 unit for an item under 1 KB); dynalite reports nothing.
          units.write += 1;
        }
        res.writeHead(out.status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
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
    units,
    spans,
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
      spans.length = 0;
      Object.assign(units, { read: 0, write: 0, indexRead: 0, indexWrite: 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
