/**
 * The Python version's DynamoDB table layout, created by a writer on first use when missing. Existing tables
 * (for example the Python version's) are used as they are; `tableProblems` says how one differs.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { Table } from '../../domain/keys.js';
import { sleep } from '../../utils/sleep.js';

export const STATUS_INDEX = 'sk_status-index';

export function tableName(mode: string, table: Table): string {
  return `${mode}-blackout-monitor-${table}`;
}

export function tableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'pk_status', AttributeType: 'S' },
      { AttributeName: 'ts', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: STATUS_INDEX,
        KeySchema: [
          { AttributeName: 'pk_status', KeyType: 'HASH' },
          { AttributeName: 'ts', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export interface CreateTableOptions {
  /** How long to wait for the table and its index to become ACTIVE. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Creates the table (tolerating a concurrent creator) and waits until it and its index are ACTIVE. */
export async function createTableAndWait(
  client: DynamoDBClient,
  name: string,
  options: CreateTableOptions = {},
): Promise<void> {
  const { timeoutMs = 120_000, signal } = options;
  try {
    await client.send(new CreateTableCommand(tableDefinition(name)), { abortSignal: signal });
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    const { Table: described } = await client.send(new DescribeTableCommand({ TableName: name }), {
      abortSignal: signal,
    });
    const indexesActive = (described?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (described?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`table ${name} did not become ACTIVE within ${timeoutMs / 1000} s`);
    await sleep(delay, signal);
  }
}

type KeyElement = { AttributeName?: string | undefined; KeyType?: string | undefined };
const keys = (schema: KeyElement[] | undefined): string =>
  (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');

/** Differences between a described table and the definition a writer would create. */
export function tableProblems(name: string, described: TableDescription): string[] {
  const expected = tableDefinition(name);
  const problems: string[] = [];
  if (keys(described.KeySchema) !== keys(expected.KeySchema)) {
    problems.push(`${name} key ${keys(described.KeySchema) || 'none'} (want ${keys(expected.KeySchema)})`);
  }
  const types = new Map((described.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  for (const def of expected.AttributeDefinitions ?? []) {
    const type = types.get(def.AttributeName);
    if (type !== undefined && type !== def.AttributeType) {
      problems.push(`${name}.${def.AttributeName} is ${type} (want ${def.AttributeType})`);
    }
  }
  for (const index of expected.GlobalSecondaryIndexes ?? []) {
    const found = (described.GlobalSecondaryIndexes ?? []).find((i) => i.IndexName === index.IndexName);
    if (!found) problems.push(`${name} has no index ${index.IndexName}`);
    else if (keys(found.KeySchema) !== keys(index.KeySchema)) {
      problems.push(`${name} index ${index.IndexName} key ${keys(found.KeySchema)} (want ${keys(index.KeySchema)})`);
    }
  }
  return problems;
}
