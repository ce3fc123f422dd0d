// The release's JavaScript: the server as one esbuild bundle with a source map (no npm install on
// the host, the fastest cold start), and the hooks' Node helper. Built in memory, never to disk.
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { join } from 'node:path';
import { eagerModuleFactories } from './eager-module-factories.ts';
import { COMPILE_CACHE_ONLY_ENV } from '@hello/config/constants';

/** Lowest Node the workspace supports (engines): the same bundle runs in CI and on the hosts. */
export const BUNDLE_TARGET = 'node20';

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
  minify: true,
  // No keepNames: its __name() helper runs for every function the code creates, including the
  // closures Fastify makes per request (about a quarter of the service's CPU per request, and
  // thousands of calls at start-up). Stack traces still name the original functions: the lazy
  // source maps read them from the map (src/lazy-source-maps.ts), and logged errors carry
  // err.name as their type (src/logger.ts).
  write: false,
  logLevel: 'warning',
};

/**
 * Packages Fastify requires only inside functions, for features the service switches off: the
 * schema compilers (ajv, fast-json-stringify; server-options.ts NO_SCHEMA_COMPILERS replaces them)
 * and app.inject()'s light-my-request (tests run the sources, not the bundle). Bundled, their
 * ~330 kB are parsed at every start though never run (~25 ms of a cold start on Node 24); left
 * out, a require() of one throws this error instead.
 */
export const LEFT_OUT_PACKAGES = [
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'light-my-request',
] as const;

export const leftOutMessage = (name: string): string =>
  `${name} is left out of the release bundle (scripts/bundle-code.ts LEFT_OUT_PACKAGES): the service does not use it`;

const leaveOut: Plugin = {
  name: 'leave-out',
  setup(b) {
    const names = new Set<string>(LEFT_OUT_PACKAGES);
    b.onResolve({ filter: /^[@a-z]/ }, (args) =>
      names.has(args.path) ? { path: args.path, namespace: 'left-out' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(leftOutMessage(args.path))});`,
      loader: 'js',
    }));
  },
};

/**
 * Modules a dependency requires at load but uses only for features the service leaves off, each
 * replaced by a proxy that requires the real module the first time it is used (a property read,
 * a call or `new`): Fastify's `http2` option (node:http2, ~6 ms of every start), Fastify's plugin
 * version checks (semver builds ~100 regular expressions at load, ~7 ms; the service's plugins
 * declare no `fastify` version, so it never loads) and pino's worker-thread transports
 * (thread-stream; the service writes to stdout in-process).
 */
export const LAZY_MODULES = ['node:http2', 'semver', 'thread-stream'] as const;

export const lazyModuleSource = (name: string): string => `let real;
const load = () => (real ??= require(${JSON.stringify(name)}));
module.exports = new Proxy(function lazy() {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),
});
`;

export const lazyModules: Plugin = {
  name: 'lazy-modules',
  setup(b) {
    for (const name of LAZY_MODULES) {
      const bare = name.replace(/^node:/, '');
      // The proxy's own require() resolves as usual: a built-in stays external, a package is bundled.
      b.onResolve({ filter: new RegExp(`^(node:)?${bare}$`) }, (args) =>
        args.namespace === 'lazy-module'
          ? undefined
          : { path: name, namespace: 'lazy-module', pluginData: args.resolveDir },
      );
    }
    b.onLoad({ filter: /.*/, namespace: 'lazy-module' }, (args) => ({
      contents: lazyModuleSource(args.path),
      loader: 'js',
      resolveDir: args.pluginData as string,
    }));
  },
};

async function bundle(appDir: string, outFile: string, options: BuildOptions): Promise<BundledFile[]> {
  const out = join(appDir, '.bundle');
  const result = await build({ ...COMMON, ...options, absWorkingDir: appDir, outfile: join(out, outFile) });
  return result.outputFiles!.map((f) => ({ path: f.path.slice(out.length + 1), data: f.contents }));
}

/**
 * The server and its source map (paths in it are relative, so they are the same on every
 * checkout). pino-pretty stays out: the logger falls back to JSON without it. The module factories
 * are made eager (scripts/eager-module-factories.ts) so the compile cache holds them.
 */
export async function bundleServer(appDir: string, entry: string): Promise<BundledFile[]> {
  const files = await bundle(appDir, SERVER_FILE, {
    entryPoints: [entry],
    banner: { js: `${COMPILE_CACHE_GUARD}\n${REQUIRE_SHIM}` },
    sourcemap: 'linked',
    sourcesContent: false,
    external: ['pino-pretty'],
    plugins: [leaveOut, lazyModules],
  });
  const [code, map] = [SERVER_FILE, `${SERVER_FILE}.map`].map((path) =>
    new TextDecoder().decode(files.find((f) => f.path === path)!.data),
  );
  // Packages behind a lazy proxy are not needed at start: their factories stay lazy.
  const lazyPackages = LAZY_MODULES.filter((name) => !name.startsWith('node:')).map((name) => `node_modules/${name}/`);
  const eager = eagerModuleFactories(code!, map!, {
    keepLazy: (source) => lazyPackages.some((dir) => source.includes(dir)),
  });
  const encoder = new TextEncoder();
  return [
    { path: SERVER_FILE, data: encoder.encode(eager.code) },
    { path: `${SERVER_FILE}.map`, data: encoder.encode(eager.map) },
  ];
}

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
