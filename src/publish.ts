#!/usr/bin/env node
/** The web dashboard and its data as static files in a folder, for any static host. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { publishCommand } from './cli/commands.js';
import { defaultWebDir, environment, localTimeZone, resolveCommon, resolveSchedule, sourceOf } from './cli/config.js';
import { UsageError } from './cli/errors.js';
import { EXIT_OK, runJob } from './cli/run-job.js';
import { missingDatabase, openSeriesReader } from './cli/series-check.js';
import { isLoopbackEndpoint } from './dashboard/contract.js';
import { type DynamoTarget, publishFolder, readWebApp } from './dashboard/publish.js';
import { parseDateOrTimestamp } from './domain/time.js';
import { openStore, sqliteFile } from './stores/open-store.js';
import type { Store } from './stores/store.js';

await runJob(publishCommand(), async (cmd, job) => {
  const config = resolveCommon(cmd);
  const o = cmd.opts();
  const env = environment();
  const tz = localTimeZone(o.tz, env);
  const schedule = resolveSchedule(cmd);
  const now = o.asOf === undefined ? job.now : (parseDateOrTimestamp(o.asOf) as Date);
  if (now > job.now) {
    throw new UsageError(
      `invalid --as-of ${JSON.stringify(o.asOf)}: in the future (the clock says ${job.now.toISOString()})`,
    );
  }
  // A device or pin, positional or named, publishes that series; none, every series of the store.
  const one =
    cmd.processedArgs[0] !== undefined ||
    cmd.processedArgs[1] !== undefined ||
    cmd.getOptionValue('device') !== undefined ||
    cmd.getOptionValue('pin') !== undefined;
  const out = resolve(o.out);
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UsageError(`invalid --out ${JSON.stringify(o.out)}: not a folder`);
  }
  if (o.webSource !== 'dynamodb') {
    for (const key of ['identityPoolId', 'guestRoleArn', 'webAccessKeyId', 'webSecretAccessKey'] as const) {
      if (o[key] !== undefined)
        throw new UsageError(
          `${sourceOf(cmd as unknown as Parameters<typeof sourceOf>[0], key)} needs --web-source dynamodb`,
        );
    }
  }
  if (o.webSource === 'dynamodb' && schedule) {
    // No plan file there: the app would have to be told a URL of one (not done yet).
    throw new UsageError('--schedule goes with --web-source json: in DynamoDB mode the dashboard reads no plan');
  }
  const dynamodb = o.webSource === 'dynamodb' ? dynamoTarget(cmd, o, env.awsRegion) : undefined;
  const webDir = o.webDir === undefined ? defaultWebDir(import.meta.url) : resolve(o.webDir);
  const app = readWebApp(webDir);
  if (!app) {
    if (o.webDir !== undefined)
      throw new UsageError(`invalid --web-dir ${JSON.stringify(o.webDir)}: no index.html in it`);
    // Not a typing mistake, but nothing is written either: the folder would be data without a page.
    throw new Error('the web app is not built: run npm run build');
  }
  const deadline = AbortSignal.timeout(o.timeLimit * 1000);
  const timedOut = (error: unknown): never => {
    throw deadline.aborted ? new Error(`no answer from the store within --time-limit ${o.timeLimit} s`) : error;
  };
  // DynamoDB mode with the series named needs no store: the browser reads the tables.
  let store: Store | undefined;
  if (!(dynamodb && one)) {
    if (one) store = await openSeriesReader('publish', config, deadline).catch(timedOut);
    else {
      if (config.store === 'sqlite' && !existsSync(sqliteFile(config))) {
        throw new UsageError(await missingDatabase(config, { command: 'publish', perSeries: false }));
      }
      store = await openStore(config, { access: 'read', signal: deadline });
    }
    job.closeLater(store);
  }
  const log = job.logger(config);
  const summary = await publishFolder({
    ...(store ? { store } : {}),
    outDir: out,
    app,
    mode: config.mode,
    tz,
    now,
    days: o.days,
    ...(one ? { series: config.series } : {}),
    ...(dynamodb ? { dynamodb } : {}),
    ...(schedule ? { schedule } : {}),
    signal: deadline,
  }).catch(timedOut);
  const counts = { written: summary.written.length, unchanged: summary.unchanged, removed: summary.removed.length };
  log.info({ out, webSource: o.webSource, series: summary.series, ...counts }, 'published');
  // By hand, one line; from cron, silence (the log has it).
  if (process.stdout.isTTY) {
    process.stdout.write(
      `Published ${summary.series} series to ${out}: ${counts.written} files written, ${counts.unchanged} unchanged, ${counts.removed} removed.\n`,
    );
  }
  return EXIT_OK;
});

/** Where the browser reads DynamoDB; fixed credentials only for an emulator on this machine. */
function dynamoTarget(
  cmd: ReturnType<typeof publishCommand>,
  o: ReturnType<ReturnType<typeof publishCommand>['opts']>,
  awsRegion: string | undefined,
): DynamoTarget {
  const region = o.region ?? awsRegion;
  if (region === undefined) throw new UsageError('--web-source dynamodb needs --region (the browser asks that region)');
  const keyId = o.webAccessKeyId;
  const secret = o.webSecretAccessKey;
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new UsageError('--web-access-key-id and --web-secret-access-key go together');
  }
  if (keyId !== undefined && secret !== undefined) {
    const endpoint = o.endpoint;
    const source = sourceOf(cmd as unknown as Parameters<typeof sourceOf>[0], 'endpoint');
    if (endpoint === undefined) {
      throw new UsageError('--web-access-key-id is for a local emulator only: it needs a loopback --endpoint');
    }
    if (!isLoopbackEndpoint(endpoint)) {
      // Anyone who can open the page can read config.json: fixed credentials there are public.
      throw new UsageError(
        `invalid ${source} ${JSON.stringify(endpoint)} with --web-access-key-id: credentials go into config.json only for a loopback endpoint (127.0.0.1, localhost); for AWS use --identity-pool-id`,
      );
    }
    return {
      region,
      ...(o.identityPoolId ? { identityPoolId: o.identityPoolId } : {}),
      endpoint,
      credentials: { accessKeyId: keyId, secretAccessKey: secret },
    };
  }
  if (o.identityPoolId === undefined) {
    throw new UsageError('--web-source dynamodb needs --identity-pool-id (the browser signs in as its guest)');
  }
  return { region, identityPoolId: o.identityPoolId, ...(o.guestRoleArn ? { guestRoleArn: o.guestRoleArn } : {}) };
}
