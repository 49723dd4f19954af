/** blackout-notify-test and the notification options as the user meets them on the command line. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEntrypoint, tempDir } from '../support/cli.js';
import { Receiver, textsOf } from './receiver.js';

const TOKEN = '987654:ZZtestAlertToken';
let receiver: Receiver;
let temp: { dir: string; cleanup: () => void };

beforeEach(async () => {
  receiver = await new Receiver({ telegramToken: TOKEN, webhookSecret: 's3cr3t-hmac' }).start();
  temp = tempDir('blackout-notify-cli-');
});

afterEach(async () => {
  await receiver.stop();
  temp.cleanup();
});

const dirs = (): string[] => ['--log-dir', join(temp.dir, 'logs')];

describe('blackout-notify-test', () => {
  it('sends a test message through every configured channel and reports each result', async () => {
    const result = await runEntrypoint(
      'notify-test',
      ['flat', '--lang', 'uk', '--heartbeat-url', `${receiver.url}/hc/uuid-1`, ...dirs()],
      {
        env: {
          BLACKOUT_WEBHOOK_URL: `${receiver.url}/hook`,
          BLACKOUT_WEBHOOK_SECRET: 's3cr3t-hmac',
          BLACKOUT_TELEGRAM_TOKEN: TOKEN,
          BLACKOUT_TELEGRAM_CHAT_ID: '@flat_power',
          BLACKOUT_TELEGRAM_API_URL: receiver.url,
          BLACKOUT_NTFY_URL: `${receiver.url}/ntfy/topic`,
        },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const channel of ['webhook', 'telegram', 'ntfy', 'heartbeat']) {
      expect(lines.find((l) => l.startsWith(channel))).toMatch(
        new RegExp(`^${channel} +${receiver.url}  ok \\(HTTP 200\\)$`),
      );
    }
    expect(receiver.rejectedSignatures).toEqual([]);
    expect(textsOf(receiver, 'telegram')[0]).toMatch(/^✅ Тестове сповіщення Blackout Monitor — flat, пін 4/);
    expect(receiver.of('webhook')[0]?.json).toMatchObject({ event: 'test', device: 'flat', pin: 4, delayed: false });
    expect(result.stdout).not.toContain(TOKEN);
  });

  it('exit 1 when a channel refuses, with the reason and no secret', async () => {
    const result = await runEntrypoint('notify-test', [...dirs()], {
      env: {
        BLACKOUT_TELEGRAM_TOKEN: '987654:WrongOne',
        BLACKOUT_TELEGRAM_CHAT_ID: '5',
        BLACKOUT_TELEGRAM_API_URL: receiver.url,
        BLACKOUT_NTFY_URL: `${receiver.url}/ntfy/topic`,
      },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `telegram  ${receiver.url}  FAILED: HTTP 401: Unauthorized: /bot***/sendMessage (token ***)`,
    );
    expect(result.stdout).toMatch(/^ntfy .* ok \(HTTP 200\)$/m);
    expect(result.stdout + result.stderr).not.toContain('WrongOne');
  });

  it('usage errors: one line, exit 2, nothing written, no secret echoed', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[], {}, /^notify-test: nothing to test: configure/],
      [['--telegram-token', '1:abc'], {}, /^notify-test: Telegram needs both --telegram-token and --telegram-chat-id$/],
      [
        [],
        { BLACKOUT_WEBHOOK_URL: 'ftp://secret-host/x' },
        /^notify-test: invalid BLACKOUT_WEBHOOK_URL: an http:\/\/ or https:\/\/ URL$/,
      ],
      [['--ntfy-url', 'http://x/t', '--lang', 'de'], {}, /^notify-test: invalid --lang "de": one of en, uk$/],
      [['--ntfy-url', 'http://x/t', '--time-zone', 'Mars/Base'], {}, /invalid --time-zone "Mars\/Base"/],
      [['--webhook-secret', 'x'], {}, /--webhook-secret needs --webhook-url/],
    ];
    for (const [args, env, expected] of cases) {
      const result = await runEntrypoint('notify-test', [...args, ...dirs()], { env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(expected);
      expect(result.stderr).not.toContain('secret-host');
    }
    const readPin = await runEntrypoint('read-pin', [
      '--sensor',
      'simulate',
      '--debounce',
      '0',
      '--buffer-dir',
      join(temp.dir, 'buffer'),
      ...dirs(),
    ]);
    expect(readPin.code).toBe(2);
    expect(readPin.stderr.trim()).toBe('read-pin: invalid --debounce "0": a whole number 1-60');
    expect(existsSync(join(temp.dir, 'buffer'))).toBe(false);
    expect(existsSync(join(temp.dir, 'logs')) ? readdirSync(join(temp.dir, 'logs')) : []).toEqual([]);
  });
});
