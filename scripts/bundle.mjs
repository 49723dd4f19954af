/**
 * Bundles every entrypoint `src/<name>.ts` into `dist/<name>.js` (after `tsc` has type-checked; it
 * emits nothing, so dist/ holds only these bundles and their chunks). A cron run then loads a few
 * files instead of hundreds: the AWS SDK alone is ~300 CommonJS modules, each resolved, read, lexed
 * for exports and compiled (see doc/benchmarks.md).
 *
 * Code shared between entrypoints and code loaded lazily (the DynamoDB adapter and the AWS SDK)
 * goes into `dist/chunks/`, so a SQLite run never reads the SDK. Packages with native code (and
 * packages that depend on one) stay external and load from node_modules as before.
 *
 *   node scripts/bundle.mjs [outdir]      default outdir: dist
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, process.argv[2] ?? 'dist');

/** The package's own package.json, found from the project root. */
function manifest(name) {
  const file = join(root, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** Native addons cannot be bundled: a package is native if it builds or loads a `.node` binary. */
function isNative(name, seen = new Set()) {
  if (seen.has(name)) return false;
  seen.add(name);
  const pkg = manifest(name);
  if (!pkg) return false;
  const dir = join(root, 'node_modules', name);
  if (existsSync(join(dir, 'binding.gyp')) || pkg.gypfile) return true;
  const deps = Object.keys(pkg.dependencies ?? {});
  if (deps.some((d) => ['bindings', 'node-gyp-build', 'prebuild-install', 'node-addon-api'].includes(d))) return true;
  return deps.some((d) => isNative(d, seen));
}

const project = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...project.dependencies, ...project.optionalDependencies }).filter((d) => isNative(d));

// Every top-level src/*.ts is an entrypoint (thin CLI files); modules live in subfolders.
const entryPoints = readdirSync(join(root, 'src'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => join(root, 'src', f));

const result = await build({
  entryPoints,
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // CommonJS packages inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});

/**
 * Other processes may be running the previous build (cron, a test run in another terminal, a browser
 * that loaded the dashboard), so no file is ever missing or half-written: each is written to a temp
 * name and renamed, chunks before the entrypoints that import them, and chunks of the previous build
 * stay until the build after this one.
 */
function writeOutputs(outputFiles, chunkDir, entryMode) {
  mkdirSync(chunkDir, { recursive: true });
  const isChunk = (path) => dirname(path) === chunkDir;
  const outputs = [...outputFiles].sort((a, b) => Number(isChunk(b.path)) - Number(isChunk(a.path)));
  for (const file of outputs) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents, { mode: isChunk(file.path) ? 0o644 : entryMode });
    renameSync(temp, file.path);
  }
  const generationFile = join(chunkDir, 'generation.json');
  const previous = existsSync(generationFile) ? JSON.parse(readFileSync(generationFile, 'utf8')) : [];
  const current = outputs.filter((f) => isChunk(f.path)).map((f) => basename(f.path));
  const keep = new Set([...previous, ...current, 'generation.json']);
  for (const name of readdirSync(chunkDir)) if (!keep.has(name)) rmSync(join(chunkDir, name), { force: true });
  writeFileSync(generationFile, JSON.stringify(current));
}

writeOutputs(result.outputFiles, join(outdir, 'chunks'), 0o755);

// Builds before this one also had tsc emit one file per module (dist/domain/, dist/utils/, …). No
// bundle imports them, so a running process cannot miss them: removed, so nothing comes to rely on them.
for (const entry of readdirSync(join(root, 'src'), { withFileTypes: true })) {
  if (entry.isDirectory() && entry.name !== 'chunks' && entry.name !== 'web')
    rmSync(join(outdir, entry.name), { recursive: true, force: true });
}

/**
 * The dashboard (src/web/) for the browser: dist/web/ holds index.html, app.js, app.css and the
 * lazily loaded chunks (the DynamoDB mode and its SDK), and nothing from outside: no CDN.
 */
const webSource = join(root, 'src', 'web');
const webOut = join(outdir, 'web');
const web = await build({
  entryPoints: [join(webSource, 'app.ts'), join(webSource, 'app.css')],
  outdir: webOut,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
const staticFiles = ['index.html', 'icon.svg'].map((name) => ({
  path: join(webOut, name),
  contents: readFileSync(join(webSource, name)),
}));
writeOutputs([...web.outputFiles, ...staticFiles], join(webOut, 'chunks'), 0o644);
