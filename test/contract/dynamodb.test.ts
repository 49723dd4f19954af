import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { useDynalite } from '../support/dynalite.js';
import { defineStoreContract } from './store-contract.js';

const dynalite = useDynalite();
let n = 0;

defineStoreContract('dynamodb (dynalite)', {
  // A fresh mode is a fresh set of tables.
  open: async () => new DynamoStore({ mode: `contract${n++}`, endpoint: dynalite().endpoint }),
});
