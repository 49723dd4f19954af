import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moveAside, writeFileAtomic } from '../../src/utils/files.js';
import { tempDir } from '../support/cli.js';

const tmp = tempDir('blackout-files-');
afterAll(() => tmp.cleanup());

describe('writeFileAtomic', () => {
  it('never writes through a planted symlink at the temp name (the old <path>.<pid>.tmp)', () => {
    const dir = join(tmp.dir, 'shared');
    mkdirSync(dir);
    const victim = join(tmp.dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const out = join(dir, 'report.html');
    symlinkSync(victim, `${out}.${process.pid}.tmp`);
    writeFileAtomic(out, '<html></html>\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(out, 'utf8')).toBe('<html></html>\n');
    // Only the planted link is left beside it: the real temp file was renamed into place.
    expect(readdirSync(dir).sort()).toEqual(['report.html', `report.html.${process.pid}.tmp`]);
  });

  it('creates the file with the mode asked for', () => {
    const file = join(tmp.dir, 'state.json');
    writeFileAtomic(file, '{}\n', { mode: 0o600 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('moveAside', () => {
  it('never replaces an earlier file moved aside under the same name', () => {
    const dir = join(tmp.dir, 'buffer');
    mkdirSync(dir);
    const rejected = join(dir, 'rejected');
    const moved: string[] = [];
    for (const text of ['first', 'second', 'third']) {
      writeFileSync(join(dir, 'bad.json'), text);
      moved.push(moveAside(join(dir, 'bad.json'), rejected, 'bad.json'));
    }
    expect(moved).toEqual(['bad.json', 'bad.json.1', 'bad.json.2'].map((n) => join(rejected, n)));
    expect(moved.map((p) => readFileSync(p, 'utf8'))).toEqual(['first', 'second', 'third']);
    expect(readdirSync(dir)).toEqual(['rejected']);
  });
});
