/**
 * DynamoDB adapter on the seed's tables `<mode>-blackout-monitor-{minutes,hours,days}`.
 * Query only (never Scan), paginated; batched writes with UnprocessedItems retried with backoff;
 * bounded parallelism; conditional puts so a stored minute is never overwritten.
 */
import { ConditionalCheckFailedException, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Series, Table } from '../../domain/keys.js';
import { statusKey, withStatus } from '../../domain/keys.js';
import type { AggregateRecord, AggregateTable, MinuteRecord, RecordOf } from '../../domain/records.js';
import { sameReading } from '../../domain/records.js';
import { chunk, type PutMinutesResult, type Store } from '../store.js';
import { createTableAndWait, STATUS_INDEX, tableName } from './tables.js';

export interface DynamoStoreOptions {
  mode: string;
  /** Overrides AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local, dynalite, a VPC endpoint). */
  endpoint?: string;
  /** Overrides AWS_REGION / the shared config file. */
  region?: string;
  /** Parallel requests at most. */
  concurrency?: number;
  /** Attempts for one request (SDK retries throttling, 5xx and network errors). */
  maxAttempts?: number;
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

const BATCH_WRITE_MAX = 25;
const BATCH_GET_MAX = 100;
const UNPROCESSED_ATTEMPTS = 8;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number): number => Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2);
const keyOf = (r: { pk: string; sk: string }): string => `${r.pk}\u0000${r.sk}`;

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

type Item = Record<string, unknown>;

function toMinute(item: Item): MinuteRecord {
  return {
    pk: String(item.pk),
    sk: String(item.sk),
    pk_status: String(item.pk_status),
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
  };
}

const toRecord = <T extends Table>(table: T, item: Item): RecordOf<T> =>
  (table === 'minutes' ? toMinute(item) : toAggregate(item)) as RecordOf<T>;

export class DynamoStore implements Store {
  readonly kind = 'dynamodb' as const;
  readonly location: string;
  private readonly client: DynamoDBClient;
  private readonly doc: DynamoDBDocumentClient;
  private readonly concurrency: number;
  private readonly created = new Map<Table, Promise<void>>();

