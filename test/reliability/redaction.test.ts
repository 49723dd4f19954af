/** Secrets never reach the log files or the terminal: credentials, tokens, keys in URLs. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/utils/log.js';
import { redactText } from '../../src/utils/redact.js';
import { tempDir } from '../support/cli.js';
import { type RunningDynalite, startDynalite } from '../support/dynalite.js';
import { runDist } from './support.js';

const tmp = tempDir('blackout-redact-');
let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
  tmp.cleanup();
});

const SECRETS = ['hunter2pass', 'AKIAFAKEKEY0001', 'wJalrFAKESECRETKEYxyz', 'FwoGZXIvFAKESESSION', '123456:ABCdefTok'];

function allLogText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('redaction', () => {
  it('redactText strips URL credentials, key/token/signature parameters, bot tokens and bearer tokens', () => {
    const cases: [string, string][] = [
      ['https://user:hunter2pass@example.com/x', 'https://***@example.com/x'],
      ['https://h/hook?token=abc&x=1', 'https://h/hook?token=***&x=1'],
      ['https://h/?api_key=abc123', 'https://h/?api_key=***'],
      [
        'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef&X-Amz-Security-Token=FwoG',
        'https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Security-Token=***',
      ],
      ['https://api.telegram.org/bot123456:ABCdefTok/sendMessage', 'https://api.telegram.org/bot***/sendMessage'],
      ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: Bearer ***'],
      ['aws_secret_access_key = wJalrFAKE', 'aws_secret_access_key = ***'],
      ['password=hunter2pass', 'password=***'],
    ];
    for (const [input, output] of cases) expect(redactText(input)).toBe(output);
  });

  it('log files get no secret from messages, fields, nested objects or error messages and stacks', () => {
    const dir = join(tmp.dir, 'unit');
    const log = createLogger({ name: 'test', logDir: dir });
    log.info({ store: 'prefix at https://user:hunter2pass@dynamo.local' }, 'store opened');
    log.info(
      { config: { credentials: { accessKeyId: 'AKIAFAKEKEY0001', secretAccessKey: 'wJalrFAKESECRETKEYxyz' } } },
      'c',
    );
    log.info({ accessKeyId: 'AKIAFAKEKEY0001', sessionToken: 'FwoGZXIvFAKESESSION' }, 'keys at top level');
    log.warn({ err: new Error('POST https://api.telegram.org/bot123456:ABCdefTok/send failed') }, 'notify failed');
    log.warn({ hooks: ['https://h/?token=hunter2pass'] }, 'in an array');
    log.info('free text https://x:hunter2pass@h/?key=AKIAFAKEKEY0001');
    const text = allLogText(dir);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    // Redacted, not dropped: the lines and their shape are still there.
    expect(text).toContain('"store":"prefix at https://***@dynamo.local"');
    expect(text).toContain('"type":"Error"');
    expect(text).toContain('bot***');
  });

  it('read-pin with credentials in the endpoint URL and the environment writes none of them (log file, verbose terminal)', async () => {
    const dir = join(tmp.dir, 'cli');
    const sensor = join(tmp.dir, 'sensor');
    writeFileSync(sensor, '1\n');
    const run = await runDist(
      'read-pin',
      [
        '--store',
        'dynamodb',
        // The store location (with the endpoint URL) goes into the "buffer flushed" line.
        '--endpoint',
        dynalite.endpoint.replace('http://', 'http://admin:hunter2pass@'),
        '--sensor',
        `file:${sensor}`,
        '--buffer-dir',
        join(dir, 'buffer'),
        '--log-dir',
        join(dir, 'logs'),
        '--verbose',
      ],
      {
        env: {
          AWS_ACCESS_KEY_ID: 'AKIAFAKEKEY0001',
          AWS_SECRET_ACCESS_KEY: 'wJalrFAKESECRETKEYxyz',
          AWS_SESSION_TOKEN: 'FwoGZXIvFAKESESSION',
          AWS_REGION: 'us-east-1',
        },
      },
    );
    expect(run.code).toBe(0);
    const text = allLogText(join(dir, 'logs'));
    expect(text).toContain('buffer flushed');
    expect(text).toContain(dynalite.endpoint.replace('http://', 'http://***@'));
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
      expect(run.stdout).not.toContain(secret);
    }
  });
});

describe('a peer that echoes the secret path', () => {
  it('leaves it in no log, outbox entry or printed line', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(404, { 'content-type': 'text/html' }).end(`<pre>Cannot POST ${req.url}</pre>`));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    const dir = join(tmp.dir, 'echo');
    const secretPath = '/hooks/s3cretHookPath?key=k3yValue';
    const ntfyTopic = '/myPrivateTopic42';
    const env = {
      BLACKOUT_WEBHOOK_URL: `http://127.0.0.1:${port}${secretPath}`,
      BLACKOUT_NTFY_URL: `http://127.0.0.1:${port}${ntfyTopic}`,
    };
    const common = [
      '--buffer-dir',
      join(dir, 'buffer'),
      '--log-dir',
      join(dir, 'logs'),
      '--db',
      join(dir, 'db.sqlite'),
    ];
    const readPin = await runDist('read-pin', ['--sensor', 'simulate', '--at', '2025-06-21T12:00:00Z', ...common], {
      env,
    });
    const test = await runDist('notify-test', ['--log-dir', join(dir, 'logs')], { env });
    server.close();
    expect(readPin.code).toBe(0);
    expect(test.code).toBe(1);
    expect(test.stdout).toContain('HTTP 404');
    const files = (sub: string): string => {
      const root = join(dir, sub);
      return readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => readFileSync(join(d.parentPath, d.name), 'utf8'))
        .join('\n');
    };
    const everything = [readPin.stdout, readPin.stderr, test.stdout, test.stderr, files('logs'), files('buffer')].join(
      '\n',
    );
    expect(everything).toContain('Cannot POST');
    for (const secret of ['s3cretHookPath', 'k3yValue', 'myPrivateTopic42']) expect(everything).not.toContain(secret);
  });
});
