/** Picks the data source the config names. */
import type { DashboardSource, WebConfig } from '../dashboard/contract.js';
import { createJsonSource } from './json-source.js';

export async function createSource(config: WebConfig, page: URL): Promise<DashboardSource> {
  if (config.source === 'dynamodb') {
    // Its code and the AWS SDK are their own chunk: a JSON-mode page never downloads them.
    const { createDynamoSource } = await import('./dynamodb-source.js');
    return createDynamoSource(config);
  }
  return createJsonSource(config, page);
}
