/**
 * DynamoDB: credentials found, endpoint reachable, and the three tables shaped as
 * tableDefinition (src/stores/dynamodb/tables.ts) says: key schema, attribute types, the status index.
 */

import { userInfo } from 'node:os';
import {
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { TABLES } from '../domain/keys.js';
import { STATUS_INDEX, tableDefinition, tableName } from '../stores/dynamodb/tables.js';
import type { StoreConfig } from '../stores/open-store.js';
import { type CheckResult, fail, ok } from './check.js';

function client(config: StoreConfig): DynamoDBClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
  return new DynamoDBClient({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 },
  });
}

const where = (config: StoreConfig): string =>
  config.endpoint ?? `region ${config.region ?? process.env.AWS_REGION ?? '(from ~/.aws/config)'}`;

export async function checkDynamoReachable(config: StoreConfig): Promise<CheckResult> {
  const dynamo = client(config);
  try {
    try {
      await dynamo.config.region();
    } catch {
      return fail(
        'store',
        'no AWS region configured',
        'pass --region eu-central-1, or run aws configure as the user the jobs run as',
      );
    }
    try {
      await dynamo.config.credentials();
    } catch {
      return fail(
        'store',
        `no AWS credentials found for ${userInfo().username} (HOME=${process.env.HOME ?? '?'})`,
        'run aws configure as the user the jobs run as (or set AWS_PROFILE / AWS_ACCESS_KEY_ID in their environment)',
      );
    }
    const table = tableName(config.mode, 'minutes');
    try {
      await dynamo.send(new DescribeTableCommand({ TableName: table }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) {
        return fail(
          'store',
          `DynamoDB at ${where(config)} not reachable: ${(error as Error).message}`,
          'check the network, the endpoint/region and the IAM permissions (dynamodb:DescribeTable)',
        );
      }
    }
    return ok('store', `DynamoDB at ${where(config)} reachable, credentials found`);
  } finally {
    dynamo.destroy();
  }
}

type KeyElement = { AttributeName?: string | undefined; KeyType?: string | undefined };
const keys = (schema: KeyElement[] | undefined): string =>
  (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');

/** Differences between a described table and the definition the store would create. */
function tableProblems(name: string, described: TableDescription): string[] {
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

export async function checkDynamoTables(config: StoreConfig): Promise<CheckResult> {
  const dynamo = client(config);
  try {
    const problems: string[] = [];
    for (const table of TABLES) {
      const name = tableName(config.mode, table);
      try {
        const { Table: described } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
        problems.push(...tableProblems(name, described ?? {}));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        problems.push(`${name} missing`);
      }
    }
    if (problems.length > 0) {
      return fail(
        'tables',
        problems.join('; '),
        'missing tables are created by the first blackout-read-pin / blackout-aggregate run; a table with another layout must be recreated or the --mode changed',
      );
    }
    return ok(
      'tables',
      `${tableName(config.mode, 'minutes').replace(/-minutes$/, '-{minutes,hours,days}')} with pk/sk and ${STATUS_INDEX}`,
    );
  } finally {
    dynamo.destroy();
  }
}
