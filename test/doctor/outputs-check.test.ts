import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSvitlobot } from '../../src/doctor/outputs-check.js';
import type { OutputsConfig } from '../../src/outputs/config.js';
import { SvitlobotPings } from '../../src/outputs/svitlobot/ping-state.js';
import { tempDir } from '../support/cli.js';
import { SERIES } from '../support/data.js';

const temp = tempDir('blackout-doctor-outputs-');
afterAll(() => temp.cleanup());

const NOW = new Date('2026-03-30T07:00:00Z');
const outputs = {
  svitlobot: { key: 'k3y-of-the-channel', url: 'https://api.svitlobot.in.ua' },
} as unknown as OutputsConfig;
const input = (bufferDir: string) => ({
  outputs,
  bufferDir,
  mode: 'prod',
  series: SERIES,
  now: NOW,
  tz: 'UTC',
  staleMs: 5 * 60_000,
});

describe('the doctor on Svitlobot', () => {
  it('says the last ping failed, and why, when it failed after the last success', () => {
    const dir = join(temp.dir, 'failed');
    const pings = new SvitlobotPings({ bufferDir: dir, mode: 'prod', series: SERIES });
    pings.saveSuccess(new Date(NOW.getTime() - 10 * 60_000));
    pings.saveFailure(new Date(NOW.getTime() - 60_000), 'no answer within 5 s');
    const result = checkSvitlobot(input(dir));
    expect(result.status).toBe('warn');
    expect(result.message).toMatch(/the last ping failed 60 s ago: no answer within 5 s \(last success 10 min ago\)/);
  });

  it('is well again once a ping succeeds after the failure', () => {
    const dir = join(temp.dir, 'recovered');
    const pings = new SvitlobotPings({ bufferDir: dir, mode: 'prod', series: SERIES });
    pings.saveFailure(new Date(NOW.getTime() - 3 * 60_000), 'HTTP 503');
    pings.saveSuccess(new Date(NOW.getTime() - 60_000));
    expect(checkSvitlobot(input(dir))).toMatchObject({ status: 'ok' });
  });
});
