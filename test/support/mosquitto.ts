/**
 * A real MQTT broker for tests: Debian's mosquitto (installed by .ci/run), started with its own
 * config on free loopback ports — one anonymous listener and one that wants a user and password
 * (a password file made with mosquitto_passwd) — and stopped by the returned function. Plus a client
 * that subscribes as Home Assistant does and collects the retained messages.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { freePort } from './net.js';

export const MOSQUITTO = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
const MOSQUITTO_PASSWD = existsSync('/usr/bin/mosquitto_passwd') ? '/usr/bin/mosquitto_passwd' : 'mosquitto_passwd';

export interface Broker {
  /** mqtt://127.0.0.1:<port>, anonymous. */
  url: string;
  /** The password-protected listener's port. */
  securePort: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (the broker binds it a moment later). */

async function waitForListener(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const client = connect(url, { reconnectPeriod: 0, connectTimeout: 500 });
      client.once('connect', () => {
        client.end(true);
        resolve(true);
      });
      client.once('error', () => resolve(false));
      client.once('close', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`mosquitto did not start: ${log()}`);
}

export async function startBroker(user = 'pi-monitor', password = 'br0ker-Pa55-s3cret'): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'blackout-mqtt-'));
  const passwords = join(dir, 'passwords');
  execFileSync(MOSQUITTO_PASSWD, ['-b', '-c', passwords, user, password], { stdio: 'ignore' });
  const [port, securePort] = [await freePort(), await freePort()];
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      // Started as root (CI containers), mosquitto would switch to its own user, who cannot read this folder.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'per_listener_settings true',
      'persistence false',
      'log_dest stderr',
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      `listener ${securePort} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwords}`,
      '',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  const url = `mqtt://127.0.0.1:${port}`;
  try {
    await waitForListener(url, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    securePort,
    user,
    password,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Subscribes as Home Assistant does (the discovery prefix and the state topics) and returns the
 * retained messages the broker holds, topic → payload.
 */
export async function retainedMessages(
  url: string,
  topics: string[],
  options: { username?: string; password?: string } = {},
): Promise<Map<string, string>> {
  const client = connect(url, { reconnectPeriod: 0, connectTimeout: 2000, ...options });
  const messages = new Map<string, string>();
  // The broker queues a subscription's retained messages before it handles anything the client
  // sends after the SUBACK: once a marker published then comes back, every retained one is here
  // (a fixed wait would miss some on a loaded machine).
  const marker = `blackout-test/sync/${randomUUID()}`;
  const synced = new Promise<void>((resolve) => {
    client.on('message', (topic, payload, packet) => {
      if (topic === marker) resolve();
      else if (packet.retain) messages.set(topic, payload.toString());
    });
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync([...topics, marker], { qos: 1 });
  await client.publishAsync(marker, 'sync', { qos: 1 });
  await synced;
  await client.endAsync();
  return messages;
}