  constructor(private readonly options: DynamoStoreOptions) {
    const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
    this.location = `${tableName(options.mode, 'minutes').replace(/-minutes$/, '-*')}${endpoint ? ` at ${endpoint}` : ''}`;
    this.client = new DynamoDBClient({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.region ? { region: options.region } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      // A dead network must not hang a cron run: ~3 attempts × 5 s stays well under 30 s. Without
      // throwOnRequestTimeout the SDK only prints a warning and keeps waiting for the answer.
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 3000,
        requestTimeout: options.requestTimeoutMs ?? 5000,
        throwOnRequestTimeout: true,
      },
    });
    this.doc = DynamoDBDocumentClient.from(this.client, { marshallOptions: { removeUndefinedValues: true } });
    this.concurrency = options.concurrency ?? 8;
  }

  private name(table: Table): string {
    return tableName(this.options.mode, table);
  }

  /**
   * Runs a write; if the table does not exist yet, creates it with the seed's schema and runs it again.
   * Reads pass `whenMissing` instead: a missing table holds nothing, and a report or a doctor run must
   * not create tables as a side effect.
   */
  private async withTable<R>(table: Table, op: () => Promise<R>, whenMissing?: () => R): Promise<R> {
    try {
      return await op();
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      if (whenMissing) return whenMissing();
      let creating = this.created.get(table);
      if (!creating) {
        creating = createTableAndWait(this.client, this.name(table));
        this.created.set(table, creating);
      }
      await creating;
      return op();
    }
  }

  async putMinutes(records: readonly MinuteRecord[]): Promise<PutMinutesResult> {
    const result: PutMinutesResult = { stored: [], duplicates: [], conflicts: [] };
    if (records.length === 0) return result;
    return this.withTable('minutes', async () => {
      if (records.length === 1) await this.putOneMinute(records[0] as MinuteRecord, result);
      else await this.putManyMinutes(records, result);
      return result;
    });
  }

  /** The every-minute path: one conditional put, a read only when the minute is taken. */
  private async putOneMinute(record: MinuteRecord, result: PutMinutesResult): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.name('minutes'),
          Item: record,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
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
  private async putManyMinutes(records: readonly MinuteRecord[], result: PutMinutesResult): Promise<void> {
    // BatchGetItem refuses a key twice: two buffered files for one minute (a clock jump) share one.
    const keys = new Map(records.map((r) => [keyOf(r), r]));
    const existing = await this.batchGet('minutes', [...keys.values()]);
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
    await this.batchPut('minutes', free);
    result.stored.push(...free);
  }

  private async batchGet<T extends Table>(
    table: T,
    keys: readonly { pk: string; sk: string }[],
  ): Promise<Map<string, RecordOf<T>>> {
    const found = new Map<string, RecordOf<T>>();
    const name = this.name(table);
    await mapLimit(chunk(keys, BATCH_GET_MAX), this.concurrency, async (part) => {
      let pending: Record<string, unknown>[] = part.map((k) => ({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= UNPROCESSED_ATTEMPTS) throw new Error(`BatchGetItem on ${name}: keys still unprocessed`);
        if (attempt > 0) await sleep(backoff(attempt));
        const out = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [name]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[name] ?? []) {
          const record = toRecord(table, item);
          found.set(keyOf(record), record);
        }
        pending = (out.UnprocessedKeys?.[name]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    });
    return found;
  }

  private async batchPut(table: Table, items: readonly object[]): Promise<void> {
    const name = this.name(table);
    await mapLimit(chunk(items, BATCH_WRITE_MAX), this.concurrency, async (part) => {
      let pending = part.map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= UNPROCESSED_ATTEMPTS) throw new Error(`BatchWriteItem on ${name}: items still unprocessed`);
        if (attempt > 0) await sleep(backoff(attempt));
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [name]: pending } }));
        pending = (out.UnprocessedItems?.[name] as typeof pending | undefined) ?? [];
      }
    });
  }

  private async queryAll(input: {
    table: Table;
    index?: string;
    keyName: string;
    keyValue: string;
    projection?: string;
  }): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.name(input.table),
          ...(input.index ? { IndexName: input.index } : { ConsistentRead: true }),
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': input.keyName },
          ExpressionAttributeValues: { ':v': input.keyValue },
          ...(input.projection ? { ProjectionExpression: input.projection } : {}),
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async pendingPartitions(table: Table, series: Series): Promise<string[]> {
    const items = await this.withTable(
      table,
      () =>
        this.queryAll({
          table,
          index: STATUS_INDEX,
          keyName: 'pk_status',
          keyValue: statusKey(series, 'new'),
          projection: 'pk',
        }),
      () => [],
    );
    return [...new Set(items.map((i) => String(i.pk)))].sort();
  }

  async readPartitions<T extends Table>(table: T, pks: readonly string[]): Promise<Map<string, RecordOf<T>[]>> {
    const lists = await this.withTable(
      table,
      () => mapLimit(pks, this.concurrency, (pk) => this.queryAll({ table, keyName: 'pk', keyValue: pk })),
      () => [],
    );
    return new Map(pks.map((pk, i) => [pk, (lists[i] ?? []).map((item) => toRecord(table, item))]));
  }

  async putAggregates(table: AggregateTable, records: readonly AggregateRecord[]): Promise<void> {
    await this.withTable(table, () => this.batchPut(table, records));
  }

  /**
   * Minutes: rewritten with status `done` in batches (25 per request instead of one UpdateItem each),
   * safe because a stored minute never changes (puts never overwrite). Hours and days can be rewritten
   * meanwhile (`blackout-copy`, another machine): one conditional UpdateItem each, so an item whose ts
   * changed since it was read stays pending.
   */
  async markDone<T extends Table>(table: T, records: readonly RecordOf<T>[]): Promise<void> {
    if (table === 'minutes') {
      const done = records.map((r) => ({ ...r, pk_status: withStatus(r.pk_status, 'done') }));
      await this.withTable(table, () => this.batchPut(table, done));
      return;
    }
    await this.withTable(table, () =>
      mapLimit(records, this.concurrency, async (record) => {
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
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
