#!/usr/bin/env node
/** Self-check: runs every check of the set-up and prints one line each, with the fix. */
import { userInfo } from 'node:os';
import { doctorCommand } from './cli/commands.js';
import { environment, resolveCommon, resolveOutputs, resolveSensor } from './cli/config.js';
import { EXIT_FAILURE, EXIT_OK, runJob } from './cli/run-job.js';
import { runCommand } from './doctor/check.js';
import { allPassed, formatResults, runDoctor } from './doctor/run-doctor.js';
import { systemTimeZone } from './domain/zone.js';
import { createSensor } from './sensors/index.js';
import { openStore } from './stores/open-store.js';

/** The user's name; undefined where the uid has no passwd entry (a container's arbitrary uid): userInfo() throws there. */
function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

await runJob(doctorCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const sensor = resolveSensor(cmd, config.series.pin);
  const o = cmd.opts();
  const env = environment();
  // The region the SDK would take from the environment, for the store line (src/doctor/ reads none).
  const storeConfig = { ...config, region: config.region ?? env.awsRegion };
  const results = await runDoctor({
    config,
    sensor: createSensor(sensor),
    sensorSpec: sensor.spec,
    activeLow: sensor.activeLow,
    openStore: ({ signal }) => openStore(storeConfig, { access: 'read', signal }),
    home: env.home,
    username: currentUser(),
    run: runCommand(),
    commands: { pinctrl: o.pinctrl, timedatectl: o.timedatectl, systemctl: o.systemctl, crontab: o.crontab },
    systemRoot: o.systemRoot,
    // The doctor diagnoses even under a bad TZ (its times are then in the system's zone or UTC).
    tz: systemTimeZone(env.tz),
    nodeVersion: process.version,
    now: job.now,
    minFreeBytes: o.minFreeMb * 1024 * 1024,
    outputs: resolveOutputs(cmd),
  });
  const passed = allPassed(results);
  process.stdout.write(
    o.json ? `${JSON.stringify({ ok: passed, checks: results }, null, 2)}\n` : formatResults(results),
  );
  return passed ? EXIT_OK : EXIT_FAILURE;
});
