/** Loopback ports for the real servers the tests start. */

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

/** A port free right now on 127.0.0.1 (for a process that must be told its port). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}
