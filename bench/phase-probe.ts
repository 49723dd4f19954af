/**
 * Child process for the import-phase breakdown: imports the given modules one after another and
 * prints, after each, the time since the process started and the peak RSS so far (VmHWM).
 * Arguments are package names or module paths of an unbundled (tsc-only) build, written as
 * `dist/utils/log.js` (the prefix names the build, not the folder).
 * Special argument `sqlite-open:FILE` opens a SQLite store on FILE (schema, WAL) and closes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The unbundled build to probe: the harness builds one on demand (dist/ holds only bundles) and passes its copy. */
const DIST = process.env.BENCH_DIST_DIR;
function dist(): string {
  if (!DIST) throw new Error('BENCH_DIST_DIR: the folder of an unbundled (tsc-only) build to probe');
  return DIST;
}

function peakRssKb(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN);
}

const steps: { step: string; ms: number; peakRssKb: number }[] = [
  { step: 'node start-up', ms: performance.now(), peakRssKb: peakRssKb() },
];
for (const spec of process.argv.slice(2)) {
  if (spec.startsWith('sqlite-open:') && !DIST) {
    // The baselines: the package alone, no project code.
    const { default: Database } = await import('better-sqlite3');
    new Database(spec.slice('sqlite-open:'.length)).close();
  } else if (spec.startsWith('sqlite-open:')) {
    const url = pathToFileURL(join(dist(), 'stores', 'sqlite', 'sqlite-store.js')).href;
    const { SqliteStore } = (await import(url)) as typeof import('../src/stores/sqlite/sqlite-store.js');
    await new SqliteStore({ file: spec.slice('sqlite-open:'.length) }).close();
  } else {
    await import(spec.startsWith('dist/') ? pathToFileURL(join(dist(), spec.slice('dist/'.length))).href : spec);
  }
  steps.push({
    step: spec.replace(/^sqlite-open:.*/, 'open SQLite file'),
    ms: performance.now(),
    peakRssKb: peakRssKb(),
  });
}
process.stdout.write(JSON.stringify(steps));
