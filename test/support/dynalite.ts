/**
 * A real DynamoDB-protocol server (dynalite) on a loopback port, in memory, for one test file.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';

export interface RunningDynalite {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export const AWS_TEST_ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Sets fake credentials for in-process SDK clients (dynalite accepts any). */
export function useTestAwsEnv(): void {
  Object.assign(process.env, AWS_TEST_ENV);
}

export async function startDynalite(options: { createTableMs?: number } = {}): Promise<RunningDynalite> {
  const server: Server = dynalite({ createTableMs: options.createTableMs ?? 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts one dynalite for the calling test file (before all its tests) and stops it after; returns a
 * getter for the running server.
 */
export function useDynalite(): () => RunningDynalite {
  let server: RunningDynalite | undefined;
  beforeAll(async () => {
    useTestAwsEnv();
    server = await startDynalite();
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('dynalite is not running (useDynalite must be called at the top of a test file)');
    return server;
  };
}
