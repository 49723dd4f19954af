/**
 * AWS credentials for the dashboard in the browser: a Cognito identity pool's guest (unauthenticated)
 * identity, or fixed test credentials for a local emulator. Loaded only in DynamoDB mode.
 *
 *   enhanced flow  GetId → GetCredentialsForIdentity (the SDK's fromCognitoIdentityPool). Cognito
 *                  adds a session policy to guest credentials that allows only some services.
 *   basic flow     GetId → GetOpenIdToken → STS AssumeRoleWithWebIdentity (with `guestRoleArn`): the
 *                  guest role's own policy alone bounds the session. The pool must allow it
 *                  (AllowClassicFlow). See doc/web-on-s3.md.
 */
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import type { DynamoWebConfig } from '../dashboard/contract.js';
import type { DynamoStoreOptions } from '../stores/dynamodb/dynamodb-store.js';

export type WebCredentials = NonNullable<DynamoStoreOptions['credentials']>;

/** True for a URL whose host is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    host = parsed.hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host === '[::1]') return true;
  return /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host) && host.split('.').every((part) => Number(part) <= 255);
}

/** Where the peers answer: the real AWS endpoints unless a test gives its own. */
export interface GuestEndpoints {
  cognito?: string;
  sts?: string;
}

/**
 * The credentials `config.json` asks for. Fixed credentials are for a local emulator only: they are
 * refused unless `endpoint` is a loopback URL, so real keys never end up in a public page.
 */
export function webCredentials(config: DynamoWebConfig, endpoints: GuestEndpoints = {}): WebCredentials {
  if (config.credentials) {
    if (!config.endpoint || !isLoopbackUrl(config.endpoint)) {
      throw new Error(
        `config.json: "credentials" are for a local emulator only, and "endpoint" ${
          config.endpoint ? `(${config.endpoint}) is not` : 'is not set to'
        } a loopback URL (127.0.0.1, ::1, localhost); use "identityPoolId" for AWS`,
      );
    }
    const { accessKeyId, secretAccessKey } = config.credentials;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('config.json: "credentials" needs "accessKeyId" and "secretAccessKey"');
    }
    return { accessKeyId, secretAccessKey };
  }
  const { identityPoolId, region } = config;
  if (!identityPoolId) throw new Error('config.json: "identityPoolId" is missing (the Cognito pool of the guest role)');
  const clientConfig = { region, ...(endpoints.cognito ? { endpoint: endpoints.cognito } : {}) };
  if (config.guestRoleArn)
    return basicFlowCredentials(identityPoolId, config.guestRoleArn, clientConfig, endpoints.sts);
  return fromCognitoIdentityPool({ identityPoolId, clientConfig });
}

/** The part of the browser's localStorage used here (the project's types include no DOM). */
interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const IDENTITY_CACHE_PREFIX = 'blackout:cognito-identity:';

/** The guest identity is kept per pool (as the SDK's provider does), so a reload does not make a new one. */
function storedIdentity(poolId: string): { get(): string | undefined; set(id: string): void } {
  const key = IDENTITY_CACHE_PREFIX + poolId;
  const storage = (): KeyValueStorage | undefined => {
    try {
      return (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    } catch {
      return undefined; // storage disabled: a new identity per page load
    }
  };
  return {
    get: () => storage()?.getItem(key) ?? undefined,
    set: (id) => {
      try {
        storage()?.setItem(key, id);
      } catch {
        // quota or privacy mode: the identity lives as long as the page
      }
    },
  };
}

/** The basic flow; the SDK memoizes the result until shortly before `expiration`. */
function basicFlowCredentials(
  identityPoolId: string,
  roleArn: string,
  clientConfig: { region: string; endpoint?: string },
  stsEndpoint: string | undefined,
): WebCredentials {
  const cognito = new CognitoIdentityClient(clientConfig);
  const cache = storedIdentity(identityPoolId);
  let identityId = cache.get();
  return async () => {
    if (!identityId) {
      const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: identityPoolId }));
      if (!IdentityId) throw new Error('Cognito GetId answered no identity');
      identityId = IdentityId;
      cache.set(IdentityId);
    }
    const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId: identityId }));
    if (!Token) throw new Error('Cognito GetOpenIdToken answered no token');
    return assumeRoleWithWebIdentity({
      endpoint: stsEndpoint ?? `https://sts.${clientConfig.region}.amazonaws.com/`,
      roleArn,
      token: Token,
    });
  };
}

const xmlField = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/**
 * STS AssumeRoleWithWebIdentity: an unsigned call (the token is the proof), so a plain form POST;
 * the STS client of the SDK would add ~100 KB to the page for this one request.
 */
export async function assumeRoleWithWebIdentity(input: { endpoint: string; roleArn: string; token: string }): Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}> {
  const response = await fetch(input.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: input.roleArn,
      RoleSessionName: 'blackout-dashboard',
      WebIdentityToken: input.token,
    }).toString(),
  });
  const xml = await response.text();
  if (!response.ok) {
    throw new Error(
      `STS AssumeRoleWithWebIdentity: HTTP ${response.status} ${xmlField(xml, 'Code') ?? ''}: ${xmlField(xml, 'Message') ?? ''}`,
    );
  }
  const accessKeyId = xmlField(xml, 'AccessKeyId');
  const secretAccessKey = xmlField(xml, 'SecretAccessKey');
  const sessionToken = xmlField(xml, 'SessionToken');
  if (!accessKeyId || !secretAccessKey || !sessionToken) {
    throw new Error('STS AssumeRoleWithWebIdentity answered no credentials');
  }
  const expiration = xmlField(xml, 'Expiration');
  return { accessKeyId, secretAccessKey, sessionToken, ...(expiration ? { expiration: new Date(expiration) } : {}) };
}
