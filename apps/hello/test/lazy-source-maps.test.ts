import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { installLazySourceMaps } from '../src/lazy-source-maps.ts';

// A bundle made like the release's (minified without kept names, linked map without sources): a
// throw on line 5.
const FIXTURE =
  'export function outer() {\n  return inner();\n}\nfunction inner(): never {\n  throw new Error("boom from the fixture");\n}\n' +
  'if (process.env.FIXTURE_THROW_AT_LOAD === "1") {\n  throw new Error("at load");\n}\n' +
  'export const viaArrow = () => arrowInner();\nconst arrowInner = (): never => {\n  throw new Error("boom from an arrow");\n};\n';
// Code the bundler adds (like the release's require shim) has no place in the map.
const BANNER = 'export function unmapped() { throw new Error("from the banner"); }';

async function bundled(dir: string, name: string): Promise<string> {
  writeFileSync(join(dir, `${name}.ts`), FIXTURE);
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [join(dir, `${name}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: BANNER },
    logLevel: 'error',
  });
  return outfile;
}

// tap runs tests with --enable-source-maps; the service runs without, as the unit starts it.
const saved: unknown = Reflect.get(Error, 'prepareStackTrace');
process.setSourceMapsEnabled(false);
t.teardown(() => {
  Reflect.set(Error, 'prepareStackTrace', saved);
  process.setSourceMapsEnabled(true);
});

t.test('frames of the bundle name the TypeScript source and line; the map is read on first use', async (t) => {
  const dir = t.testdir();
  const file = await bundled(dir, 'fixture');
  const url = pathToFileURL(file).href;
  t.equal(installLazySourceMaps(url), true);
  const { outer } = (await import(url)) as { outer: () => never };
  const error = t.throws(() => outer()) as Error;
  t.match(error.stack, /^Error: boom from the fixture\n/);
  t.match(error.stack, /at inner \([^)]*fixture\.ts:5:\d+\)/, 'the throwing line in the source');
  t.match(error.stack, /at outer \([^)]*fixture\.ts:2:\d+\)/);
  t.match(error.stack, /lazy-source-maps\.test\.ts/, 'frames of other files are left as they are');
  t.notMatch(error.stack, /at \w{1,2} \(/, 'no minified alias where the map knows the name');
  const { viaArrow } = (await import(url)) as { viaArrow: () => never };
  const arrow = t.throws(() => viaArrow()) as Error;
  t.match(arrow.stack, /at arrowInner \([^)]*fixture\.ts:12:\d+\)/, 'an arrow function: the name at its call site');
  const { unmapped } = (await import(url)) as { unmapped: () => never };
  const banner = t.throws(() => unmapped()) as Error;
  t.match(banner.stack, /at unmapped \([^)]*fixture\.mjs:1:\d+\)/, 'a place the map does not cover stays as it is');
  process.env.FIXTURE_THROW_AT_LOAD = '1';
  t.teardown(() => delete process.env.FIXTURE_THROW_AT_LOAD);
  const other = pathToFileURL(await bundled(dir, 'at-load')).href;
  t.equal(installLazySourceMaps(other), true);
  const atLoad = (await import(other).catch((error: unknown) => error)) as Error;
  t.match(atLoad.stack, /\n {4}at [^ (]*at-load\.ts:8:\d+/, 'module code (no function name): the place alone');
});

t.test("an unreadable map leaves the bundle's own frames", async (t) => {
  const dir = t.testdir();
  const file = await bundled(dir, 'broken');
  writeFileSync(`${file}.map`, '{ not json');
  const url = pathToFileURL(file).href;
  t.equal(installLazySourceMaps(url), true);
  const { outer } = (await import(url)) as { outer: () => never };
  const error = t.throws(() => outer()) as Error;
  t.match(error.stack, /broken\.mjs:\d+:\d+/);
  t.notMatch(error.stack, /broken\.ts/);
});

t.test('an error whose text cannot be made still gets a stack', async (t) => {
  const odd = Object.create(Error.prototype, {
    toString: {
      value: () => {
        throw new Error('no');
      },
    },
  }) as Error;
  Error.captureStackTrace(odd);
  t.match(odd.stack, /^Error\n\s+at /);
});

t.test('nothing is installed without a map, or when Node maps sources itself', async (t) => {
  const dir = t.testdir({ 'plain.mjs': 'export {}' });
  t.equal(installLazySourceMaps(pathToFileURL(join(dir, 'plain.mjs')).href), false);
  const file = await bundled(t.testdir(), 'mapped');
  process.setSourceMapsEnabled(true);
  t.teardown(() => process.setSourceMapsEnabled(false));
  t.equal(installLazySourceMaps(pathToFileURL(file).href), false);
});
