// The release's JavaScript: the server as one esbuild bundle with a source map (no npm install on
// the host, the fastest cold start), and the hooks' Node helper. Built in memory, never to disk.
import { build, type BuildOptions } from 'esbuild';
import { join } from 'node:path';
import { COMPILE_CACHE_ONLY_ENV } from '@hello/config/constants';

/** Lowest Node the workspace supports (engines >= 22.13): the same bundle runs in CI and on the hosts. */
export const BUNDLE_TARGET = 'node22.13';

export const SERVER_FILE = 'app/server.mjs';
export const HOST_TOOL_FILE = 'bin/host-tool.mjs';

export interface BundledFile {
  readonly path: string;
  readonly data: Uint8Array;
}

// CommonJS dependencies (fastify, pino) call require() on Node built-ins; an ESM bundle has none.
const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/**
 * The server's first statement: with COMPILE_CACHE_ONLY_ENV=1 it exits 0 before any of the
 * service runs. Node has compiled the whole module by then and writes its compile cache at exit,
 * which is how AfterInstall warms the cache (host/warm-compile-cache.ts). Only the
 * bundle's static imports, all Node built-ins, are loaded first (ES imports are hoisted).
 */
export const COMPILE_CACHE_GUARD = `if (process.env.${COMPILE_CACHE_ONLY_ENV} === '1') process.exit(0);`;

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: BUNDLE_TARGET,
  banner: { js: REQUIRE_SHIM },
  // Whitespace and syntax only: identifiers keep their names, so stack traces and logged errors'
  // types read as in the sources without a source map.
  minifyWhitespace: true,
  minifySyntax: true,
  write: false,
  logLevel: 'warning',
};

/**
 * Packages Fastify requires only inside functions, for features the service switches off: the
 * schema compilers (server-options.ts NO_SCHEMA_COMPILERS replaces them) and app.inject()'s
 * light-my-request (tests run the sources, not the bundle). Left out of the bundle (esbuild's
 * `external`), a require() of one would fail with Node's "Cannot find module".
 */
export const LEFT_OUT_PACKAGES = [
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'light-my-request',
] as const;

async function bundle(appDir: string, outFile: string, options: BuildOptions): Promise<BundledFile[]> {
  const out = join(appDir, '.bundle');
  const result = await build({ ...COMMON, ...options, absWorkingDir: appDir, outfile: join(out, outFile) });
  return result.outputFiles!.map((f) => ({ path: f.path.slice(out.length + 1), data: f.contents }));
}

/**
 * The server and its source map (paths in it are relative, so they are the same on every
 * checkout). pino-pretty stays out: the logger falls back to JSON without it.
 */
export const bundleServer = (appDir: string, entry: string): Promise<BundledFile[]> =>
  bundle(appDir, SERVER_FILE, {
    entryPoints: [entry],
    banner: { js: `${COMPILE_CACHE_GUARD}\n${REQUIRE_SHIM}` },
    sourcemap: 'linked',
    sourcesContent: false,
    external: ['pino-pretty', ...LEFT_OUT_PACKAGES],
  });

/**
 * The hooks' helper, with an entry that runs it (the module itself only exports). A test or the
 * rehearsal may bundle its own entry (relative to appDir), e.g. one that passes a fixture project.
 */
export const bundleHostTool = (appDir: string, entry?: string): Promise<BundledFile[]> =>
  bundle(
    appDir,
    HOST_TOOL_FILE,
    entry !== undefined
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents:
              "import { hostTool } from '../host/host-tool.ts';\nprocess.exitCode = await hostTool(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });\n",
            resolveDir: join(appDir, 'scripts'),
            loader: 'ts',
            sourcefile: 'host-tool-main.ts',
          },
        },
  );
