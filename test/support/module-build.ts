/**
 * A source module as one plain JS file, for a child `node` process that must load it on its own:
 * dist/ holds only the entrypoint bundles, not one file per module.
 */
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';
import { ROOT } from './cli.js';

/** Bundles `source` (relative to the project, e.g. `src/utils/lock.ts`) into `outDir`; returns the file. */
export function bundleModule(source: string, outDir: string): string {
  const outfile = join(outDir, basename(source).replace(/\.ts$/, '.js'));
  buildSync({
    entryPoints: [join(ROOT, source)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}
