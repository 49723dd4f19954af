/**
 * blackout-import as a user runs it (the compiled entrypoint): the summary on stdout, exit codes,
 * one line for bad input, --replace with aggregate recomputing; SQLite and DynamoDB (dynalite).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionKey } from '../../src/domain/keys.js';
import { DynamoStore } from '../../src/stores/dynamodb/dynamodb-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { Store } from '../../src/stores/store.js';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';
import { AWS_TEST_ENV, useDynalite, useTestAwsEnv } from '../support/dynalite.js';

const dynalite = useDynalite();
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function temp(): string {
  const t = tempDir('blackout-import-cli-');
  cleanups.push(t.cleanup);
  return t.dir;
}

/** `n` minutes from 2025-06-21T10:00Z as CSV lines at :05 into each minute, in Kyiv summer time. */
function csvLines(n: number, reading: (i: number) => 0 | 1 = () => 1): string[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.UTC(2025, 5, 21, 10, i, 5) + 3 * 3_600_000);
    return `${at.toISOString().slice(0, 19)}+03:00,${reading(i)}`;
  });
}

const folders = (dir: string): string[] => ['--buffer-dir', join(dir, 'buffer'), '--log-dir', join(dir, 'logs')];

async function hourOf(store: Store, hour: string) {
  const dayPk = partitionKey('hours', SERIES, new Date(hour));
  return (await store.readPartitions('hours', [dayPk])).get(dayPk)?.find((h) => h.sk === `time#${hour.slice(11, 13)}`);
}

describe('blackout-import (SQLite)', () => {
  it('imports a CSV, lists the bad lines by number; --replace fixes a minute and aggregate recomputes its hour', async () => {
    const dir = temp();
    const db = join(dir, 'prod.sqlite');
    const args = ['alex_rpi', '4', 'prod', '--db', db, ...folders(dir)];
    const file = join(dir, 'history.csv');
    writeFileSync(file, ['ts,reading', ...csvLines(60), '2025-06-21T13:00:05+03:00,7', 'oops'].join('\n'));
    const first = await runEntrypoint('import', [file, ...args]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`Imported ${file} (CSV) into ${db}, device alex_rpi pin 4 mode prod:
  62 lines read: 60 stored, 0 already there, 0 conflicting, 2 rejected
Rejected:
  line 62: reading must be 0 or 1, got "7"
  line 63: not ts,reading (1 field; e.g. 2025-06-21T19:00:00+03:00,1)
The next blackout-aggregate run (hourly at :05) rolls the new readings up into hours and days.
`);
    expect((await runEntrypoint('aggregate', args)).code).toBe(0);

    const fix = join(dir, 'fix.csv');
    writeFileSync(fix, '2025-06-21T10:07:00Z,0\n');
    const kept = await runEntrypoint('import', [fix, ...args]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('  1 line read: 0 stored, 0 already there, 1 conflicting, 0 rejected\n');
    expect(kept.stdout).toContain(
      '  line 1: minute 2025-06-21T10:07Z is stored as ON (2025-06-21T10:07:05.000000+00:00), the import has OFF (2025-06-21T10:07:00.000000+00:00): kept the stored reading\n',
    );
    const replaced = await runEntrypoint('import', [fix, ...args, '--replace']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('1 line read: 0 stored, 0 already there, 1 replaced, 0 conflicting, 0 rejected');
    expect(replaced.stdout).toContain(
      'Replaced (the next blackout-aggregate recomputes their hours and days):\n  line 1: minute 2025-06-21T10:07Z was ON (2025-06-21T10:07:05.000000+00:00), now OFF (2025-06-21T10:07:00.000000+00:00)\n',
    );
    // Logged with old and new value.
    const logText = readdirSync(join(dir, 'logs'))
      .map((name) => readFileSync(join(dir, 'logs', name), 'utf8'))
      .join('');
    const logged = logText
      .split('\n')
      .filter((l) => l.includes('replaced a stored reading'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        name: 'import',
        where: 'line 1',
        oldTs: '2025-06-21T10:07:05.000000+00:00',
        oldReading: 1,
        newTs: '2025-06-21T10:07:00.000000+00:00',
        newReading: 0,
      }),
    ]);
    expect((await runEntrypoint('aggregate', args)).code).toBe(0);
    const store = new SqliteStore({ file: db, access: 'read' });
    try {
      expect(await hourOf(store, '2025-06-21T10:00:00Z')).toMatchObject({ on: 59, off: 1, unknown: 0 });
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
    } finally {
      await store.close();
    }
    // Nothing went through buffer files.
    expect(readdirSync(join(dir, 'buffer', 'prod'))).toEqual([]);
  });

  it.each([
    ['a missing file', (_dir: string) => 'no-such.csv', /^import: cannot read no-such\.csv: no such file or folder\n$/],
    [
      'an unknown format',
      (dir: string) => {
        writeFileSync(join(dir, 'notes.txt'), 'power was off on Tuesday\n');
        return join(dir, 'notes.txt');
      },
      /^import: .*notes\.txt: unknown format: not CSV \(ts,reading lines, e\.g\. .*\) nor JSON lines of buffered readings\n$/,
    ],
    [
      'no line a reading',
      (dir: string) => {
        writeFileSync(join(dir, 'bad.csv'), '2025-06-21T10:00:00,1\n2025-06-21T10:01:00Z;1\n');
        return join(dir, 'bad.csv');
      },
      /^import: nothing to import from .*bad\.csv: no line is a reading; line 1: ts "2025-06-21T10:00:00" has no UTC offset .* \(and 1 more rejected\)\n$/,
    ],
  ])('%s: exit 2, one line, nothing written', async (_name, input, message) => {
    const dir = temp();
    const db = join(dir, 'prod.sqlite');
    const result = await runEntrypoint('import', [input(dir), 'alex_rpi', '4', 'prod', '--db', db, ...folders(dir)], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
    expect(existsSync(join(dir, 'buffer'))).toBe(false);
  });

  it('a store that cannot be opened stops the import: exit 1, one line, the counts so far on stdout', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'not-a-dir'), '');
    const file = join(dir, 'h.csv');
    writeFileSync(file, `${csvLines(3).join('\n')}\n`);
    const result = await runEntrypoint('import', [file, '--db', join(dir, 'not-a-dir', 'x.sqlite'), ...folders(dir)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^import: stopped at line 1: .+; what came before it is imported: run the import again/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain(', until it stopped:\n  3 lines read: 0 stored,');
  });

  it('the usual arguments and options: a bad pin is a usage error; FILE is required', async () => {
    const dir = temp();
    const badPin = await runEntrypoint('import', ['x.csv', 'alex_rpi', '99', ...folders(dir)]);
    expect(badPin).toMatchObject({ code: 2, stdout: '' });
    expect(badPin.stderr).toBe('import: invalid pin "99": a BCM GPIO number 0-53\n');
    const none = await runEntrypoint('import', folders(dir));
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("import: missing required argument 'file'\n");
    const help = await runEntrypoint('import', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: blackout-import \[options\] <file> \[device\] \[pin\] \[mode\]/);
    for (const text of ['--replace', '--time-limit', 'JSON lines', 'Exit codes: 0 imported']) {
      expect(help.stdout).toContain(text);
    }
  });
});

