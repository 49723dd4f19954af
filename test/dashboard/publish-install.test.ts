/** `blackout-install --publish-dir DIR` writes the option into the read-pin and aggregate jobs, absolute. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runEntrypoint, tempDir } from '../support/cli.js';

let temp: ReturnType<typeof tempDir> | undefined;
afterEach(() => temp?.cleanup());

/** An install root with what the job values name: user pi, /usr/bin/node, the built project. */
function targetSystem(): string {
  temp = tempDir('blackout-publish-install-');
  const root = temp.dir;
  const file = (path: string, content: string, mode = 0o644): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    chmodSync(join(root, path), mode);
  };
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\npi:x:4242:4242::/home/pi:/bin/bash\n');
  file('etc/group', 'root:x:0:\ngpio:x:997:pi\npi:x:4242:\n');
  file('usr/bin/node', '#!/bin/sh\n', 0o755);
  file('home/pi/dev/blackout/dist/read-pin.js', '');
  return root;
}

it('install --publish-dir (or BLACKOUT_PUBLISH_DIR): read-pin and aggregate get it, the doctor line does not', async () => {
  const root = targetSystem();
  const args = [
    'alex_rpi',
    '4',
    'prod',
    '--user',
    'pi',
    '--node',
    '/usr/bin/node',
    '--project',
    '/home/pi/dev/blackout',
  ];
  const result = await runEntrypoint('install', [...args, '--root', root, '--dry-run'], {
    env: { BLACKOUT_PUBLISH_DIR: 'site' },
    cwd: root,
  });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const site = join(root, 'site');
  const lines = result.stdout.split('\n');
  expect(lines.find((l) => l.includes('/dist/read-pin.js'))).toContain(`--publish-dir ${site} -- alex_rpi 4 prod`);
  expect(lines.find((l) => l.includes('/dist/aggregate.js'))).toContain(`--publish-dir ${site} -- alex_rpi 4 prod`);
  expect(lines.filter((l) => l.includes('doctor.js')).join('\n')).not.toContain('--publish-dir');
  const refused = await runEntrypoint('install', [
    ...args,
    '--root',
    root,
    '--dry-run',
    '--publish-dir',
    '/srv/my site',
  ]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe(
    'install: invalid --publish-dir "/srv/my site": an absolute path of A-Z a-z 0-9 _ . / @ + -\n',
  );
});
