/**
 * DynamoDB adapter on the Python version's tables `<mode>-blackout-monitor-{minutes,hours,days}`.
 * Query only (never Scan), paginated; batched writes with UnprocessedItems retried with backoff;
 * bounded parallelism; conditional puts so a stored minute is never overwritten.
 *
 * Time limits: each attempt of a request is bounded by the SDK's connection and request timeouts
 * (and retried); a caller's deadline is an AbortSignal (the store's own and/or the call's) passed to
 * every `send`, so a request past it is destroyed, not abandoned, and backoff sleeps stop too.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  QueryCommand,
  ResourceNotFoundException,
  type TableDescription,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  parsePartitionKey,
  parseRegistryKey,
  partitionKeysBetween,
  REGISTRY_PK,
  registryKey,
  type Series,
  type Status,
  seriesOfKey,
  seriesPrefix,
  statusKey,
  TABLES,
  type Table,
  withStatus,
} from '../../domain/keys.js';
import type { AggregateRecord, AggregateTable, MinuteRecord, RecordOf } from '../../domain/records.js';
import { sameReading } from '../../domain/records.js';
import { canonicalTimestamp, parseTimestamp } from '../../domain/time.js';
import { messageOf } from '../../utils/errors.js';
import { redactText } from '../../utils/redact.js';
import { sleep } from '../../utils/sleep.js';
import {
  assertOnePerMinute,
  bySeries,
  callSignal,
  chunk,
  type ListSeriesOptions,
  mapLimit,
  minutesWithin,
  type PutMinutesResult,
  ReadOnlyStoreError,
  type ReplaceMinutesResult,
  type SeriesSummary,
  type Store,
  type StoreAccess,
  type StoreCallOptions,
  type StoreCheck,
  type StoreCheckOptions,
  type StoreFinding,
  tsBounds,
} from '../store.js';
import { createTableAndWait, STATUS_INDEX, tableName, tableProblems } from './tables.js';

/**
 * What a caller remembers of the series registry between processes (the minute job keeps it in its
 * buffer folder): a series it has may skip the registry lookup. Keys name the tables and the series.
 */
export interface RegistryMemo {
  has(key: string): boolean;
  remember(key: string): void;
}

export interface DynamoStoreOptions {
  mode: string;
  /** Default `write`: creates missing tables on first write. A reader never creates a table. */
  access?: StoreAccess;
  /** Cancels every request in flight and every later one (a caller's deadline for the whole store). */
  signal?: AbortSignal;
  /** DynamoDB Local, dynalite, a VPC endpoint (the CLI passes AWS_ENDPOINT_URL_DYNAMODB here when no option is given). */
  endpoint?: string;
  /** Overrides AWS_REGION / the shared config file. */
  region?: string;
  /**
   * Fixed credentials or a provider (the browser's Cognito guest role); absent: the SDK's default
   * chain (environment, ~/.aws, instance role).
   */
  credentials?: DynamoDBClientConfig['credentials'];
  /**
   * Strongly consistent reads of the tables (default true: a job reads what it just wrote). A
   * dashboard passes false: half the read cost, readings at most a second or so late.
   */
  consistentRead?: boolean;
  /** Series known to be registered already (see RegistryMemo); absent: asked once per process. */
  registryMemo?: RegistryMemo;
  /** Parallel requests at most (per call; default 16). */
  concurrency?: number;
  /**
   * Batch writes in flight at most (per store; default 32): the window halves whenever DynamoDB
   * leaves items unprocessed and grows back by one per batch written in full.
   */
  writeConcurrency?: number;
  /** Attempts for one request (SDK retries throttling, 5xx and network errors). */
  maxAttempts?: number;
  /** Limits of one attempt: the SDK destroys it and retries. A deadline for a whole call is a signal. */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

const BATCH_WRITE_MAX = 25;
const BATCH_GET_MAX = 100;
const UNPROCESSED_ATTEMPTS = 8;
const INDEX_RANGE_MS = 2 * 24 * 60 * 60 * 1000;

const backoff = (attempt: number): number => Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2);
const keyOf = (r: { pk: string; sk: string }): string => `${r.pk}\u0000${r.sk}`;