describe('blackout-import (DynamoDB on dynalite)', () => {
  it('imports in batches, then --replace overwrites the one minute the file contradicts', async () => {
    useTestAwsEnv();
    const dir = temp();
    const args = [
      'alex_rpi',
      '4',
      'importcli',
      '--store',
      'dynamodb',
      '--endpoint',
      dynalite().endpoint,
      ...folders(dir),
    ];
    const file = join(dir, 'day.csv');
    // 1500 minutes: two store calls.
    writeFileSync(file, `${csvLines(1500, (i) => (i % 2 ? 1 : 0)).join('\n')}\n`);
    const first = await runEntrypoint('import', [file, ...args], { env: AWS_TEST_ENV });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1500 lines read: 1500 stored, 0 already there, 0 conflicting, 0 rejected');
    expect((await runEntrypoint('aggregate', args, { env: AWS_TEST_ENV })).code).toBe(0);
    const fix = join(dir, 'fix.csv');
    writeFileSync(fix, `${csvLines(2, () => 1).join('\n')}\n`);
    const replaced = await runEntrypoint('import', [fix, ...args, '--replace'], { env: AWS_TEST_ENV });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('2 lines read: 0 stored, 1 already there, 1 replaced, 0 conflicting, 0 rejected');
    expect(replaced.stdout).toContain('line 1: minute 2025-06-21T10:00Z was OFF');
    expect((await runEntrypoint('aggregate', args, { env: AWS_TEST_ENV })).code).toBe(0);
    const store = new DynamoStore({ mode: 'importcli', endpoint: dynalite().endpoint, access: 'read' });
    try {
      expect(await hourOf(store, '2025-06-21T10:00:00Z')).toMatchObject({ on: 31, off: 29, unknown: 0 });
      expect(await store.pendingPartitions('minutes', SERIES)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
