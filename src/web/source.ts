/** Picks the data source the config names. */
import type { DashboardSource, WebConfig } from '../dashboard/contract.js';
import { createJsonSource } from './json-source.js';

export async function createSource(config: WebConfig, page: URL): Promise<DashboardSource> {
  if (config.source === 'dynamodb') {
    // DynamoDB mode: its code and the AWS SDK are their own chunk, loaded only here, by
    //   const { createDynamoSource } = await import('./dynamodb-source.js');
    //   return createDynamoSource(config);
    // once src/web/dynamodb-source.ts is in this build.
    throw new Error('the DynamoDB mode is not in this build');
  }
  return createJsonSource(config, page);
}