/**
 * How many batch writes may be in flight: starts at its maximum, halves when DynamoDB pushes back
 * (UnprocessedItems: the table or its index is at its rate), and grows by one per batch written in
 * full (additive increase, multiplicative decrease). Throttling errors are the SDK's adaptive retry
 * mode's, which slows the whole client.
 */
class WriteWindow {
  private limit: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {
    this.limit = max;
  }

  async run<R>(fn: () => Promise<R>): Promise<R> {
    while (this.inFlight >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.wake();
    }
  }

  pushedBack(): void {
    this.limit = Math.max(1, Math.floor(this.limit / 2));
  }

  wroteAll(): void {
    this.limit = Math.min(this.max, this.limit + 1);
    this.wake();
  }

  private wake(): void {
    for (let free = this.limit - this.inFlight; free > 0 && this.waiting.length > 0; free--) this.waiting.shift()?.();
  }
}

type Item = Record<string, unknown>;

/** `pkStatus`: the status key a status-index read asked for (then not read back from each item). */
function toMinute(item: Item, pkStatus?: string): MinuteRecord {
  return {
    pk: String(item.pk),
    sk: String(item.sk),
    pk_status: pkStatus ?? String(item.pk_status),
    ts: String(item.ts),
    reading: Number(item.reading) === 1 ? 1 : 0,
  };
}

function toAggregate(item: Item): AggregateRecord {
  const n = (v: unknown): number => Number(v ?? 0);
  return {
    pk: String(item.pk),
    sk: String(item.sk),
    pk_status: String(item.pk_status),
    ts: String(item.ts),
    on: n(item.on),
    off: n(item.off),
    unknown: n(item.unknown),
    expected: n(item.expected),
    count: n(item.count),
    ...(typeof item.by_minute === 'string' ? { by_minute: item.by_minute } : {}),
  };
}

const toRecord = <T extends Table>(table: T, item: Item): RecordOf<T> =>
  (table === 'minutes' ? toMinute(item) : toAggregate(item)) as RecordOf<T>;

const fail = (message: string, fix: string): StoreFinding => ({ status: 'fail', message, fix });

export class DynamoStore implements Store {
  readonly kind = 'dynamodb' as const;
  readonly access: StoreAccess;
  readonly location: string;
  private readonly client: DynamoDBClient;
  private readonly doc: DynamoDBDocumentClient;
  private readonly concurrency: number;
  private readonly writes: WriteWindow;
  private readonly writeConcurrency: number;
  private readonly created = new Map<Table, Promise<void>>();
  /** Series (`seriesPrefix`) this process found in the registry, put there or had in its memo: not asked again. */
  private readonly registered = new Set<string>();

