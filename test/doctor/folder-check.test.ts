import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fail, ok, warn } from '../../src/doctor/check.js';
import { checkFolder, scheduledUser } from '../../src/doctor/folder-check.js';
import { formatResults } from '../../src/doctor/run-doctor.js';
import { cronFile, EXAMPLE_SETTINGS } from '../../src/install/templates.js';
import { tempDir } from '../support/cli.js';

const tmp = tempDir('blackout-folder-check-');
afterAll(() => tmp.cleanup());

describe('doctor: folders the jobs write', () => {
  it('finds the job user in the cron.d file and judges a root-owned folder by its owner and mode', () => {
    const root = join(tmp.dir, 'root');
    mkdirSync(join(root, 'etc/cron.d'), { recursive: true });
    writeFileSync(join(root, 'etc/cron.d/blackout-monitor'), cronFile(EXAMPLE_SETTINGS));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\npi:x:1000:1000::/home/pi:/bin/bash\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\npi:x:1000:\ngpio:x:997:pi\n');
    const user = scheduledUser(root);
    expect(user).toEqual({ name: 'pi', uid: 1000, gids: [1000, 997] });
    const buffer = join(tmp.dir, 'buffer');
    mkdirSync(buffer);
    chmodSync(buffer, 0o755);
    if (process.getuid?.() === 0) chownSync(buffer, 0, 0);
    expect(checkFolder('buffer', buffer, user)).toEqual(
      fail('buffer', `${buffer}: not writable by pi, who runs the jobs`, `sudo chown -R pi ${buffer}`),
    );
    chmodSync(buffer, 0o777);
    expect(checkFolder('buffer', buffer, user)).toEqual(ok('buffer', `${buffer}: writable by pi`));
    expect(checkFolder('logs', join(buffer, 'new', 'logs'), user).message).toBe(
      `${join(buffer, 'new', 'logs')} (to be created in ${buffer}): writable by pi`,
    );
  });

  it('prints each fix once', () => {
    const text = formatResults([
      fail('store', 'down', 'fix the store first'),
      warn('tables', 'not checked', 'fix the store first'),
      ok('disk', 'fine'),
    ]);
    expect(text).toBe(
      '✗ store   down → fix: fix the store first\n! tables  not checked → fix: see store\n✓ disk    fine\n1 passed, 1 warning, 1 failed\n',
    );
  });
});
