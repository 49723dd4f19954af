/**
 * What the dashboard's DynamoDB mode adds to the page: src/web/dynamodb-source.ts bundled for the
 * browser as the app loads it (esbuild, minified, ESM with lazy chunks), compressed as a static host
 * would serve it (gzip -9, brotli 11), and the packages that weigh most (esbuild metafile).
 *
 *   npx tsc -p tsconfig.tools.json && node .tools/bench/web-dynamodb-bundle.js [--json]
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT } from './measure.js';

export interface BundleSize {
  files: { name: string; bytes: number; gzip: number; brotli: number }[];
  total: { bytes: number; gzip: number; brotli: number };
  /** Minified bytes per package (before compression), largest first. */
  packages: [string, number][];
}

export async function measureDynamoBundle(): Promise<BundleSize> {
  const result = await build({
    entryPoints: [`${ROOT}/src/web/dynamodb-source.ts`],
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/dynamodb-bundle',
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  const files = result.outputFiles.map((file) => ({
    name: file.path.replace('/dynamodb-bundle/', ''),
    bytes: file.contents.length,
    gzip: gzipSync(file.contents, { level: 9 }).length,
    brotli: brotliCompressSync(file.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }));
  const total = files.reduce(
    (t, f) => ({ bytes: t.bytes + f.bytes, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }),
    {
      bytes: 0,
      gzip: 0,
      brotli: 0,
    },
  );
  const byPackage = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(project)';
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return { files, total, packages: [...byPackage].sort((a, b) => b[1] - a[1]) };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1]?.endsWith('web-dynamodb-bundle.js')) {
  const size = await measureDynamoBundle();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(size, null, 2)}\n`);
  else {
    const t = size.total;
    process.stdout.write(
      `DynamoDB mode (createDynamoSource + SDK + Cognito): ${kb(t.bytes)} minified, ${kb(t.gzip)} gzip, ${kb(t.brotli)} brotli in ${size.files.length} files\n`,
    );
    for (const [name, bytes] of size.packages.slice(0, 12)) process.stdout.write(`  ${name.padEnd(48)} ${kb(bytes)}\n`);
  }
}
