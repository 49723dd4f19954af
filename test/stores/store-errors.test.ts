/**
 * isTransientStoreError decides whether read-pin keeps a reading buffered quietly (transient) or flags
 * it as needing a person, and whether aggregate exits 0. The errors are real where they can be made
 * here: SQLite's from better-sqlite3, the SDK's from dynalite and the fault proxy, Node's from sockets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minuteRecord } from '../../src/domain/records.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { explainStoreError, isTransientStoreError } from '../../src/stores/store-errors.js';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { type RunningDynalite, startDynalite, useTestAwsEnv } from '../support/dynalite.js';
import { type DynamoProxy, type FaultAction, startDynamoProxy } from '../support/dynamo-proxy.js';

const tmp = tempDir('blackout-errors-');
let dynalite: RunningDynalite;
let proxy: DynamoProxy;
beforeAll(async () => {
  useTestAwsEnv();
  dynalite = await startDynalite();
  proxy = await startDynamoProxy(dynalite.endpoint);
  // One table for the requests below.
  const store = new DynamoStore({ mode: 'errors', endpoint: dynalite.endpoint });
  await store.putMinutes([minuteRecord(SERIES, '2025-06-21T10:00:03.000000+00:00', 1)]);
  await store.close();
});
afterAll(async () => {
  await proxy.close();
  await dynalite.close();
  tmp.cleanup();
});

const TABLE = 'errors-blackout-monitor-minutes';

/**
 * What one request fails with, with one attempt (no SDK retries). The request timeout is short only
 * where a delay is the fault: elsewhere a stall of the loaded test machine must not turn the error
 * under test into a timeout.
 */
async function sdkError(
  send: (client: DynamoDBClient) => Promise<unknown>,
  options: { fault?: FaultAction; endpoint?: string; signal?: AbortSignal } = {},
): Promise<unknown> {
  proxy.setPolicy(options.fault ? () => options.fault as FaultAction : undefined);
  const client = new DynamoDBClient({
    endpoint: options.endpoint ?? proxy.endpoint,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: 1000,
      requestTimeout: options.fault?.kind === 'delay' ? 300 : 10_000,
      throwOnRequestTimeout: true,
    },
  });
  try {
    await send(client);
    throw new Error('the request did not fail');
  } catch (error) {
    return error;
  } finally {
    proxy.setPolicy(undefined);
    client.destroy();
  }
}

const describeTable =
  (name = TABLE) =>
  (client: DynamoDBClient) =>
    client.send(new DescribeTableCommand({ TableName: name }));

/** What better-sqlite3 throws for `run` on a fresh database file. */
function sqliteError(run: (file: string) => void): unknown {
  const file = join(tmp.dir, `db-${Math.random().toString(36).slice(2)}.sqlite`);
  try {
    run(file);
    throw new Error('no SQLite error');
  } catch (error) {
    return error;
  }
}

