import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { defaultDataDir } from '../utils/paths.js';
import type { RegistryMemo } from './dynamodb/dynamodb-store.js';
import type { Store, StoreAccess, StoreKind } from './store.js';

export interface StoreConfig {
  store: StoreKind;
  mode: string;
  /** SQLite file; default `data/<mode>.sqlite` in the project folder. */
  db?: string;
  endpoint?: string;
  region?: string;
}

export interface OpenStoreOptions {
  /**
   * `write` (default) for the jobs that store readings and roll-ups; `read` for reports, copy's
   * source and the doctor: nothing is created, migrated or written.
   */
  access?: StoreAccess;
  /** Aborting it cancels every call of the store, requests in flight included. */
  signal?: AbortSignal;
  /** DynamoDB: series known registered (the minute job's memo file), so it skips the lookup. */
  registryMemo?: RegistryMemo;
}

export function sqliteFile(config: Pick<StoreConfig, 'mode' | 'db'>): string {
  return config.db ?? join(defaultDataDir(), `${config.mode}.sqlite`);
}

/**
 * Opens the configured store. Each adapter is imported only when used: the AWS SDK for DynamoDB,
 * better-sqlite3 for SQLite (a cron run loads one of them, never both).
 */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const { access = 'write', signal, registryMemo } = options;
  // Every request in flight listens to the store's signal (up to the adapter's concurrency, for a few
  // calls at once): more than Node's default of 10 listeners is expected here, not a leak.
  if (signal) setMaxListeners(128, signal);
  if (config.store === 'sqlite') {
    const { SqliteStore } = await import('./sqlite/sqlite-store.js');
    return new SqliteStore({ file: sqliteFile(config), access, signal });
  }
  // Quiet the SDK's Node-20 notice and skip the EC2 metadata probe (a Pi has none; it costs a second).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
  const { DynamoStore } = await import('./dynamodb/dynamodb-store.js');
  return new DynamoStore({
    mode: config.mode,
    access,
    signal,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
    ...(registryMemo ? { registryMemo } : {}),
  });
}
