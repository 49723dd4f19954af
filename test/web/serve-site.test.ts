/**
 * The dashboard through blackout-serve's server (src/dashboard/server.ts, the code `blackout-serve`
 * runs) on a real SQLite file with the known data set; its clock is the page's fixed "now".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeServer, createDashboardServer, listen } from '../../src/dashboard/server.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { ROOT, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { dashboardSuite, WEB_NOW, WEB_TZ } from './dashboard-checks.js';
import { EVENING_WINDOW, offReadingAt, putKnownData, scheduleCalendar, startGate } from './sites.js';

dashboardSuite('serve', async () => {
  const temp = tempDir('blackout-web-serve-');
  const file = join(temp.dir, 'prod.sqlite');
  const writer = new SqliteStore({ file });
  await putKnownData(writer);
  let now = WEB_NOW;
  const reader = new SqliteStore({ file, access: 'read' });
  // The morning window (07:30–08:30 local) is over at now: the OFF reading of 10:01 below is not planned.
  const plan = join(temp.dir, 'group-2.1.ics');
  writeFileSync(plan, scheduleCalendar([['2026-03-30T04:30:00Z', '2026-03-30T05:30:00Z'], EVENING_WINDOW]));
  const server = createDashboardServer({
    store: reader,
    mode: 'prod',
    tz: WEB_TZ,
    webDir: join(ROOT, 'dist', 'web'),
    now: () => now,
    schedule: { source: plan, group: '2.1', format: undefined, cacheDir: join(temp.dir, 'cache') },
  });
  const address = await listen(server, '127.0.0.1', 0);
  // The phone reaches the Pi through the gate: closing it is the network going down.
  const gate = await startGate(`http://127.0.0.1:${address.port}`);
  return {
    baseUrl: `${gate.url}/`,
    series: SERIES,
    schedule: {
      now: ['next planned outage 18:00–21:00'],
      afterOff: ['this outage is not in the schedule for group 2.1', 'next planned outage 18:00–21:00'],
    },
    async addOffReading(at, later) {
      await writer.putMinutes([offReadingAt(at)]);
      now = later;
    },
    setDataReachable: gate.setOpen,
    async close() {
      await gate.close();
      await closeServer(server);
      await reader.close();
      await writer.close();
      temp.cleanup();
    },
  };
});
