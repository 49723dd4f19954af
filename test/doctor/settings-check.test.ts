import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSettingsFile } from '../../src/doctor/settings-check.js';
import { tempDir } from '../support/cli.js';

const tmp = tempDir('blackout-settings-');
afterAll(() => tmp.cleanup());

describe('doctor: the settings file', () => {
  it('missing is fine; clean is ok; lines the jobs would skip are named', () => {
    const root = join(tmp.dir, 'root');
    const file = join(root, 'etc/default/blackout-monitor');
    expect(checkSettingsFile(root)).toEqual({ name: 'settings', status: 'ok', message: `${file}: none (optional)` });
    mkdirSync(join(root, 'etc/default'), { recursive: true });
    writeFileSync(file, '# ok\nBLACKOUT_WEBHOOK_URL=http://h/hook?a=1&b=2\nBLACKOUT_LANG=uk\n');
    expect(checkSettingsFile(root)).toMatchObject({ status: 'ok', message: `${file}: 2 setting(s)` });
    writeFileSync(file, 'BLACKOUT_LANG=uk\nBLACKOUT_DEBOUNCE = 2\nexport\n');
    expect(checkSettingsFile(root)).toMatchObject({
      status: 'warn',
      message: `${file}: 2 line(s) the jobs skip (line 2: "BLACKOUT_DEBOUNCE " is not a variable name; line 3: not a NAME=value line)`,
    });
  });
});
