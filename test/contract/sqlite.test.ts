import { afterAll } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { tempDir } from '../support/cli.js';
import { defineStoreContract } from './store-contract.js';

const tmp = tempDir();
let n = 0;
afterAll(() => tmp.cleanup());

defineStoreContract('sqlite', {
  open: async () => new SqliteStore({ file: `${tmp.dir}/store-${n++}.sqlite` }),
});
