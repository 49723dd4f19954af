/** The messages and command lines of a mistyped device, pin or mode, in-process. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLine, shellWord, shownPath, storeArguments } from '../../src/cli/command-line.js';
import { missingDatabase } from '../../src/cli/series-check.js';
import { minuteRecord } from '../../src/domain/records.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { defaultDataDir } from '../../src/utils/paths.js';
import { tempDir } from '../support/cli.js';

const tmp = tempDir('blackout-series-check-');
const data = join(tmp.dir, 'data');
afterAll(() => tmp.cleanup());

async function database(name: string, device?: string): Promise<void> {
  const store = new SqliteStore({ file: join(data, name) });
  if (device) await store.putMinutes([minuteRecord({ device, pin: 4 }, '2026-03-27T10:00:03+00:00', 1)]);
  await store.close();
}

describe('no database: the message names the databases there are, with the command that reads each', () => {
  beforeAll(() => mkdirSync(data, { recursive: true }));
  // The project's data/ seen from the project folder: modes by file name, no --db needed.
  const inDataDir = (mode: string, command = 'report', perSeries = true) =>
    missingDatabase(
      { store: 'sqlite', mode, db: join(data, `${mode}.sqlite`) },
      { command, perSeries, dataDir: data, cwd: tmp.dir },
    );

  it('none at all', async () => {
    expect(await inDataDir('dev')).toBe(
      'no database data/dev.sqlite, and no other in data (blackout-read-pin creates it with the first reading)',
    );
  });

  it('after the quick start: its database, and the exact command that reports it', async () => {
    await database('demo.sqlite', 'demo');
    expect(await inDataDir('dev')).toBe(
      'no database data/dev.sqlite; there is data/demo.sqlite (try: blackout-report demo 4 demo)',
    );
    expect(await inDataDir('dev', 'devices', false)).toBe(
      'no database data/dev.sqlite; there is data/demo.sqlite (try: blackout-devices demo)',
    );
  });

  it('several: each with its own first series; one without readings, one named unlike a mode (given by --db)', async () => {
    await database('prod.sqlite', 'alex_rpi');
    await database('empty.sqlite');
    await database('My Pi.sqlite', 'kitchen');
    writeFileSync(join(data, 'notes.txt'), 'not a database');
    const before = readdirSync(data).sort();
    expect(await inDataDir('prdo')).toBe(
      'no database data/prdo.sqlite; there are ' +
        "data/My Pi.sqlite (try: blackout-report kitchen 4 prdo --db 'data/My Pi.sqlite'), " +
        'data/demo.sqlite (try: blackout-report demo 4 demo), ' +
        'data/empty.sqlite (no readings yet), ' +
        'data/prod.sqlite (try: blackout-report alex_rpi 4 prod)',
    );
    // Read-only: nothing created or changed beside them.
    expect(readdirSync(data).sort()).toEqual(before);
  });

  it('outside data/ every hint names its file with --db', async () => {
    const other = join(tmp.dir, 'elsewhere');
    mkdirSync(other);
    const store = new SqliteStore({ file: join(other, 'prod.sqlite') });
    await store.putMinutes([minuteRecord({ device: 'alex_rpi', pin: 17 }, '2026-03-27T10:00:03+00:00', 1)]);
    await store.close();
    expect(
      await missingDatabase(
        { store: 'sqlite', mode: 'prod', db: join(other, 'prd.sqlite') },
        { command: 'report', perSeries: true, dataDir: data, cwd: tmp.dir },
      ),
    ).toBe(
      'no database elsewhere/prd.sqlite; there is elsewhere/prod.sqlite (try: blackout-report alex_rpi 17 prod --db elsewhere/prod.sqlite)',
    );
  });
});

describe('command lines to paste', () => {
  it('select the same store: --db only where it is not the mode default, DynamoDB with its endpoint and region', () => {
    const series = { device: 'demo', pin: 4 };
    expect(storeArguments({ store: 'sqlite', mode: 'demo' }, series)).toEqual(['demo', '4', 'demo']);
    expect(
      storeArguments({ store: 'sqlite', mode: 'demo', db: join(defaultDataDir(), 'demo.sqlite') }, series),
    ).toEqual(['demo', '4', 'demo']);
    expect(storeArguments({ store: 'sqlite', mode: 'demo', db: '/srv/x.sqlite' })).toEqual([
      'demo',
      '--db',
      '/srv/x.sqlite',
    ]);
    expect(
      storeArguments(
        { store: 'dynamodb', mode: 'prod', endpoint: 'http://localhost:8000', region: 'eu-central-1' },
        series,
      ),
    ).toEqual([
      'demo',
      '4',
      'prod',
      '--store',
      'dynamodb',
      '--endpoint',
      'http://localhost:8000',
      '--region',
      'eu-central-1',
    ]);
  });

  it('quote only what the shell would split or expand', () => {
    expect(shellWord('data/demo.sqlite')).toBe('data/demo.sqlite');
    expect(shellWord("it's here")).toBe(`'it'\\''s here'`);
    expect(commandLine(['blackout-report', 'demo', '4', 'demo', '--db', '/a b/$x.sqlite'])).toBe(
      "blackout-report demo 4 demo --db '/a b/$x.sqlite'",
    );
    expect(shownPath('/srv/data/x.sqlite', '/srv')).toBe('data/x.sqlite');
    expect(shownPath('/var/x.sqlite', '/srv')).toBe('/var/x.sqlite');
  });
});
