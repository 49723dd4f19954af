/**
 * The benchmark's measuring instruments: the critical path in round trips (criticalPath) and the
 * capacity the proxy accounts for each kind of request, against dynalite.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STATUS_INDEX, tableDefinition } from '../../src/stores/dynamodb/tables.js';
import { useDynalite } from '../support/dynalite.js';
import { criticalPath, type DynamoProxy, type RequestSpan, startDynamoProxy } from '../support/dynamo-proxy.js';

const span = (start: number, end: number): RequestSpan => ({ operation: 'Query', start, end });

describe('criticalPath', () => {
  it('is 0 for no requests and 1 for requests that all overlapped', () => {
    expect(criticalPath([])).toBe(0);
    expect(criticalPath([span(0, 30), span(1, 31), span(29, 60)])).toBe(1);
  });

  it('counts a chain of requests each started after the one before was answered', () => {
    expect(criticalPath([span(0, 30), span(31, 61), span(62, 92)])).toBe(3);
    // Starting exactly when the other ended still waited for it.
    expect(criticalPath([span(0, 30), span(30, 60)])).toBe(2);
  });

  it('gives a pool its rounds: 40 requests, 16 at a time, are 3', () => {
    const spans: RequestSpan[] = [];
    for (let i = 0; i < 40; i++) {
      const round = Math.floor(i / 16);
      spans.push(span(round * 31 + (i % 16) * 0.1, round * 31 + 30 + (i % 16) * 0.1));
    }
    expect(criticalPath(spans)).toBe(3);
  });

  it('takes the longest chain, whatever the order the spans are listed in', () => {
    // A long request alongside a chain of three short ones: the chain decides.
    const spans = [span(40, 50), span(0, 100), span(20, 30), span(0, 10)];
    expect(criticalPath(spans)).toBe(3);
    expect(criticalPath([span(0, 10), span(11, 200), span(12, 20), span(21, 30), span(31, 40)])).toBe(4);
  });
});

describe('capacity accounting (dynalite behind the proxy)', () => {
  const dynalite = useDynalite();
  let proxy: DynamoProxy;
  let doc: DynamoDBDocumentClient;
  const TABLE = 'units-blackout-monitor-minutes';
  const item = (sk: string, status: string, reading = 1) => ({
    pk: 'device#d#sensor#4#date#2025-06-21-19',
    sk,
    pk_status: `device#d#sensor#4#status#${status}`,
    ts: `2025-06-21T19:${sk.slice(-2)}:03.241969+00:00`,
    reading,
  });

  beforeAll(async () => {
    proxy = await startDynamoProxy(dynalite().endpoint, undefined, { capacity: true });
    const client = new DynamoDBClient({ endpoint: proxy.endpoint });
    doc = DynamoDBDocumentClient.from(client);
    await client.send(new CreateTableCommand(tableDefinition(TABLE)));
  });
  afterAll(async () => {
    doc?.destroy();
    await proxy?.close();
  });
  beforeEach(() => proxy.resetCounts());

  it('a new item costs 1 WRU and 1 for its index entry; an identical rewrite 1 and none', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: item('time#00', 'new') }));
    expect(proxy.units).toEqual({ read: 0, write: 1, indexRead: 0, indexWrite: 1 });
    await doc.send(new PutCommand({ TableName: TABLE, Item: item('time#00', 'new') }));
    expect(proxy.units).toMatchObject({ write: 2, indexWrite: 1 });
  });

  it('changing the index key (new → done) costs 2 index writes, another attribute 1', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: item('time#01', 'new') }));
    proxy.resetCounts();
    await doc.send(
      new BatchWriteCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: item('time#01', 'done') } }] } }),
    );
    expect(proxy.units).toMatchObject({ write: 1, indexWrite: 2 });
    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: item('time#01', 'done').pk, sk: 'time#01' },
        UpdateExpression: 'SET reading = :r',
        ExpressionAttributeValues: { ':r': 0 },
      }),
    );
    expect(proxy.units).toMatchObject({ write: 2, indexWrite: 3 });
  });

  it('a failed condition costs 1 WRU and no index write', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: item('time#02', 'new') }));
    proxy.resetCounts();
    await expect(
      doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: item('time#02', 'new', 0),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toThrow();
    expect(proxy.units).toEqual({ read: 0, write: 1, indexRead: 0, indexWrite: 0 });
  });

  it('reads: a consistent GetItem 1 RRU, an eventually consistent ½; an empty Query ½ (index) or 1 (consistent)', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: item('time#03', 'new') }));
    proxy.resetCounts();
    const key = { pk: item('time#03', 'new').pk, sk: 'time#03' };
    await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    expect(proxy.units.read).toBe(1);
    await doc.send(new GetCommand({ TableName: TABLE, Key: key }));
    expect(proxy.units.read).toBe(1.5);
    await doc.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: 'pk_status = :s',
        ExpressionAttributeValues: { ':s': 'device#none#sensor#4#status#new' },
      }),
    );
    expect(proxy.units).toMatchObject({ read: 2, indexRead: 0.5 });
    await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'device#none#sensor#4#date#2025-06-21-19' },
        ConsistentRead: true,
      }),
    );
    expect(proxy.units).toMatchObject({ read: 3, indexRead: 0.5 });
    // The client never asked for the consumed capacity: the answer does not carry it.
    const out = await doc.send(new GetCommand({ TableName: TABLE, Key: key }));
    expect(out.ConsumedCapacity).toBeUndefined();
  });
});
