/**
 * `npm run bench:web`: what the dashboard's first load transfers in JSON mode, compressed as a web
 * server would send it (gzip level 9 and brotli from zlib): index.html, app.js, app.css, the icon,
 * config.json and the Now page's data (api/devices.json and the 8 UTC-day minute files a 7-day Kyiv
 * view touches), computed with src/dashboard/resources.ts from SQLite holding 30 simulated days with
 * an outage or two a day and some gaps. Target: ≤ 100 KB compressed (issue 16).
 *
 *   npm run bench:web [-- --json]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { STATUS_DAYS, utcDaysBetween } from '../src/dashboard/contract.js';
import { devicesResource, minutesResource } from '../src/dashboard/resources.js';
import { lastLocalDays } from '../src/domain/period.js';
import { SqliteStore } from '../src/stores/sqlite/sqlite-store.js';
import { tempDir } from '../test/support/cli.js';
import { generateMinutes, SERIES } from '../test/support/data.js';
import { ROOT } from './measure.js';

const TZ = 'Europe/Kyiv';
const NOW = new Date('2026-11-30T12:00:10Z');
const DAYS = 30;
const LIMIT_KB = 100;

interface Row {
  name: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

const row = (name: string, content: Buffer | string): Row => {
  const data = Buffer.from(content);
  return {
    name,
    bytes: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

const web = join(ROOT, 'dist', 'web');
const rows: Row[] = ['index.html', 'app.js', 'app.css', 'icon.svg'].map((f) => row(f, readFileSync(join(web, f))));
const lazy = statSync(join(web, 'chunks'), { throwIfNoEntry: false })
  ? readdirSync(join(web, 'chunks')).filter((f) => f.endsWith('.js'))
  : [];
rows.push(row('config.json', JSON.stringify({ source: 'json', mode: 'prod', tz: TZ })));

const temp = tempDir('blackout-bench-web-');
try {
  const store = new SqliteStore({ file: join(temp.dir, 'bench.sqlite') });
  const from = new Date(NOW.getTime() - DAYS * 86_400_000);
  const minutes = Math.floor((NOW.getTime() - from.getTime()) / 60_000) + 1;
  // Scheduled cuts (4 h every day from 08:00 or 14:00 UTC, alternating) and a 7-minute gap every 11 hours.
  await store.putMinutes(
    generateMinutes(SERIES, from, minutes, (i, at) => {
      if (i % 660 < 7) return null;
      const hour = at.getUTCHours();
      const start = at.getUTCDate() % 2 === 0 ? 8 : 14;
      return hour >= start && hour < start + 4 ? 0 : 1;
    }),
  );
  const ctx = { store, mode: 'prod', now: NOW };
  rows.push(row('api/devices.json', JSON.stringify(await devicesResource(ctx))));
  const range = lastLocalDays(STATUS_DAYS, TZ, NOW);
  for (const day of utcDaysBetween(range.from, range.to)) {
    rows.push(row(`api/minutes/…/${day}.json`, JSON.stringify(await minutesResource(ctx, SERIES, day))));
  }
  await store.close();
} finally {
  temp.cleanup();
}

const total = rows.reduce(
  (t, r) => ({ name: 'total', bytes: t.bytes + r.bytes, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
  {
    name: 'total',
    bytes: 0,
    gzip: 0,
    brotli: 0,
  },
);
const kb = (n: number): string => (n / 1024).toFixed(1);
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ rows, total, lazyChunks: lazy, limitKb: LIMIT_KB }, null, 2)}\n`);
} else {
  process.stdout.write('First load of the dashboard, JSON mode (KB)\n');
  process.stdout.write(`${'file'.padEnd(34)}${'raw'.padStart(8)}${'gzip'.padStart(8)}${'brotli'.padStart(8)}\n`);
  for (const r of [...rows, total]) {
    process.stdout.write(
      `${r.name.padEnd(34)}${kb(r.bytes).padStart(8)}${kb(r.gzip).padStart(8)}${kb(r.brotli).padStart(8)}\n`,
    );
  }
  process.stdout.write(
    `target ≤ ${LIMIT_KB} KB compressed: ${total.gzip / 1024 <= LIMIT_KB ? 'met' : 'MISSED'} (gzip ${kb(total.gzip)} KB); not loaded in JSON mode: ${lazy.length} chunk(s)\n`,
  );
}