  constructor(private readonly options: DynamoStoreOptions) {
    const endpoint = options.endpoint;
    this.access = options.access ?? 'write';
    // Credentials in an endpoint URL (`http://user:pass@host/?token=…`) never reach a message.
    this.location = `${tableName(options.mode, 'minutes').replace(/-minutes$/, '-*')}${endpoint ? ` at ${redactText(endpoint)}` : ''}`;
    this.client = new DynamoDBClient({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      // Throttling slows the whole client down (a client-side rate that adapts), not just the retried request.
      retryMode: 'adaptive',
      // A dead network must not hang a cron run: ~3 attempts × 5 s stays well under 30 s. Without
      // throwOnRequestTimeout the SDK only prints a warning and keeps waiting for the answer.
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 3000,
        requestTimeout: options.requestTimeoutMs ?? 5000,
        throwOnRequestTimeout: true,
      },
    });
    // The bulk paths (Query, BatchGetItem, BatchWriteItem) send through the plain client and convert
    // with util-dynamodb: the document client's own walk over every item cost ~30 µs an item, a
    // quarter of the client's CPU in a week's aggregate (doc/benchmarks.md). Single-item calls keep it.
    this.doc = DynamoDBDocumentClient.from(this.client, { marshallOptions: { removeUndefinedValues: true } });
    // On a network each request costs a round trip: 16 in flight keep a backlog close to the latency floor.
    this.concurrency = options.concurrency ?? 16;
    // Batch writes are the bulk of a backlog (aggregate marks every minute done): more of them in
    // flight, within the SDK's 50 sockets, and fewer when DynamoDB pushes back.
    this.writeConcurrency = options.writeConcurrency ?? 32;
    this.writes = new WriteWindow(this.writeConcurrency);
  }

  private name(table: Table): string {
    return tableName(this.options.mode, table);
  }

  /** The signal a call runs under; throws at once when it has already fired. */
  private signalFor(options: StoreCallOptions | undefined): AbortSignal | undefined {
    const signal = callSignal(this.options.signal, options);
    signal?.throwIfAborted();
    return signal;
  }

  private assertWriter(operation: string): void {
    if (this.access !== 'write') throw new ReadOnlyStoreError(this.location, operation);
  }

  /**
   * Runs an operation on `table`. A missing table: a read (`whenMissing`) finds nothing, since a
   * report or a doctor run must not create tables as a side effect; a write creates it with the
   * Python version's schema and runs again.
   */
  private async withTable<R>(
    table: Table,
    signal: AbortSignal | undefined,
    op: () => Promise<R>,
    whenMissing?: () => R,
  ): Promise<R> {
    try {
      return await op();
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      if (whenMissing) return whenMissing();
      this.assertWriter('creating a table');
      let creating = this.created.get(table);
      if (!creating) {
        creating = createTableAndWait(this.client, this.name(table), { signal });
        this.created.set(table, creating);
        // A failed or cancelled creation is tried again by the next write, not remembered.
        creating.catch(() => this.created.delete(table));
      }
      await creating;
      return op();
    }
  }

  async check(options: StoreCheckOptions = {}): Promise<StoreCheck> {
    const where = this.options.endpoint
      ? redactText(this.options.endpoint)
      : `region ${this.options.region ?? '(from ~/.aws/config)'}`;
    try {
      await this.client.config.region();
    } catch {
      return {
        reachable: fail(
          'no AWS region configured',
          'pass --region eu-central-1, or run aws configure as the user the jobs run as',
        ),
      };
    }
    try {
      await this.client.config.credentials();
    } catch {
      return {
        reachable: fail(
          `no AWS credentials found for ${options.username ?? '?'} (HOME=${options.home ?? '?'})`,
          'run aws configure as the user the jobs run as (or set AWS_PROFILE / AWS_ACCESS_KEY_ID in their environment)',
        ),
      };
    }
    let minutes: TableDescription | undefined;
    try {
      minutes = await this.describe('minutes');
    } catch (error) {
      return {
        reachable: fail(
          `DynamoDB at ${where} not reachable: ${messageOf(error)}`,
          'check the network, the endpoint/region and the IAM permissions (dynamodb:DescribeTable)',
        ),
      };
    }
    const reachable: StoreFinding = { status: 'ok', message: `DynamoDB at ${where} reachable, credentials found` };
    const problems: string[] = [];
    try {
      for (const table of TABLES) {
        const description = table === 'minutes' ? minutes : await this.describe(table);
        if (description) problems.push(...tableProblems(this.name(table), description));
        else problems.push(`${this.name(table)} missing`);
      }
    } catch (error) {
      return {
        reachable,
        schema: fail(messageOf(error), 'check the network and the IAM permissions (dynamodb:DescribeTable)'),
      };
    }
    if (problems.length > 0) {
      return {
        reachable,
        schema: fail(
          problems.join('; '),
          'missing tables are created by the first blackout-read-pin / blackout-aggregate run; a table with another layout must be recreated or the --mode changed',
        ),
      };
    }
    return {
      reachable,
      schema: {
        status: 'ok',
        message: `${this.name('minutes').replace(/-minutes$/, '-{minutes,hours,days}')} with pk/sk and ${STATUS_INDEX}`,
      },
    };
  }

  /** The table as DynamoDB describes it; undefined when it does not exist. */
  private async describe(table: Table): Promise<TableDescription | undefined> {
    try {
      const out = await this.client.send(new DescribeTableCommand({ TableName: this.name(table) }), {
        abortSignal: this.signalFor(undefined),
      });
      return out.Table ?? {};
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  async putMinutes(records: readonly MinuteRecord[], options?: StoreCallOptions): Promise<PutMinutesResult> {
    this.assertWriter('putMinutes');
    const signal = this.signalFor(options);
    const result: PutMinutesResult = { stored: [], duplicates: [], conflicts: [] };
    if (records.length === 0) return result;
    return this.withTable('minutes', signal, async () => {
      // The registry alongside the readings, not after them: no extra round trip for the minute job. A
      // failure of either fails the call, the buffered files stay, and the next run (finding the readings
      // stored) registers them again; a series registered before its first reading is stored is listed
      // only once it has one.
      await Promise.all([
        records.length === 1
          ? this.putOneMinute(records[0] as MinuteRecord, result, signal)
          : this.putManyMinutes(records, result, signal),
        this.register(records, signal),
      ]);
      return result;
    });
  }

  /** The every-minute path: one conditional put, a read only when the minute is taken. */
  private async putOneMinute(
    record: MinuteRecord,
    result: PutMinutesResult,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.name('minutes'),
          Item: record,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
        { abortSignal: signal },
      );
      result.stored.push(record);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.doc.send(
        new GetCommand({
          TableName: this.name('minutes'),
          Key: { pk: record.pk, sk: record.sk },
          ConsistentRead: true,
        }),
        { abortSignal: signal },
      );
      const existing = toMinute(Item ?? {});
      if (sameReading(existing, record)) result.duplicates.push(record);
      else result.conflicts.push({ incoming: record, existing });
    }
  }

  /**
   * Backlog path: read which minutes are already taken (BatchGetItem), then write only the free
   * ones (BatchWriteItem). The per-mode flush lock keeps other writers out of that window.
   */
  private async putManyMinutes(
    records: readonly MinuteRecord[],
    result: PutMinutesResult,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    // BatchGetItem refuses a key twice: two buffered files for one minute (a clock jump) share one.
    const keys = new Map(records.map((r) => [keyOf(r), r]));
    const existing = await this.batchGet('minutes', [...keys.values()], signal);
    // In order, as SQLite does: a stored reading decides first, then the first of the batch takes a free minute.
    const free: MinuteRecord[] = [];
    for (const r of records) {
      const found = existing.get(keyOf(r));
      if (!found) {
        existing.set(keyOf(r), r);
        free.push(r);
      } else if (sameReading(found, r)) result.duplicates.push(r);
      else result.conflicts.push({ incoming: r, existing: found });
    }
    await this.batchPut('minutes', free, signal);
    result.stored.push(...free);
  }

  /**
   * Reads which minutes are taken (BatchGetItem), writes the free ones in batches, and overwrites the
   * differing ones one PutItem each, which returns the item it replaced (ALL_OLD): what is reported
   * as replaced is exactly what was overwritten, even if it changed after the read.
   */
  async replaceMinutes(records: readonly MinuteRecord[], options?: StoreCallOptions): Promise<ReplaceMinutesResult> {
    this.assertWriter('replaceMinutes');
    const signal = this.signalFor(options);
    assertOnePerMinute(records);
    const result: ReplaceMinutesResult = { stored: [], duplicates: [], replaced: [] };
    if (records.length === 0) return result;
    const pending = (r: MinuteRecord): MinuteRecord => ({ ...r, pk_status: withStatus(r.pk_status, 'new') });
    return this.withTable('minutes', signal, async () => {
      const existing = await this.batchGet('minutes', records, signal);
      const free: MinuteRecord[] = [];
      const differing: MinuteRecord[] = [];
      for (const r of records) {
        const found = existing.get(keyOf(r));
        if (!found) free.push(r);
        else if (sameReading(found, r)) result.duplicates.push(r);
        else differing.push(r);
      }
      await this.batchPut('minutes', free.map(pending), signal);
      result.stored.push(...free);
      const overwritten = await mapLimit(
        differing,
        this.concurrency,
        async (r) => {
          const out = await this.doc.send(
            new PutCommand({ TableName: this.name('minutes'), Item: pending(r), ReturnValues: 'ALL_OLD' }),
            { abortSignal: signal },
          );
          return out.Attributes;
        },
        signal,
      );
      for (const [i, r] of differing.entries()) {
        const old = overwritten[i];
        const before = old ? toMinute(old) : undefined;
        if (!before) result.stored.push(r);
        else if (sameReading(before, r)) result.duplicates.push(r);
        else result.replaced.push({ incoming: r, existing: before });
      }
      return result;
    });
  }

  private async batchGet<T extends Table>(
    table: T,
    keys: readonly { pk: string; sk: string }[],
    signal: AbortSignal | undefined,
  ): Promise<Map<string, RecordOf<T>>> {
    const found = new Map<string, RecordOf<T>>();
    const name = this.name(table);
    await mapLimit(
      chunk(keys, BATCH_GET_MAX),
      this.concurrency,
      async (part) => {
        let pending: Record<string, AttributeValue>[] = part.map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= UNPROCESSED_ATTEMPTS) throw new Error(`BatchGetItem on ${name}: keys still unprocessed`);
          if (attempt > 0) await sleep(backoff(attempt), signal);
          const out = await this.client.send(
            new BatchGetItemCommand({ RequestItems: { [name]: { Keys: pending, ConsistentRead: true } } }),
            { abortSignal: signal },
          );
          for (const item of out.Responses?.[name] ?? []) {
            const record = toRecord(table, unmarshall(item));
            found.set(keyOf(record), record);
          }
          pending = out.UnprocessedKeys?.[name]?.Keys ?? [];
        }
      },
      signal,
    );
    return found;
  }

  private async batchPut(table: Table, items: readonly object[], signal: AbortSignal | undefined): Promise<void> {
    const name = this.name(table);
    await mapLimit(
      chunk(items, BATCH_WRITE_MAX),
      this.writeConcurrency,
      async (part) => {
        let pending: WriteRequest[] = part.map((item) => ({
          PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) },
        }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= UNPROCESSED_ATTEMPTS) throw new Error(`BatchWriteItem on ${name}: items still unprocessed`);
          if (attempt > 0) await sleep(backoff(attempt), signal);
          signal?.throwIfAborted();
          const out = await this.writes.run(() =>
            this.client.send(new BatchWriteItemCommand({ RequestItems: { [name]: pending } }), { abortSignal: signal }),
          );
          pending = out.UnprocessedItems?.[name] ?? [];
          if (pending.length > 0) this.writes.pushedBack();
          else this.writes.wroteAll();
        }
      },
      signal,
    );
  }

  private async queryAll(input: {
    table: Table;
    index?: string;
    keyName: string;
    keyValue: string;
    /** Only sort keys beginning with this. */
    skPrefix?: string;
    /** Only index entries whose ts lies between these (inclusive). */
    tsBetween?: { low: string; high: string };
    projection?: readonly string[];
    /** The one item at the start (`oldest`) or the end (`newest`) of the sort order: one page of one item. */
    edge?: 'oldest' | 'newest';
    signal: AbortSignal | undefined;
  }): Promise<Item[]> {
    const names: Record<string, string> = { '#k': input.keyName };
    if (input.skPrefix !== undefined) names['#s'] = 'sk';
    if (input.tsBetween) names['#t'] = 'ts';
    for (const [i, name] of (input.projection ?? []).entries()) names[`#p${i}`] = name;
    const items: Item[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.name(input.table),
          ...(input.index ? { IndexName: input.index } : { ConsistentRead: this.options.consistentRead ?? true }),
          KeyConditionExpression: input.tsBetween
            ? '#k = :v AND #t BETWEEN :low AND :high'
            : input.skPrefix === undefined
              ? '#k = :v'
              : '#k = :v AND begins_with(#s, :p)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall({
            ':v': input.keyValue,
            ...(input.skPrefix === undefined ? {} : { ':p': input.skPrefix }),
            ...(input.tsBetween ? { ':low': input.tsBetween.low, ':high': input.tsBetween.high } : {}),
          }),
          ...(input.projection ? { ProjectionExpression: input.projection.map((_, i) => `#p${i}`).join(', ') } : {}),
          ...(input.edge ? { Limit: 1, ScanIndexForward: input.edge === 'oldest' } : {}),
          ExclusiveStartKey: start,
        }),
        { abortSignal: input.signal },
      );
      for (const item of out.Items ?? []) items.push(unmarshall(item));
      start = input.edge ? undefined : out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async pendingPartitions(table: Table, series: Series, options?: StoreCallOptions): Promise<string[]> {
    const signal = this.signalFor(options);
    const items = await this.withTable(
      table,
      signal,
      () =>
        this.queryAll({
          table,
          index: STATUS_INDEX,
          keyName: 'pk_status',
          keyValue: statusKey(series, 'new'),
          projection: ['pk'],
          signal,
        }),
      () => [],
    );
    return [...new Set(items.map((i) => String(i.pk)))].sort();
  }

  /**
   * Sub-ranges of INDEX_RANGE_MS queried in parallel: each fits one 1 MB page (2,880 minutes of
   * ~170 bytes), so a month is two rounds of 16 at most rather than 8 pages one after another.
   */
  async readMinutesBetween(
    series: Series,
    status: Status,
    from: Date,
    to: Date,
    options?: StoreCallOptions,
  ): Promise<MinuteRecord[]> {
    const signal = this.signalFor(options);
    const pkStatus = statusKey(series, status);
    const ranges: { low: string; high: string }[] = [];
    for (let start = from.getTime(); start < to.getTime(); start += INDEX_RANGE_MS) {
      // BETWEEN includes its upper bound, but no ts equals a bare `YYYY-MM-DDTHH:MM`: ranges never overlap.
      ranges.push(tsBounds(new Date(start), new Date(Math.min(to.getTime(), start + INDEX_RANGE_MS))));
    }
    const lists = await this.withTable(
      'minutes',
      signal,
      () =>
        mapLimit(
          ranges,
          this.concurrency,
          (tsBetween) =>
            this.queryAll({
              table: 'minutes',
              index: STATUS_INDEX,
              keyName: 'pk_status',
              keyValue: pkStatus,
              tsBetween,
              // Every item found has the pk_status asked for: not sent back, a fifth less to parse.
              projection: ['pk', 'sk', 'ts', 'reading'],
              signal,
            }),
          signal,
        ),
      () => [],
    );
    return minutesWithin(
      lists.flat().map((item) => toMinute(item, pkStatus)),
      from,
      to,
    );
  }

  async readPartitions<T extends Table>(
    table: T,
    pks: readonly string[],
    options?: StoreCallOptions,
  ): Promise<Map<string, RecordOf<T>[]>> {
    const signal = this.signalFor(options);
    const lists = await this.withTable(
      table,
      signal,
      () =>
        mapLimit(pks, this.concurrency, (pk) => this.queryAll({ table, keyName: 'pk', keyValue: pk, signal }), signal),
      () => [],
    );
    return new Map(pks.map((pk, i) => [pk, (lists[i] ?? []).map((item) => toRecord(table, item))]));
  }

  async putAggregates(
    table: AggregateTable,
    records: readonly AggregateRecord[],
    options?: StoreCallOptions,
  ): Promise<void> {
    this.assertWriter('putAggregates');
    const signal = this.signalFor(options);
    await this.withTable(table, signal, () => this.batchPut(table, records, signal));
    if (table === 'days' && records.length > 0) {
      await this.withTable('minutes', signal, () => this.countMonths(records, signal));
    }
  }

  /**
   * Minutes: rewritten with status `done` in batches (25 per request instead of one UpdateItem each),
   * safe because a stored minute never changes (puts never overwrite). Hours and days can be rewritten
   * meanwhile (`blackout-copy`, another machine): one conditional UpdateItem each, so an item whose ts
   * changed since it was read stays pending.
   */
  async markDone<T extends Table>(
    table: T,
    records: readonly RecordOf<T>[],
    options?: StoreCallOptions,
  ): Promise<void> {
    this.assertWriter('markDone');
    const signal = this.signalFor(options);
    if (table === 'minutes') {
      const done = records.map((r) => ({ ...r, pk_status: withStatus(r.pk_status, 'done') }));
      await this.withTable(table, signal, () => this.batchPut(table, done, signal));
      return;
    }
    await this.withTable(table, signal, () =>
      mapLimit(
        records,
        this.concurrency,
        async (record) => {
          try {
            await this.doc.send(
              new UpdateCommand({
                TableName: this.name(table),
                Key: { pk: record.pk, sk: record.sk },
                UpdateExpression: 'SET pk_status = :done',
                ConditionExpression: '#ts = :ts',
                ExpressionAttributeNames: { '#ts': 'ts' },
                ExpressionAttributeValues: { ':done': withStatus(record.pk_status, 'done'), ':ts': record.ts },
              }),
              { abortSignal: signal },
            );
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        },
        signal,
      ),
    );
  }

  /**
   * The registry's series (one Query), each summed up from its month counts and the status index:
   * first and last reading are the oldest and newest entry of its `new` and `done` index partitions
   * (sorted by ts: one item each), the count is the month counts (readings rolled up into days) plus
   * the pending minutes. A series without month counts yet is summed from its days partitions.
   */
  async listSeries(options?: ListSeriesOptions): Promise<SeriesSummary[]> {
    const signal = this.signalFor(options);
    const only = options?.series;
    const items = await this.withTable(
      'minutes',
      signal,
      () =>
        this.queryAll({
          table: 'minutes',
          keyName: 'pk',
          keyValue: REGISTRY_PK,
          ...(only ? { skPrefix: seriesPrefix(only) } : {}),
          signal,
        }),
      () => [],
    );
    const known = new Map<string, { series: Series; listed: boolean; counted: boolean; readings: number }>();
    for (const item of items) {
      const parsed = parseRegistryKey(String(item.sk));
      if (!parsed || (only && seriesPrefix(parsed.series) !== seriesPrefix(only))) continue;
      const key = seriesPrefix(parsed.series);
      const entry = known.get(key) ?? { series: parsed.series, listed: false, counted: false, readings: 0 };
      if (parsed.daysPk) entry.readings += Number(item.readings ?? 0);
      else Object.assign(entry, { listed: true, counted: item.counted === true });
      known.set(key, entry);
    }
    // Asked for by name: looked up in the index whether or not the registry knows it.
    if (only && !known.get(seriesPrefix(only))?.listed) {
      known.set(seriesPrefix(only), { series: only, listed: true, counted: false, readings: 0 });
    }
    const listed = [...known.values()].filter((e) => e.listed);
    // Three queries per series run together.
    const summaries = await mapLimit(
      listed,
      Math.max(1, Math.floor(this.concurrency / 3)),
      (e) => this.summarize(e.series, e.counted ? e.readings : undefined, signal),
      signal,
    );
    return summaries.filter((s): s is SeriesSummary => s !== undefined).sort(bySeries);
  }

  /** The series' own lookup of listSeries (registry and status index): there is no cheaper proof here. */
  async hasReadings(series: Series, options?: StoreCallOptions): Promise<boolean> {
    return (await this.listSeries({ ...options, series })).length > 0;
  }

  private async summarize(
    series: Series,
    rolledUp: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<SeriesSummary | undefined> {
    const span = await this.readingSpan(series, signal);
    if (!span) return undefined;
    const inDays = rolledUp ?? sum((await this.monthReadings(monthsOf(series, span), signal)).values());
    return {
      device: series.device,
      pin: series.pin,
      firstReading: span.first,
      lastReading: span.last,
      readings: inDays + span.pending,
    };
  }

  /** First and last reading of the series and its pending minutes, from the status index; undefined when it has none. */
  private async readingSpan(
    series: Series,
    signal: AbortSignal | undefined,
  ): Promise<{ first: string; last: string; pending: number } | undefined> {
    const index = (status: Status, edge?: 'oldest' | 'newest') =>
      this.withTable(
        'minutes',
        signal,
        () =>
          this.queryAll({
            table: 'minutes',
            index: STATUS_INDEX,
            keyName: 'pk_status',
            keyValue: statusKey(series, status),
            projection: ['ts'],
            ...(edge ? { edge } : {}),
            signal,
          }),
        () => [],
      );
    // Pending minutes are few (what the next aggregate run rolls up): read whole, in ts order.
    const [pending, oldestDone, newestDone] = await Promise.all([
      index('new'),
      index('done', 'oldest'),
      index('done', 'newest'),
    ]);
    const stamps = [pending[0], pending[pending.length - 1], oldestDone[0], newestDone[0]]
      .map((item) => (item === undefined ? undefined : canonicalTimestamp(String(item.ts))))
      .filter((ts): ts is string => ts !== undefined)
      .sort((a, b) => (parseTimestamp(a)?.getTime() ?? 0) - (parseTimestamp(b)?.getTime() ?? 0));
    const first = stamps[0];
    const last = stamps[stamps.length - 1];
    return first && last ? { first, last, pending: pending.length } : undefined;
  }

  /** Minute readings rolled up into each days partition: on + off of its day items. */
  private async monthReadings(
    daysPks: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Map<string, number>> {
    const partitions = await this.readPartitions('days', daysPks, { ...(signal ? { signal } : {}) });
    return new Map([...partitions].map(([pk, days]) => [pk, sum(days.map((d) => d.on + d.off))]));
  }

  /**
   * Registers each series of `records` the first time it is stored: one GetItem per series and
   * process (none while the caller's registry memo has it), and a conditional PutItem (never replacing
   * an item with counts) when it is missing.
   */
  private async register(records: readonly { pk: string }[], signal: AbortSignal | undefined): Promise<void> {
    const fresh = new Map<string, Series>();
    const memo = this.options.registryMemo;
    // The tables, where they are and the region the client resolved (AWS_REGION, ~/.aws/config): a
    // memo entry never stands for another region's tables of the same name.
    const region = memo ? await this.client.config.region().catch(() => 'an unknown region') : '';
    const memoKey = (series: Series): string => `${this.location} in ${region} ${seriesPrefix(series)}`;
    for (const record of records) {
      const series = seriesOfKey(record.pk);
      if (!series) continue;
      const prefix = seriesPrefix(series);
      if (this.registered.has(prefix) || fresh.has(prefix)) continue;
      if (memo?.has(memoKey(series))) this.registered.add(prefix);
      else fresh.set(prefix, series);
    }
    await mapLimit(
      [...fresh.values()],
      this.concurrency,
      async (series) => {
        const key = registryKey(series);
        const { Item } = await this.doc.send(
          new GetCommand({ TableName: this.name('minutes'), Key: key, ProjectionExpression: 'pk' }),
          { abortSignal: signal },
        );
        if (!Item) {
          try {
            await this.doc.send(
              new PutCommand({
                TableName: this.name('minutes'),
                Item: { ...key, device: series.device, pin: series.pin },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
              { abortSignal: signal },
            );
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }
        this.registered.add(seriesPrefix(series));
        memo?.remember(memoKey(series));
      },
      signal,
    );
  }

  /**
   * After days were written: the registry's count of each month they touched, recounted from its
   * days partition (idempotent: a rerun writes the same numbers). A series whose registry item has
   * no counts yet (registered by an earlier run, or tables of the Python version) gets every month
   * from its first reading to its last counted first, then is marked `counted`.
   */
  private async countMonths(records: readonly AggregateRecord[], signal: AbortSignal | undefined): Promise<void> {
    const touched = new Map<string, { series: Series; months: Set<string> }>();
    for (const record of records) {
      const parsed = parsePartitionKey('days', record.pk);
      if (!parsed) continue;
      const key = seriesPrefix(parsed.series);
      const entry = touched.get(key) ?? { series: parsed.series, months: new Set<string>() };
      entry.months.add(record.pk);
      touched.set(key, entry);
    }
    for (const { series, months } of touched.values()) {
      const key = registryKey(series);
      // The registry item and the touched months at once; a series not counted yet then reads the rest.
      const [{ Item }, counts] = await Promise.all([
        this.doc.send(new GetCommand({ TableName: this.name('minutes'), Key: key, ConsistentRead: true }), {
          abortSignal: signal,
        }),
        this.monthReadings([...months], signal),
      ]);
      const counted = Item?.counted === true;
      if (!counted) {
        const span = await this.readingSpan(series, signal);
        const rest = (span ? monthsOf(series, span) : []).filter((pk) => !counts.has(pk));
        for (const [pk, readings] of await this.monthReadings(rest, signal)) counts.set(pk, readings);
      }
      const monthItems = [...counts].map(([pk, readings]) => ({ ...registryKey(series, pk), readings }));
      await this.batchPut('minutes', monthItems, signal);
      if (!counted) {
        await this.doc.send(
          new PutCommand({
            TableName: this.name('minutes'),
            Item: { ...key, device: series.device, pin: series.pin, counted: true },
          }),
          { abortSignal: signal },
        );
      }
      this.registered.add(seriesPrefix(series));
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/** The days partitions (months) from the first reading's to the last's. */
function monthsOf(series: Series, span: { first: string; last: string }): string[] {
  const first = parseTimestamp(span.first);
  const last = parseTimestamp(span.last);
  return first && last ? partitionKeysBetween('days', series, first, new Date(last.getTime() + 1)) : [];
}
