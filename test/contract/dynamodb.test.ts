import { afterAll, beforeAll } from 'vitest';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { type RunningDynalite, startDynalite, useTestAwsEnv } from '../support/dynalite.js';
import { defineStoreContract } from './store-contract.js';

let server: RunningDynalite;
let n = 0;
beforeAll(async () => {
  useTestAwsEnv();
  server = await startDynalite();
});
afterAll(async () => {
  await server.close();
});

defineStoreContract('dynamodb (dynalite)', {
  // A fresh mode is a fresh set of tables.
  open: async () => new DynamoStore({ mode: `contract${n++}`, endpoint: server.endpoint }),
});
