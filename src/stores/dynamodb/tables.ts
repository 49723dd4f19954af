/**
 * The seed's DynamoDB table layout, created on first use when missing. Existing tables (for
 * example the Python version's) are used as they are.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import type { Table } from '../../domain/keys.js';

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the table (tolerating a concurrent creator) and waits until it and its index are ACTIVE. */
export async function createTableAndWait(client: DynamoDBClient, name: string, timeoutMs = 120_000): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(name)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    const { Table: described } = await client.send(new DescribeTableCommand({ TableName: name }));
    const indexesActive = (described?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (described?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`table ${name} did not become ACTIVE within ${timeoutMs / 1000} s`);
    await sleep(delay);
  }
}
