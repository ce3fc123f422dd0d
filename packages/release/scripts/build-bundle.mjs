// Builds the release CLI into ONE file, dist/release.mjs, that runs on plain Node (no tsx, no
// node_modules): the pipeline downloads and runs it, and `pnpm release` runs it locally.
// Plain JavaScript, so a fresh clone can build it before anything else is compiled.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESM_REQUIRE_BANNER } from '@hello/cli-kit/esm-require-banner';

export const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const BUNDLE_FILE = join(PACKAGE_DIR, 'dist', 'release.mjs');
const REPO_DIR = join(PACKAGE_DIR, '..', '..');

/** The supported Node majors are 22 and 24: the bundle may use what 22 has. */
export const BUNDLE_TARGET = 'node22';

/** The workspace packages the bundle takes from their TypeScript sources (see fromSource). */
const SOURCE_PACKAGES = ['config', 'cli-kit'];

/**
 * Everything the bundle is made of, besides node_modules (which change only with the lock file):
 * this package's sources, those of the SOURCE_PACKAGES, the package manifest, this script, the lock file.
 */
export function bundleInputs() {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  return [
    ...walk(join(PACKAGE_DIR, 'src')),
    ...SOURCE_PACKAGES.flatMap((name) => walk(join(REPO_DIR, 'packages', name, 'src'))),
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
 * The settings (packages/config) and the shared CLI code (packages/cli-kit) come from their
 * TypeScript sources, not their compiled dist: the bundle then needs no other package built first,
 * and always carries the settings as they are now.
 */
const SOURCE_IMPORT = new RegExp(`^@hello/(${SOURCE_PACKAGES.join('|')})/([a-z/-]+)$`);
const fromSource = {
  name: 'workspace-packages-from-source',
  setup(build) {
    build.onResolve({ filter: SOURCE_IMPORT }, (args) => {
      const [, name, subpath] = SOURCE_IMPORT.exec(args.path);
      return { path: join(REPO_DIR, 'packages', name, 'src', `${subpath}.ts`) };
    });
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
    // The AWS SDK's CommonJS helpers call require() on Node built-ins.
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    keepNames: true,
    legalComments: 'none',
    plugins: [fromSource],
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
