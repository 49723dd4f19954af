/**
 * The DynamoDB mode's credentials in Node: fixed keys only for a loopback emulator, and the two
 * Cognito guest flows against a local peer that answers as Cognito Identity and STS do.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoWebConfig } from '../../src/dashboard/contract.js';
import { createDynamoSource } from '../../src/web/dynamodb-source.js';
import { isLoopbackUrl, webCredentials } from '../../src/web/guest-credentials.js';
import { SERIES } from '../support/data.js';

const base: DynamoWebConfig = { source: 'dynamodb', mode: 'prod', region: 'eu-central-1', series: [SERIES] };
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('fixed credentials are for a loopback emulator only', () => {
  it('knows loopback URLs', () => {
    for (const url of ['http://127.0.0.1:8000', 'http://127.1.2.3', 'https://localhost:4566/', 'http://[::1]:8000']) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of [
      'https://dynamodb.eu-central-1.amazonaws.com',
      'http://127.0.0.1.example.com',
      'http://localhost.example.com',
      'http://10.0.0.1:8000',
      'http://128.0.0.1',
      'http://127.0.0.300',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });

  it('accepts them with a loopback endpoint', () => {
    expect(webCredentials({ ...base, endpoint: 'http://127.0.0.1:8000', credentials: KEYS })).toEqual(KEYS);
  });

  it('refuses them without an endpoint or with a remote one, naming the rule', async () => {
    expect(() => webCredentials({ ...base, credentials: KEYS })).toThrow(/"credentials" are for a local emulator only/);
    expect(() =>
      webCredentials({ ...base, endpoint: 'https://dynamodb.eu-central-1.amazonaws.com', credentials: KEYS }),
    ).toThrow(/\(https:\/\/dynamodb\.eu-central-1\.amazonaws\.com\) is not a loopback URL/);
    await expect(createDynamoSource({ ...base, endpoint: 'http://10.0.0.1:8000', credentials: KEYS })).rejects.toThrow(
      /loopback/,
    );
  });

  it('asks for an identity pool when there are none, and for the series', async () => {
    expect(() => webCredentials(base)).toThrow(/"identityPoolId" is missing/);
    await expect(createDynamoSource({ ...base, identityPoolId: 'eu-central-1:x', series: [] })).rejects.toThrow(
      /"series" lists no device\/pin/,
    );
  });
});

interface Call {
  target: string;
  body: string;
}

describe('Cognito guest credentials (a local peer answering as Cognito Identity and STS)', () => {
  const POOL = 'eu-central-1:11111111-2222-3333-4444-555555555555';
  const ROLE = 'arn:aws:iam::123456789012:role/blackout-dashboard-guest';
  let server: Server;
  let endpoint: string;
  const calls: Call[] = [];
  let stsStatus = 200;

  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      req.on('data', (d: Buffer) => {
        text += d.toString();
      });
      req.on('end', () => resolve(text));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await read(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.url?.startsWith('/sts')) {
        calls.push({ target: 'STS', body });
        if (stsStatus !== 200) {
          res.writeHead(stsStatus, { 'content-type': 'text/xml' });
          res.end(
            '<ErrorResponse><Error><Code>AccessDenied</Code><Message>Not authorized</Message></Error></ErrorResponse>',
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          '<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>' +
            '<AccessKeyId>ASIABASIC</AccessKeyId><SecretAccessKey>basic-secret</SecretAccessKey>' +
            '<SessionToken>basic/token+=</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>' +
            '</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>',
        );
        return;
      }
      calls.push({ target, body });
      const answers: Record<string, unknown> = {
        'AWSCognitoIdentityService.GetId': { IdentityId: 'eu-central-1:guest-1' },
        'AWSCognitoIdentityService.GetOpenIdToken': { IdentityId: 'eu-central-1:guest-1', Token: 'open-id-token' },
        'AWSCognitoIdentityService.GetCredentialsForIdentity': {
          IdentityId: 'eu-central-1:guest-1',
          Credentials: {
            AccessKeyId: 'ASIAENHANCED',
            SecretKey: 'enhanced-secret',
            SessionToken: 'enhanced-token',
            Expiration: 1893456000,
          },
        },
      };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answers[target] ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('basic flow: GetId once, then GetOpenIdToken and AssumeRoleWithWebIdentity on the guest role', async () => {
    calls.length = 0;
    const provider = webCredentials(
      { ...base, identityPoolId: POOL, guestRoleArn: ROLE },
      { cognito: endpoint, sts: `${endpoint}/sts` },
    );
    if (typeof provider !== 'function') throw new Error('expected a provider');
    const first = await provider();
    expect(first).toMatchObject({
      accessKeyId: 'ASIABASIC',
      secretAccessKey: 'basic-secret',
      sessionToken: 'basic/token+=',
    });
    expect(first.expiration?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    await provider();
    expect(calls.map((c) => c.target)).toEqual([
      'AWSCognitoIdentityService.GetId',
      'AWSCognitoIdentityService.GetOpenIdToken',
      'STS',
      'AWSCognitoIdentityService.GetOpenIdToken',
      'STS',
    ]);
    expect(JSON.parse(calls[0]?.body ?? '{}')).toMatchObject({ IdentityPoolId: POOL });
    const sts = new URLSearchParams(calls[2]?.body);
    expect(Object.fromEntries(sts)).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      WebIdentityToken: 'open-id-token',
    });
  });

  it('basic flow: a refusal by STS is an error naming its code', async () => {
    stsStatus = 403;
    try {
      const provider = webCredentials(
        { ...base, identityPoolId: POOL, guestRoleArn: ROLE },
        { cognito: endpoint, sts: `${endpoint}/sts` },
      );
      if (typeof provider !== 'function') throw new Error('expected a provider');
      await expect(provider()).rejects.toThrow('STS AssumeRoleWithWebIdentity: HTTP 403 AccessDenied: Not authorized');
    } finally {
      stsStatus = 200;
    }
  });

  it('enhanced flow (no guestRoleArn): GetId, then GetCredentialsForIdentity', async () => {
    calls.length = 0;
    const provider = webCredentials({ ...base, identityPoolId: POOL }, { cognito: endpoint });
    if (typeof provider !== 'function') throw new Error('expected a provider');
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIAENHANCED', secretAccessKey: 'enhanced-secret' });
    expect(calls.map((c) => c.target)).toEqual([
      'AWSCognitoIdentityService.GetId',
      'AWSCognitoIdentityService.GetCredentialsForIdentity',
    ]);
  });
});
