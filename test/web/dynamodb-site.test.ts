/**
 * The dashboard in its DynamoDB mode: the page's config.json names dynalite (loopback, test
 * credentials), and the browser queries the minutes, hours and days tables itself with the AWS SDK.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoWebConfig } from '../../src/dashboard/contract.js';
import { aggregate } from '../../src/pipeline/aggregate.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { silentLogger } from '../../src/utils/log.js';
import { ROOT, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { useDynalite, useTestAwsEnv } from '../support/dynalite.js';
import { dashboardSuite, WEB_SECOND, WEB_TZ } from './dashboard-checks.js';
import { offReadingAt, putKnownData, startGate, startStaticServer } from './sites.js';

const dynalite = useDynalite();
const MODE = 'webtest';

dashboardSuite('dynamodb', async () => {
  useTestAwsEnv();
  const temp = tempDir('blackout-web-dynamodb-');
  const store = new DynamoStore({ mode: MODE, endpoint: dynalite().endpoint });
  await putKnownData(store);
  // Rolled up, as the hourly job leaves a store (and every table exists: a missing one is a 400 in the browser).
  for (const series of [SERIES, WEB_SECOND]) await aggregate(store, series, silentLogger());
  // The browser reaches DynamoDB through the gate: closing it is the network going down.
  const gate = await startGate(dynalite().endpoint);
  const folder = join(temp.dir, 'site');
  cpSync(join(ROOT, 'dist', 'web'), folder, { recursive: true });
  const config: DynamoWebConfig = {
    source: 'dynamodb',
    mode: MODE,
    tz: WEB_TZ,
    title: 'Power at home',
    region: 'us-east-1',
    endpoint: gate.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    series: [SERIES, WEB_SECOND],
  };
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  const site = await startStaticServer(folder);
  return {
    baseUrl: site.baseUrl,
    otherOrigins: [gate.url],
    calendarFile: true,
    series: SERIES,
    async addOffReading(at) {
      await store.putMinutes([offReadingAt(at)]);
    },
    setDataReachable: gate.setOpen,
    async close() {
      await site.close();
      await gate.close();
      await store.close();
      temp.cleanup();
    },
  };
});
