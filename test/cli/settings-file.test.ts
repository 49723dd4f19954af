import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/cli/settings-file.js';

describe('the settings file (NAME=value, read literally)', () => {
  it('keeps &, $, ; and spaces as written; one pair of quotes around the whole value comes off', () => {
    const { settings, problems } = parseSettings(
      [
        '# comment',
        '',
        'BLACKOUT_WEBHOOK_URL=http://h/hook?a=1&b=2',
        'BLACKOUT_WEBHOOK_SECRET=s3cr$t;rm -rf /',
        'BLACKOUT_HEARTBEAT_URL=https://kuma.example/api/push/abc?status=up&msg=OK&ping=',
        'export AWS_REGION=eu-central-1',
        'BLACKOUT_LANG="uk"',
        "BLACKOUT_NTFY_TOKEN='tk_1 2'",
        'BLACKOUT_TIME_ZONE="Europe/Kyiv',
        '  BLACKOUT_DEBOUNCE=2  ',
        'EMPTY=',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries(settings.map((s) => [s.name, s.value]))).toEqual({
      BLACKOUT_WEBHOOK_URL: 'http://h/hook?a=1&b=2',
      BLACKOUT_WEBHOOK_SECRET: 's3cr$t;rm -rf /',
      BLACKOUT_HEARTBEAT_URL: 'https://kuma.example/api/push/abc?status=up&msg=OK&ping=',
      AWS_REGION: 'eu-central-1',
      BLACKOUT_LANG: 'uk',
      BLACKOUT_NTFY_TOKEN: 'tk_1 2',
      BLACKOUT_TIME_ZONE: '"Europe/Kyiv',
      BLACKOUT_DEBOUNCE: '2',
      EMPTY: '',
    });
    expect(settings.map((s) => s.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('names the lines it does not read', () => {
    expect(parseSettings('BLACKOUT_LANG uk\nBLACKOUT LANG=uk\n=x\n1X=2\nOK=1').problems).toEqual([
      { line: 1, reason: 'not a NAME=value line' },
      { line: 2, reason: '"BLACKOUT LANG" is not a variable name' },
      { line: 3, reason: 'not a NAME=value line' },
      { line: 4, reason: '"1X" is not a variable name' },
    ]);
  });
});

describe('a settings file that cannot be read', () => {
  it('is said in one stderr line and the reading is still taken (a FIFO would have blocked the job)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { runEntrypoint, tempDir } = await import('../support/cli.js');
    const tmp = tempDir('blackout-settings-fifo-');
    const fifo = join(tmp.dir, 'settings');
    execFileSync('mkfifo', [fifo]);
    const run = await runEntrypoint('read-pin', [
      ...['--settings-file', fifo, '--sensor', 'simulate', '--at', '2025-06-21T12:00:00Z'],
      ...[
        '--buffer-dir',
        join(tmp.dir, 'buffer'),
        '--log-dir',
        join(tmp.dir, 'logs'),
        '--db',
        join(tmp.dir, 'db.sqlite'),
      ],
    ]);
    tmp.cleanup();
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `read-pin: settings file ${fifo} not read (not a regular file (a FIFO)); running without its settings\n`,
    );
  });
});