/** The SDK's own credential chain, finding nothing: no variables, no files, no instance metadata. */
async function credentialsError(): Promise<unknown> {
  const saved = { ...process.env };
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
    delete process.env[key];
  }
  Object.assign(process.env, {
    HOME: tmp.dir,
    AWS_CONFIG_FILE: join(tmp.dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp.dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const client = new DynamoDBClient({ region: 'eu-central-1' });
  try {
    return await client.config.credentials().then(
      () => new Error('credentials were found'),
      (error: unknown) => error,
    );
  } finally {
    client.destroy();
    process.env = saved;
  }
}

const busy = () =>
  sqliteError((file) => {
    const holder = new Database(file);
    holder.exec('CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
    try {
      new Database(file, { timeout: 0 }).exec('INSERT INTO t VALUES (2)');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

type Case = [what: string, make: () => unknown, transient: boolean];

const CASES: Case[] = [
  // SQLite, from better-sqlite3.
  ['SQLite SQLITE_BUSY (another connection holds the write lock)', busy, true],
  ['SQLite "database is locked" without a code', () => new Error('database is locked'), true],
  [
    'SQLite SQLITE_BUSY_SNAPSHOT (extended code)',
    () => new Database.SqliteError('database is locked', 'SQLITE_BUSY_SNAPSHOT'),
    true,
  ],
  [
    'SQLite SQLITE_CONSTRAINT_PRIMARYKEY',
    () =>
      sqliteError((file) => {
        const db = new Database(file);
        db.exec('CREATE TABLE t (x PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)');
      }),
    false,
  ],
  [
    'SQLite SQLITE_NOTADB (a file that is not a database)',
    () =>
      sqliteError((file) => {
        writeFileSync(file, 'not a database, but long enough to have a header of a hundred bytes or more '.repeat(3));
        new Database(file).prepare('SELECT * FROM sqlite_master').all();
      }),
    false,
  ],
  [
    'SQLite SQLITE_READONLY (a write through a read-only connection)',
    () =>
      sqliteError((file) => {
        new Database(file).exec('CREATE TABLE t (x)');
        new Database(file, { readonly: true }).exec('INSERT INTO t VALUES (1)');
      }),
    false,
  ],
  [
    'SQLite SQLITE_FULL (disk full: a person must make room)',
    () => new Database.SqliteError('full', 'SQLITE_FULL'),
    false,
  ],
  // DynamoDB, from the SDK: the fault proxy in front of dynalite.
  [
    'SDK throttling: ProvisionedThroughputExceededException, HTTP 400',
    () => sdkError(describeTable(), { fault: { kind: 'throttle' } }),
    true,
  ],
  [
    'SDK HTTP 500 InternalServerError ($fault server)',
    () => sdkError(describeTable(), { fault: { kind: 'server-error' } }),
    true,
  ],
  ['SDK HTTP 503', () => sdkError(describeTable(), { fault: { kind: 'server-error', status: 503 } }), true],
  [
    'SDK HTTP 429 of an unknown error name',
    () =>
      new DynamoDBServiceException({
        name: 'SlowDown',
        $fault: 'client',
        $metadata: { httpStatusCode: 429 },
        message: 'slow down',
      }),
    true,
  ],
  [
    'SDK error marked $retryable',
    () =>
      Object.assign(
        new DynamoDBServiceException({ name: 'Whatever', $fault: 'client', $metadata: { httpStatusCode: 400 } }),
        { $retryable: { throttling: false } },
      ),
    true,
  ],
  [
    'SDK ThrottlingException by name alone',
    () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    true,
  ],
  [
    'SDK ResourceNotFoundException, HTTP 400',
    () => sdkError(describeTable('no-such-table'), { endpoint: dynalite.endpoint }),
    false,
  ],
  [
    'SDK ValidationException, HTTP 400 (a key that does not match the schema)',
    () =>
      sdkError((client) => client.send(new GetCommand({ TableName: TABLE, Key: { pk: 'x' } })), {
        endpoint: dynalite.endpoint,
      }),
    false,
  ],
  [
    'SDK ConditionalCheckFailedException',
    () =>
      sdkError(
        async (client) => {
          const item = minuteRecord(SERIES, '2025-06-21T10:00:03.000000+00:00', 1);
          await client.send(
            new PutCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
          );
        },
        { endpoint: dynalite.endpoint },
      ),
    false,
  ],
  ['SDK: no credentials found (CredentialsProviderError)', credentialsError, false],
  [
    'SDK: signature rejected (UnrecognizedClientException, HTTP 400)',
    () =>
      new DynamoDBServiceException({
        name: 'UnrecognizedClientException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'The security token included in the request is invalid.',
      }),
    false,
  ],
  [
    'store: batch items still unprocessed after every retry',
    () => new Error('BatchWriteItem on t: items still unprocessed'),
    true,
  ],
  // Network, from real sockets.
  [
    'network: connection reset (ECONNRESET, socket hang up)',
    () => sdkError(describeTable(), { fault: { kind: 'reset' } }),
    true,
  ],
  [
    'network: connection refused (ECONNREFUSED)',
    () => sdkError(describeTable(), { endpoint: 'http://127.0.0.1:9' }),
    true,
  ],
  [
    'network: no answer within the request timeout (TimeoutError)',
    () => sdkError(describeTable(), { fault: { kind: 'delay', ms: 2000 } }),
    true,
  ],
  [
    'a request cancelled by a deadline (AbortError)',
    () =>
      sdkError(
        (client) =>
          client.send(new DescribeTableCommand({ TableName: TABLE }), { abortSignal: AbortSignal.timeout(50) }),
        { fault: { kind: 'delay', ms: 2000 } },
      ),
    true,
  ],
  [
    'a backoff sleep cut by a deadline (timers/promises AbortError)',
    () => sleep(1000, undefined, { signal: AbortSignal.abort() }).catch((e: unknown) => e),
    true,
  ],
  [
    'DNS lookup failed for now (EAI_AGAIN)',
    () => Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }),
    true,
  ],
  // Causes.
  ['a wrapper whose cause is SQLITE_BUSY', () => new Error('flush failed', { cause: busy() }), true],
  [
    'a cause two levels down that is a 503',
    async () =>
      new Error('outer', {
        cause: new Error('middle', {
          cause: await sdkError(describeTable(), { fault: { kind: 'server-error', status: 503 } }),
        }),
      }),
    true,
  ],
  ['a wrapper whose cause is a plain error', () => new Error('outer', { cause: new Error('inner') }), false],
  [
    'a cycle of causes (ends, not transient)',
    () => {
      const a = new Error('a');
      const b = new Error('b', { cause: a });
      Object.assign(a, { cause: b });
      return a;
    },
    false,
  ],
  // Not errors of the store at all.
  ['a plain Error', () => new Error('something broke'), false],
  ['a TypeError (a bug)', () => new TypeError("Cannot read properties of undefined (reading 'pk')"), false],
  ['a string thrown', () => 'ECONNRESET', false],
  ['undefined', () => undefined, false],
];

describe('isTransientStoreError', () => {
  it.each(CASES.map(([what, make, transient]) => ({ what, make, transient })))(
    '$what → transient: $transient',
    async ({ make, transient }) => {
      const error = await make();
      expect(isTransientStoreError(error)).toBe(transient);
    },
  );

  it('the real errors above have the shapes the cases name', async () => {
    expect(busy()).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(await sdkError(describeTable(), { fault: { kind: 'server-error', status: 503 } })).toMatchObject({
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    expect(await sdkError(describeTable(), { fault: { kind: 'throttle' } })).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await sdkError(describeTable(), { endpoint: 'http://127.0.0.1:9' })).toMatchObject({ code: 'ECONNREFUSED' });
    expect(await sdkError(describeTable(), { fault: { kind: 'reset' } })).toMatchObject({ code: 'ECONNRESET' });
    expect(await sdkError(describeTable(), { fault: { kind: 'delay', ms: 2000 } })).toMatchObject({
      name: 'TimeoutError',
    });
    expect(await credentialsError()).toMatchObject({ name: 'CredentialsProviderError' });
  });
});

describe('explainStoreError', () => {
  it('turns the SDK words a person can act on into sentences, else says nothing', () => {
    expect(explainStoreError(new Error('Region is missing'), 'pi')).toBe(
      'no AWS region: set --region or AWS_REGION (or run aws configure)',
    );
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(explainStoreError(new Error('wrapped', { cause: noCredentials }), 'pi')).toBe(
      'no AWS credentials for user pi: run aws configure as pi (or set AWS_PROFILE or AWS_ACCESS_KEY_ID)',
    );
    expect(explainStoreError(new Error('socket hang up'), 'pi')).toBeUndefined();
  });

  it('report says them as its one line', async () => {
    const home = tempDir('blackout-noaws-');
    // The child gets PATH and HOME only: no region, no credentials.
    const env = { HOME: home.dir, AWS_EC2_METADATA_DISABLED: 'true' };
    const run = await runEntrypoint('report', ['--store', 'dynamodb', '--log-dir', `${home.dir}/logs`], { env });
    home.cleanup();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('report: no AWS region: set --region or AWS_REGION (or run aws configure)\n');
  });
});

describe('a file that is not a database', () => {
  it('is named in the one line', async () => {
    const tmp = tempDir('blackout-notadb-');
    const file = join(tmp.dir, 'prod.sqlite');
    writeFileSync(file, 'not a database, but long enough to have a header of a hundred bytes or more '.repeat(3));
    const run = await runEntrypoint('report', ['--db', file, '--log-dir', join(tmp.dir, 'logs')]);
    tmp.cleanup();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`report: ${file} is not a SQLite database (file is not a database)\n`);
  });
});
