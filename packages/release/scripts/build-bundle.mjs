// Builds the release CLI into ONE file, dist/release.mjs, that runs on plain Node (no tsx, no
// node_modules): the pipeline downloads and runs it, and `pnpm release` runs it locally.
// Plain JavaScript, so a fresh clone can build it before anything else is compiled.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const BUNDLE_FILE = join(PACKAGE_DIR, 'dist', 'release.mjs');
const REPO_DIR = join(PACKAGE_DIR, '..', '..');

/** The supported Node majors are 22 and 24: the bundle may use what 22 has. */
export const BUNDLE_TARGET = 'node22';

// The AWS SDK's CommonJS helpers call require() on Node built-ins; an ESM bundle has none.
const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/**
 * Everything the bundle is made of, besides node_modules (which change only with the lock file):
 * this package's sources, the settings' sources, the package manifest, this script, the lock file.
 */
export function bundleInputs() {
  const configSrc = join(REPO_DIR, 'packages', 'config', 'src');
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  return [
    ...walk(join(PACKAGE_DIR, 'src')),
    ...walk(configSrc),
    join(PACKAGE_DIR, 'package.json'),
    join(PACKAGE_DIR, 'scripts', 'build-bundle.mjs'),
    join(REPO_DIR, 'pnpm-lock.yaml'),
  ];
}

/** Why the bundle must be (re)built, or undefined when it is newer than every input. */
export function staleReason(bundleFile = BUNDLE_FILE, inputs = bundleInputs()) {
  let built;
  try {
    built = statSync(bundleFile).mtimeMs;
  } catch {
    return 'not built yet';
  }
  const newer = inputs.find((file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs > built);
  return newer === undefined ? undefined : `${relative(REPO_DIR, newer)} changed`;
}

/**
 * The settings come from packages/config's TypeScript sources, not its compiled dist: the bundle
 * then needs no other package built first, and always carries the settings as they are now.
 */
const configFromSource = {
  name: 'config-from-source',
  setup(build) {
    build.onResolve({ filter: /^@hello\/config\/[a-z-]+$/ }, (args) => ({
      path: join(REPO_DIR, 'packages', 'config', 'src', `${args.path.slice('@hello/config/'.length)}.ts`),
    }));
  },
};

/** Builds the bundle (esbuild is loaded only here, so the freshness check stays cheap). */
export async function buildBundle(outfile = BUNDLE_FILE) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(PACKAGE_DIR, 'src', 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    // The SDK's ES module builds tree-shake better than its CommonJS ones.
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_SHIM },
    minify: true,
    keepNames: true,
    legalComments: 'none',
    plugins: [configFromSource],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The bundle, built first when it is missing or older than an input; says so on stderr in one
 * line, because the first run after a clone or a pull takes a second longer.
 */
export async function ensureBundle({
  bundleFile = BUNDLE_FILE,
  inputs = bundleInputs(),
  stderr = process.stderr,
} = {}) {
  const reason = staleReason(bundleFile, inputs);
  if (reason !== undefined) {
    stderr.write(`release: building ${relative(REPO_DIR, bundleFile)} (${reason}) ...\n`);
    await buildBundle(bundleFile);
  }
  return bundleFile;
}

/** `pnpm build`: always builds, then names the file and its size. */
export async function main(stdout = process.stdout, outfile = BUNDLE_FILE) {
  const file = await buildBundle(outfile);
  stdout.write(`built ${relative(process.cwd(), file)} (${Math.round(statSync(file).size / 1024)} KiB)\n`);
}

// Only `node scripts/build-bundle.mjs` (pnpm build) runs main; tests and bin/release.mjs import.
/* c8 ignore next */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
